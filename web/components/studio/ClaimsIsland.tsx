"use client";
/**
 * Claims and withdrawals: every (period, film) share of a posted tally for the creator's films,
 * claimed one at a time or all together in one `claimBatch` transaction (proofs from the server,
 * built by the oracle module from the published tally file); and the pay-per-view earnings the
 * market holds, withdrawn with `withdrawEarnings`. The wallet's balance is re-read when a
 * transaction confirms.
 */
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Address, Hex } from "viem";
import { filmMarketAbi } from "@ai-films/core/chain/abis";
import { openConnectModal } from "@/lib/client/events";
import { formatDate, formatDollars, formatWatchTime } from "@/lib/format";
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
    setStatus({ kind: "working", message: "Opening your wallet…" });
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
      setStatus({ kind: "working", message: "Confirm the claim in your wallet…" });
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
        setStatus({ kind: "working", message: "Waiting for the transaction…" }),
      );
      if (receipt.status !== "success") throw new Error("The claim failed on-chain.");
      setClaimedNow((s) => new Set([...s, ...items.map(key)]));
      const total = items.reduce((s, c) => s + BigInt(c.amount), 0n);
      await readBalance();
      setStatus({ kind: "done", message: `Claimed ${formatDollars(total)} in one transaction.` });
      setTimeout(() => router.refresh(), 2500);
    } catch (e) {
      setStatus({ kind: "error", message: friendlyError(e).message });
    }
  }

  async function withdraw() {
    if (earnings === 0n) return;
    try {
      if (!(await ready())) return;
      setStatus({ kind: "working", message: "Confirm the withdrawal in your wallet…" });
      const { receipt } = await (
        await walletActions()
      ).send({ address: market, abi: filmMarketAbi, functionName: "withdrawEarnings", args: [creator] }, () =>
        setStatus({ kind: "working", message: "Waiting for the transaction…" }),
      );
      if (receipt.status !== "success") throw new Error("The withdrawal failed on-chain.");
      const amount = earnings;
      setEarnings(0n);
      await readBalance();
      setStatus({ kind: "done", message: `Withdrew ${formatDollars(amount)} of pay-per-view earnings.` });
      setTimeout(() => router.refresh(), 2500);
    } catch (e) {
      setStatus({ kind: "error", message: friendlyError(e).message });
    }
  }

  return (
    <div className="claims" data-testid="claims-panel">
      <dl className="stats">
        <div>
          <dt>Wallet balance</dt>
          <dd data-testid="claims-balance" data-units={balance.toString()}>
            {formatDollars(balance)}
          </dd>
        </div>
        <div>
          <dt>Claimable now</dt>
          <dd data-testid="claims-open-total" data-units={openTotal.toString()}>
            {formatDollars(openTotal)}
          </dd>
        </div>
        <div>
          <dt>Pay-per-view to withdraw</dt>
          <dd data-testid="ppv-balance" data-units={earnings.toString()}>
            {formatDollars(earnings)}
          </dd>
        </div>
      </dl>
      {wrongAccount && (
        <p className="notice" data-testid="claims-wrong-account">
          The wallet is on another account; claims still pay the films&apos; owner ({creator}).
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
          Claim all ({open.length}) — {formatDollars(openTotal)}
        </button>
        <button
          className="btn btn-secondary"
          type="button"
          disabled={busy || earnings === 0n}
          onClick={() => void withdraw()}
          data-testid="withdraw-earnings"
        >
          Withdraw pay-per-view earnings — {formatDollars(earnings)}
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
          No pool shares yet: once a period your films were watched in by subscribers is tallied and posted, its share appears here.
        </p>
      ) : (
        <table className="table" data-testid="claims-table">
          <thead>
            <tr>
              <th>Period</th>
              <th>Film</th>
              <th>Views (weighted)</th>
              <th>Watch time (weighted)</th>
              <th>Share</th>
              <th>Status</th>
              <th />
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
                <td>{c.unitScale === "1" ? c.views : (Number(c.views) / Number(c.unitScale)).toFixed(2)}</td>
                <td>{formatWatchTime(Number(c.seconds) / Number(c.unitScale))}</td>
                <td data-testid="claim-amount">{formatDollars(c.amount)}</td>
                <td data-testid="claim-status">
                  {c.claimed
                    ? "Claimed"
                    : c.claimable
                      ? `Claimable until ${formatDate(c.claimDeadline)}`
                      : c.closed
                        ? "Closed"
                        : `From ${formatDate(c.claimableAt)}`}
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
                      Claim
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
