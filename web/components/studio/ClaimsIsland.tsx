"use client";
/**
 * Claims and withdrawals: every (period, film) share of a posted tally for the creator's films,
 * claimed one at a time or all together in one `claimBatch` transaction (proofs from the server,
 * built by the oracle module from the published tally file); and the pay-per-view earnings the
 * market holds, withdrawn with `withdrawEarnings`. The wallet's balance is re-read when a
 * transaction confirms.
 */
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import type { Address, Hex } from "viem";
import { useAccount, usePublicClient, useSwitchChain, useWriteContract } from "wagmi";
import { filmMarketAbi, testDollarAbi } from "@ai-films/core/chain/abis";
import { openConnectModal } from "@/lib/client/events";
import { CHAIN_ID } from "@/lib/config";
import { formatDate, formatDollars, formatWatchTime } from "@/lib/format";
import { friendlyError } from "@/lib/wallet/errors";
import { WalletProviders } from "../wallet/WalletProviders";

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
}

export default function ClaimsIsland(props: ClaimsProps) {
  return (
    <WalletProviders>
      <Claims {...props} />
    </WalletProviders>
  );
}

const key = (c: { period: number; filmId: string }) => `${c.period}:${c.filmId}`;

function Claims({ market, token, creator, claims, ppvBalance }: ClaimsProps) {
  const router = useRouter();
  const { address, isConnected, chainId } = useAccount();
  const publicClient = usePublicClient({ chainId: CHAIN_ID });
  const { writeContractAsync } = useWriteContract();
  const { switchChainAsync } = useSwitchChain();
  const [claimedNow, setClaimedNow] = useState<Set<string>>(new Set());
  const [earnings, setEarnings] = useState(BigInt(ppvBalance));
  const [balance, setBalance] = useState<bigint | null>(null);
  const [status, setStatus] = useState<{ kind: "idle" | "working" | "done" | "error"; message?: string }>({ kind: "idle" });

  const fetchBalance = useCallback(
    async () =>
      publicClient ? publicClient.readContract({ address: token, abi: testDollarAbi, functionName: "balanceOf", args: [creator] }) : null,
    [publicClient, token, creator],
  );

  const readBalance = useCallback(async () => {
    try {
      const value = await fetchBalance();
      if (value !== null) setBalance(value);
    } catch {
      // chain not answering: keep the last value
    }
  }, [fetchBalance]);

  useEffect(() => {
    let live = true;
    fetchBalance().then(
      (value) => {
        if (live && value !== null) setBalance(value);
      },
      () => undefined, // chain not answering: keep the last value
    );
    return () => {
      live = false;
    };
  }, [fetchBalance]);

  const rows = claims.map((c) => ({ ...c, claimed: c.claimed || claimedNow.has(key(c)) }));
  const open = rows.filter((c) => c.claimable && !c.claimed);
  const openTotal = open.reduce((s, c) => s + BigInt(c.amount), 0n);
  const busy = status.kind === "working";

  async function ready(): Promise<boolean> {
    if (!isConnected || !address) {
      openConnectModal();
      return false;
    }
    if (chainId !== CHAIN_ID) await switchChainAsync({ chainId: CHAIN_ID });
    return true;
  }

  async function claim(items: typeof rows) {
    if (items.length === 0 || !(await ready())) return;
    try {
      const before = balance;
      setStatus({ kind: "working", message: "Confirm the claim in your wallet…" });
      const requests = items.map((c) => ({
        period: BigInt(c.period),
        filmId: BigInt(c.filmId),
        views: BigInt(c.views),
        seconds_: BigInt(c.seconds),
        proof: c.proof,
      }));
      const hash = await writeContractAsync({
        address: market,
        abi: filmMarketAbi,
        functionName: "claimBatch",
        args: [requests],
        chainId: CHAIN_ID,
      });
      setStatus({ kind: "working", message: "Waiting for the transaction…" });
      const receipt = await publicClient!.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error("The claim failed on-chain.");
      setClaimedNow((s) => new Set([...s, ...items.map(key)]));
      const total = items.reduce((s, c) => s + BigInt(c.amount), 0n);
      await readBalance();
      setStatus({ kind: "done", message: `Claimed ${formatDollars(total)}${before !== null ? "" : ""} in one transaction.` });
      setTimeout(() => router.refresh(), 2500);
    } catch (e) {
      setStatus({ kind: "error", message: friendlyError(e).message });
    }
  }

  async function withdraw() {
    if (earnings === 0n || !(await ready())) return;
    try {
      setStatus({ kind: "working", message: "Confirm the withdrawal in your wallet…" });
      const hash = await writeContractAsync({
        address: market,
        abi: filmMarketAbi,
        functionName: "withdrawEarnings",
        args: [creator],
        chainId: CHAIN_ID,
      });
      setStatus({ kind: "working", message: "Waiting for the transaction…" });
      const receipt = await publicClient!.waitForTransactionReceipt({ hash });
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

  const wrongAccount = isConnected && address && address.toLowerCase() !== creator.toLowerCase();

  return (
    <div className="claims" data-testid="claims-panel">
      <dl className="stats">
        <div>
          <dt>Wallet balance</dt>
          <dd data-testid="claims-balance" data-units={balance?.toString() ?? ""}>
            {balance === null ? "…" : formatDollars(balance)}
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
