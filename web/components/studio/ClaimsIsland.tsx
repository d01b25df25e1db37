"use client";
/**
 * Claims and withdrawals: every (period, film) share of a posted tally for the creator's films,
 * claimed one at a time or all together in one `claimBatch` transaction (proofs from the server,
 * built by the oracle module from the published tally file); and the pay-per-view earnings the
 * market holds, withdrawn with `withdrawEarnings`. The wallet's balance is re-read when a
 * transaction confirms.
 */
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import type { Address, Hex } from "viem";
import { filmMarketAbi } from "@ai-films/core/chain/abis";
import { openConnectModal } from "@/lib/client/events";
import { formatDate, formatDollars, formatNumber, formatWatchTime } from "@/lib/format";
import { friendlyError } from "@/lib/wallet/errors";
import { connectedWallet, walletActions } from "@/lib/wallet/lazy";

export interface ClaimItem {
  period: number;
  filmId: string;
  title: string;
  views: string;
  seconds: string;
  /** Leaf units per view or second (split method 2's leaves are weighted); "1" for raw counts. */
  unitScale: string;
  proof: Hex[];
  amount: string;
  claimed: boolean;
  claimable: boolean;
  claimableAt: number;
  claimDeadline: number;
  closed: boolean;
}

export interface ClaimsProps {
  market: Address;
  token: Address;
  creator: Address;
  claims: ClaimItem[];
  ppvBalance: string;
  /** The creator's payment-token balance, read by the server with the page. */
  tokenBalance: string;
}

/** No wallet code at load: wagmi arrives with the first claim or withdrawal (lib/wallet/lazy). */
export default function ClaimsIsland(props: ClaimsProps) {
  return <Claims {...props} />;
}

const key = (c: { period: number; filmId: string }) => `${c.period}:${c.filmId}`;

