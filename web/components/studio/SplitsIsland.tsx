"use client";
/**
 * Split films in the studio: for each film whose earnings are split among collaborators (ones the
 * signed-in wallet split, or is a payee of), every payee's share, what they have been paid and what
 * they can withdraw now, read from the film's FilmSplitter by the server with the page. The
 * connected payee withdraws their part with `release` (which also collects the film's pay-per-view
 * earnings from the market); the amounts are then read again from the chain. A pool share of a
 * split film is claimed in the Claims panel as usual: the market pays the splitter.
 */
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Address } from "viem";
import { filmSplitterAbi } from "@ai-films/core/chain/abis";
import { bpsToPercent } from "@ai-films/core/domain";
import { openConnectModal } from "@/lib/client/events";
import { formatDollars, shortAddress } from "@/lib/format";
import { friendlyError } from "@/lib/wallet/errors";
import { connectedWallet, walletActions } from "@/lib/wallet/lazy";

export interface SplitView {
  filmId: string;
  title: string;
  splitter: Address;
  controller: string;
  totalShares: string;
  payees: { payee: Address; shares: string }[];
  /** Each payee's paid and withdrawable amounts (token units), read by the server; null: the chain did not answer. */
  amounts: { payee: Address; released: string; releasable: string }[] | null;
}

export interface SplitsProps {
  splits: SplitView[];
  /** The signed-in wallet. */
  account: string;
}

/** The strings of this panel, together for the i18n catalogues. */
export const SPLIT_STRINGS = {
  collaborators: (n: number) => `Split among ${n} collaborators`,
  youSplit: "you split this film",
  payee: "Collaborator",
  share: "Share",
  paid: "Paid so far",
  due: "Withdrawable now",
  you: "you",
  withdraw: "Withdraw my share",
  opening: "Opening your wallet…",
  confirm: "Confirm the withdrawal in your wallet…",
  waiting: "Waiting for the transaction…",
  failed: "The withdrawal failed on-chain.",
  done: (amount: string, title: string) => `Withdrew ${amount} from “${title}”.`,
  unreadable: "The amounts can't be read right now.",
} as const;

/** No wallet code at load: wagmi arrives with the first withdrawal (lib/wallet/lazy). */
export default function SplitsIsland(props: SplitsProps) {
  return <Splits {...props} />;
}

type Amounts = Record<string, { releasable: bigint; released: bigint }>;
const key = (splitter: string, payee: string) => `${splitter.toLowerCase()}:${payee.toLowerCase()}`;

function amountsOf(splits: SplitView[]): Amounts {
  return Object.fromEntries(
    splits.flatMap((s) =>
      (s.amounts ?? []).map((a) => [key(s.splitter, a.payee), { releasable: BigInt(a.releasable), released: BigInt(a.released) }] as const),
    ),
  );
}

function Splits({ splits, account }: SplitsProps) {
  const router = useRouter();
  /** Re-read from the chain after a withdrawal; the server's figures otherwise. */
  const [reread, setReread] = useState<Amounts>({});
  const amounts: Amounts = { ...amountsOf(splits), ...reread };
  const readError = splits.some((s) => s.amounts === null);
  const [status, setStatus] = useState<{ kind: "idle" | "working" | "done" | "error"; message?: string }>({ kind: "idle" });

  const me = account.toLowerCase();
  const busy = status.kind === "working";

  async function release(split: SplitView, payee: Address) {
    try {
      setStatus({ kind: "working", message: SPLIT_STRINGS.opening });
      const wallet = await connectedWallet();
      if (!wallet.isConnected || !wallet.address) {
        setStatus({ kind: "idle" });
        openConnectModal();
        return;
      }
      const actions = await walletActions();
      await actions.toAppChain();
      setStatus({ kind: "working", message: SPLIT_STRINGS.confirm });
      const before = amounts[key(split.splitter, payee)];
      const { receipt } = await actions.send(
        { address: split.splitter, abi: filmSplitterAbi, functionName: "release", args: [payee] },
        () => setStatus({ kind: "working", message: SPLIT_STRINGS.waiting }),
      );
      if (receipt.status !== "success") throw new Error(SPLIT_STRINGS.failed);
      // The chain is the truth: read what the payee has now been paid (keep the old figures if it does not answer).
      const now = await actions.splitterAmounts(split.splitter, payee).catch(() => null);
      if (now) setReread((r) => ({ ...r, [key(split.splitter, payee)]: now }));
      const paid = now && before ? now.released - before.released : (before?.releasable ?? 0n);
      setStatus({ kind: "done", message: SPLIT_STRINGS.done(formatDollars(paid), split.title) });
      // The server parts of the page read the chain: render them again now.
      router.refresh();
    } catch (e) {
      setStatus({ kind: "error", message: friendlyError(e).message });
    }
  }

  return (
    <div className="splits" data-testid="splits-panel">
      {readError && (
        <p className="error" role="alert">
          {SPLIT_STRINGS.unreadable}
        </p>
      )}
      {status.kind !== "idle" && (
        <p
          className={status.kind === "error" ? "error" : status.kind === "done" ? "success" : "notice"}
          role={status.kind === "error" ? "alert" : "status"}
          data-testid="split-status"
          data-kind={status.kind}
        >
          {status.message}
        </p>
      )}
      {splits.map((s) => (
        <section
          key={s.filmId}
          className="split-film"
          data-testid="split-film"
          data-film-id={s.filmId}
          data-splitter={s.splitter.toLowerCase()}
        >
          <h3>
            {s.title} <span className="muted small">#{s.filmId}</span>
          </h3>
          <p className="muted small">
            {SPLIT_STRINGS.collaborators(s.payees.length)}
            {s.controller.toLowerCase() === account.toLowerCase() ? ` · ${SPLIT_STRINGS.youSplit}` : ""} ·{" "}
            <span className="mono" title={s.splitter}>
              {shortAddress(s.splitter)}
            </span>
          </p>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{SPLIT_STRINGS.payee}</th>
                  <th scope="col">{SPLIT_STRINGS.share}</th>
                  <th scope="col">{SPLIT_STRINGS.paid}</th>
                  <th scope="col">{SPLIT_STRINGS.due}</th>
                  <th scope="col">
                    <span className="visually-hidden">{SPLIT_STRINGS.withdraw}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.payees.map(({ payee, shares }) => {
                  const a = amounts[key(s.splitter, payee)];
                  const mine = payee.toLowerCase() === me;
                  const bps = Number((BigInt(shares) * 10_000n) / BigInt(s.totalShares));
                  return (
                    <tr
                      key={payee}
                      data-testid="split-payee"
                      data-payee={payee.toLowerCase()}
                      data-releasable={a?.releasable.toString() ?? ""}
                      data-released={a?.released.toString() ?? ""}
                    >
                      <td className="mono" title={payee}>
                        {shortAddress(payee)}
                        {mine ? ` (${SPLIT_STRINGS.you})` : ""}
                      </td>
                      <td>{bpsToPercent(bps)} %</td>
                      <td>{a ? formatDollars(a.released) : "…"}</td>
                      <td>{a ? formatDollars(a.releasable) : "…"}</td>
                      <td>
                        {mine && (
                          <button
                            className="btn btn-secondary"
                            type="button"
                            disabled={busy || !a || a.releasable === 0n}
                            onClick={() => void release(s, payee)}
                            data-testid="split-release"
                          >
                            {SPLIT_STRINGS.withdraw}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
