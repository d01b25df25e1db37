"use client";
/**
 * Split films in the studio: for each film whose earnings are split among collaborators (ones the
 * signed-in wallet split, or is a payee of), every payee's share, what they have been paid and what
 * they can withdraw now, read from the film's FilmSplitter. The connected payee withdraws their
 * part with `release` (which also collects the film's pay-per-view earnings from the market). A
 * pool share of a split film is claimed in the Claims panel as usual: the market pays the splitter.
 */
import { useCallback, useEffect, useState } from "react";
import type { Address } from "viem";
import { useAccount, usePublicClient, useSwitchChain, useWriteContract } from "wagmi";
import { filmSplitterAbi } from "@ai-films/core/chain/abis";
import { bpsToPercent } from "@ai-films/core/domain";
import { openConnectModal } from "@/lib/client/events";
import { CHAIN_ID } from "@/lib/config";
import { formatDollars, shortAddress } from "@/lib/format";
import { friendlyError } from "@/lib/wallet/errors";
import { WalletProviders } from "../wallet/WalletProviders";

export interface SplitView {
  filmId: string;
  title: string;
  splitter: Address;
  controller: string;
  totalShares: string;
  payees: { payee: Address; shares: string }[];
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
  confirm: "Confirm the withdrawal in your wallet…",
  waiting: "Waiting for the transaction…",
  failed: "The withdrawal failed on-chain.",
  done: (amount: string, title: string) => `Withdrew ${amount} from “${title}”.`,
  unreadable: "The amounts can't be read right now.",
} as const;

export default function SplitsIsland(props: SplitsProps) {
  return (
    <WalletProviders>
      <Splits {...props} />
    </WalletProviders>
  );
}

type Amounts = Record<string, { releasable: bigint; released: bigint }>;
const key = (splitter: string, payee: string) => `${splitter.toLowerCase()}:${payee.toLowerCase()}`;

function Splits({ splits, account }: SplitsProps) {
  const { address, isConnected, chainId } = useAccount();
  const publicClient = usePublicClient({ chainId: CHAIN_ID });
  const { writeContractAsync } = useWriteContract();
  const { switchChainAsync } = useSwitchChain();
  const [amounts, setAmounts] = useState<Amounts | null>(null);
  const [readError, setReadError] = useState(false);
  const [status, setStatus] = useState<{ kind: "idle" | "working" | "done" | "error"; message?: string }>({ kind: "idle" });

  const read = useCallback(async (): Promise<Amounts | null> => {
    if (!publicClient) return null;
    const entries = await Promise.all(
      splits.flatMap((s) =>
        s.payees.map(async ({ payee }) => {
          const [releasable, released] = await Promise.all([
            publicClient.readContract({ address: s.splitter, abi: filmSplitterAbi, functionName: "releasable", args: [payee] }),
            publicClient.readContract({ address: s.splitter, abi: filmSplitterAbi, functionName: "releasedOf", args: [payee] }),
          ]);
          return [key(s.splitter, payee), { releasable, released }] as const;
        }),
      ),
    );
    return Object.fromEntries(entries);
  }, [publicClient, splits]);

  useEffect(() => {
    let live = true;
    read().then(
      (value) => {
        if (live && value) setAmounts(value);
      },
      () => {
        if (live) setReadError(true);
      },
    );
    return () => {
      live = false;
    };
  }, [read]);

  const me = (address ?? account).toLowerCase();
  const busy = status.kind === "working";

  async function release(split: SplitView, payee: Address) {
    if (!isConnected || !address) {
      openConnectModal();
      return;
    }
    try {
      if (chainId !== CHAIN_ID) await switchChainAsync({ chainId: CHAIN_ID });
      setStatus({ kind: "working", message: SPLIT_STRINGS.confirm });
      const due = amounts?.[key(split.splitter, payee)]?.releasable ?? 0n;
      const hash = await writeContractAsync({
        address: split.splitter,
        abi: filmSplitterAbi,
        functionName: "release",
        args: [payee],
        chainId: CHAIN_ID,
      });
      setStatus({ kind: "working", message: SPLIT_STRINGS.waiting });
      const receipt = await publicClient!.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(SPLIT_STRINGS.failed);
      const next = await read().catch(() => null);
      if (next) setAmounts(next);
      setStatus({ kind: "done", message: SPLIT_STRINGS.done(formatDollars(due), split.title) });
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
                  const a = amounts?.[key(s.splitter, payee)];
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