function Claims({ market, token, creator, claims, ppvBalance, tokenBalance }: ClaimsProps) {
  const router = useRouter();
  const t = useTranslations("studio.claims");
  const tw = useTranslations("studio.wallet");
  const locale = useLocale();
  const money = (units: string | bigint) => formatDollars(units, locale);
  /** Weighted counts (split method 2) have fractions: two decimals, in the viewer's digits. */
  const weighted = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const [claimedNow, setClaimedNow] = useState<Set<string>>(new Set());
  const [earnings, setEarnings] = useState(BigInt(ppvBalance));
  const [balance, setBalance] = useState<bigint>(BigInt(tokenBalance));
  const [wrongAccount, setWrongAccount] = useState(false);
  const [status, setStatus] = useState<{ kind: "idle" | "working" | "done" | "error"; message?: string }>({ kind: "idle" });

  /** Re-reads the balance after a transaction (the chain is the truth; keeps the last value if it does not answer). */
  async function readBalance() {
    try {
      setBalance(await (await walletActions()).tokenBalance(token, creator));
    } catch {
      // chain not answering: keep the last value
    }
  }

  const rows = claims.map((c) => ({ ...c, claimed: c.claimed || claimedNow.has(key(c)) }));
  const open = rows.filter((c) => c.claimable && !c.claimed);
  const openTotal = open.reduce((s, c) => s + BigInt(c.amount), 0n);
  const busy = status.kind === "working";

  async function ready(): Promise<boolean> {
    setStatus({ kind: "working", message: tw("opening") });
    const wallet = await connectedWallet();
    if (!wallet.isConnected || !wallet.address) {
      setStatus({ kind: "idle" });
      openConnectModal();
      return false;
    }
    setWrongAccount(wallet.address.toLowerCase() !== creator.toLowerCase());
    await (await walletActions()).toAppChain();
    return true;
  }

  async function claim(items: typeof rows) {
    if (items.length === 0) return;
    try {
      if (!(await ready())) return;
      setStatus({ kind: "working", message: t("confirmClaim") });
      const requests = items.map((c) => ({
        period: BigInt(c.period),
        filmId: BigInt(c.filmId),
        views: BigInt(c.views),
        seconds_: BigInt(c.seconds),
        proof: c.proof,
      }));
      const { receipt } = await (
        await walletActions()
      ).send({ address: market, abi: filmMarketAbi, functionName: "claimBatch", args: [requests] }, () =>
        setStatus({ kind: "working", message: tw("waiting") }),
      );
      if (receipt.status !== "success") throw new Error(t("claimFailed"));
      setClaimedNow((s) => new Set([...s, ...items.map(key)]));
      const total = items.reduce((s, c) => s + BigInt(c.amount), 0n);
      await readBalance();
      setStatus({ kind: "done", message: t("claimed", { amount: money(total) }) });
      setTimeout(() => router.refresh(), 2500);
    } catch (e) {
      setStatus({ kind: "error", message: friendlyError(e).message });
    }
  }

  async function withdraw() {
    if (earnings === 0n) return;
    try {
      if (!(await ready())) return;
      setStatus({ kind: "working", message: t("confirmWithdraw") });
      const { receipt } = await (
        await walletActions()
      ).send({ address: market, abi: filmMarketAbi, functionName: "withdrawEarnings", args: [creator] }, () =>
        setStatus({ kind: "working", message: tw("waiting") }),
      );
      if (receipt.status !== "success") throw new Error(t("withdrawFailed"));
      const amount = earnings;
      setEarnings(0n);
      await readBalance();
      setStatus({ kind: "done", message: t("withdrew", { amount: money(amount) }) });
      setTimeout(() => router.refresh(), 2500);
    } catch (e) {
      setStatus({ kind: "error", message: friendlyError(e).message });
    }
  }

  return (
    <div className="claims" data-testid="claims-panel">
      <dl className="stats">
        <div>
          <dt>{t("balance")}</dt>
          <dd data-testid="claims-balance" data-units={balance.toString()}>
            {money(balance)}
          </dd>
        </div>
        <div>
          <dt>{t("claimable")}</dt>
          <dd data-testid="claims-open-total" data-units={openTotal.toString()}>
            {money(openTotal)}
          </dd>
        </div>
        <div>
          <dt>{t("ppvBalance")}</dt>
          <dd data-testid="ppv-balance" data-units={earnings.toString()}>
            {money(earnings)}
          </dd>
        </div>
      </dl>
      {wrongAccount && (
        <p className="notice" data-testid="claims-wrong-account">
          {t("wrongAccount", { creator })}
        </p>
      )}
      <div className="claims-actions">
        <button
          className="btn btn-primary"
          type="button"
          disabled={busy || open.length === 0}
          onClick={() => void claim(open)}
          data-testid="claim-all"
        >
          {t("claimAll", { count: formatNumber(open.length, locale), amount: money(openTotal) })}
        </button>
        <button
          className="btn btn-secondary"
          type="button"
          disabled={busy || earnings === 0n}
          onClick={() => void withdraw()}
          data-testid="withdraw-earnings"
        >
          {t("withdraw", { amount: money(earnings) })}
        </button>
      </div>
      {status.kind !== "idle" && (
        <p
          className={status.kind === "error" ? "error" : status.kind === "done" ? "success" : "notice"}
          role={status.kind === "error" ? "alert" : undefined}
          data-testid="claims-status"
          data-kind={status.kind}
        >
          {status.message}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="muted" data-testid="claims-empty">
          {t("empty")}
        </p>
      ) : (
        <table className="table" data-testid="claims-table">
          <thead>
            <tr>
              <th scope="col">{t("period")}</th>
              <th scope="col">{t("film")}</th>
              <th scope="col">{t("views")}</th>
              <th scope="col">{t("watchTime")}</th>
              <th scope="col">{t("share")}</th>
              <th scope="col">{t("status")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("action")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr
                key={key(c)}
                data-testid="claim-row"
                data-period={c.period}
                data-film-id={c.filmId}
                data-amount={c.amount}
                data-claimed={c.claimed}
                data-claimable={c.claimable && !c.claimed}
              >
                <td>{c.period}</td>
                <td>{c.title}</td>
                <td>
                  {c.unitScale === "1" ? formatNumber(BigInt(c.views), locale) : weighted.format(Number(c.views) / Number(c.unitScale))}
                </td>
                <td>{formatWatchTime(Number(c.seconds) / Number(c.unitScale), locale)}</td>
                <td data-testid="claim-amount">{money(c.amount)}</td>
                <td data-testid="claim-status">
                  {c.claimed
                    ? t("statusClaimed")
                    : c.claimable
                      ? t("statusClaimable", { date: formatDate(c.claimDeadline, locale) })
                      : c.closed
                        ? t("statusClosed")
                        : t("statusFrom", { date: formatDate(c.claimableAt, locale) })}
                </td>
                <td>
                  {!c.claimed && c.claimable && (
                    <button
                      className="btn btn-secondary"
                      type="button"
                      disabled={busy}
                      onClick={() => void claim([c])}
                      data-testid="claim-one"
                    >
                      {t("claim")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
