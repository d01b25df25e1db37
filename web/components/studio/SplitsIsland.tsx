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
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import type { Address } from "viem";
import { filmSplitterAbi } from "@ai-films/core/chain/abis";
import { openConnectModal } from "@/lib/client/events";
import { formatDollars, formatPercent, shortAddress } from "@/lib/format";
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
  const t = useTranslations("studio.splits");
  const tw = useTranslations("studio.wallet");
  const locale = useLocale();
  /** Re-read from the chain after a withdrawal; the server's figures otherwise. */
  const [reread, setReread] = useState<Amounts>({});
  const amounts: Amounts = { ...amountsOf(splits), ...reread };
  const readError = splits.some((s) => s.amounts === null);
  const [status, setStatus] = useState<{ kind: "idle" | "working" | "done" | "error"; message?: string }>({ kind: "idle" });

  const me = account.toLowerCase();
  const busy = status.kind === "working";

  async function release(split: SplitView, payee: Address) {
    try {
      setStatus({ kind: "working", message: tw("opening") });
      const wallet = await connectedWallet();
      if (!wallet.isConnected || !wallet.address) {
        setStatus({ kind: "idle" });
        openConnectModal();
        return;
      }
      const actions = await walletActions();
      await actions.toAppChain();
      setStatus({ kind: "working", message: t("confirm") });
      const before = amounts[key(split.splitter, payee)];
      const { receipt } = await actions.send(
        { address: split.splitter, abi: filmSplitterAbi, functionName: "release", args: [payee] },
        () => setStatus({ kind: "working", message: tw("waiting") }),
      );
      if (receipt.status !== "success") throw new Error(t("failed"));
      // The chain is the truth: read what the payee has now been paid (keep the old figures if it does not answer).
      const now = await actions.splitterAmounts(split.splitter, payee).catch(() => null);
      if (now) setReread((r) => ({ ...r, [key(split.splitter, payee)]: now }));
      const paid = now && before ? now.released - before.released : (before?.releasable ?? 0n);
      setStatus({ kind: "done", message: t("done", { amount: formatDollars(paid, locale), title: split.title }) });
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
          {t("unreadable")}
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
            {t("collaborators", { count: s.payees.length })}
            {s.controller.toLowerCase() === account.toLowerCase() ? ` · ${t("youSplit")}` : ""} ·{" "}
            <span className="mono" title={s.splitter}>
              {shortAddress(s.splitter)}
            </span>
          </p>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("payee")}</th>
                  <th scope="col">{t("share")}</th>
                  <th scope="col">{t("paid")}</th>
                  <th scope="col">{t("due")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("withdraw")}</span>
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
                        {mine ? t("you", { address: shortAddress(payee) }) : shortAddress(payee)}
                      </td>
                      <td>{formatPercent(bps / 10_000, locale, 2)}</td>
                      <td>{a ? formatDollars(a.released, locale) : <span aria-label={t("pending")}>…</span>}</td>
                      <td>{a ? formatDollars(a.releasable, locale) : <span aria-label={t("pending")}>…</span>}</td>
                      <td>
                        {mine && (
                          <button
                            className="btn btn-secondary"
                            type="button"
                            disabled={busy || !a || a.releasable === 0n}
                            onClick={() => void release(s, payee)}
                            data-testid="split-release"
                          >
                            {t("withdraw")}
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
