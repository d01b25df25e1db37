"use client";
/**
 * Auto-renewal on the account page (SubscriptionRenewer.sol): turn it on with a monthly price
 * ceiling and a number of months (one permit signature and one transaction, `enableWithPermit`),
 * or cancel it in one transaction. The renewals themselves are made by the platform's keeper (or
 * anyone) once the subscription has ended, never above the ceiling.
 */
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { parseSignature, parseUnits, type Address } from "viem";
import { useAccount, usePublicClient, useSignTypedData, useWriteContract } from "wagmi";
import { subscriptionRenewerAbi, testDollarAbi } from "@ai-films/core/chain/abis";
import { PERMIT_TYPES, resolvePermitDomain } from "@ai-films/core/chain/permitDomain";
import { openConnectModal } from "@/lib/client/events";
import { CHAIN_ID, TOKEN_DECIMALS } from "@/lib/config";
import { useWalletErrors } from "@/lib/wallet/errors";
import { WalletProviders } from "./WalletProviders";

export interface AutoRenewProps {
  renewer: Address;
  token: Address;
  on: boolean;
  /** The current monthly price (smallest units): the default ceiling. */
  monthlyPrice: string;
}

export default function AutoRenewIsland(props: AutoRenewProps) {
  return (
    <WalletProviders>
      <AutoRenew {...props} />
    </WalletProviders>
  );
}

function AutoRenew({ renewer, token, on, monthlyPrice }: AutoRenewProps) {
  const t = useTranslations("wallet.autoRenew");
  const friendlyError = useWalletErrors();
  const router = useRouter();
  const { address, isConnected } = useAccount();
  const publicClient = usePublicClient({ chainId: CHAIN_ID });
  const { signTypedDataAsync } = useSignTypedData();
  const { writeContractAsync } = useWriteContract();
  const [ceiling, setCeiling] = useState((Number(monthlyPrice) / 10 ** TOKEN_DECIMALS).toString());
  const [months, setMonths] = useState("12");
  const [status, setStatus] = useState<{ kind: "idle" | "working" | "done" | "error"; message?: string }>({ kind: "idle" });

  async function send(action: "enable" | "cancel") {
    if (!isConnected || !address || !publicClient) return openConnectModal();
    // A price as typed here: "4.99", or "4,99" where the comma is the decimal sign.
    const typed = ceiling.trim().replace(",", ".") || "0";
    if (action === "enable" && !/^\d{1,12}(\.\d{0,6})?$/.test(typed)) return setStatus({ kind: "error", message: t("invalidCeiling") });
    try {
      setStatus({ kind: "working", message: t("confirm") });
      let hash;
      if (action === "cancel") {
        hash = await writeContractAsync({
          address: renewer,
          abi: subscriptionRenewerAbi,
          functionName: "cancel",
          args: [],
          chainId: CHAIN_ID,
        });
      } else {
        const max = parseUnits(typed, TOKEN_DECIMALS);
        const count = BigInt(Math.max(1, Math.min(120, Math.floor(Number(months) || 1))));
        const resolved = await resolvePermitDomain(publicClient, token);
        if (!resolved.ok) {
          const approval = await writeContractAsync({
            address: token,
            abi: testDollarAbi,
            functionName: "approve",
            args: [renewer, max * count],
            chainId: CHAIN_ID,
          });
          await publicClient.waitForTransactionReceipt({ hash: approval });
          hash = await writeContractAsync({
            address: renewer,
            abi: subscriptionRenewerAbi,
            functionName: "enable",
            args: [max, count],
            chainId: CHAIN_ID,
          });
        } else {
          const [nonce, block] = await Promise.all([
            publicClient.readContract({ address: token, abi: testDollarAbi, functionName: "nonces", args: [address] }),
            publicClient.getBlock({ blockTag: "latest" }),
          ]);
          const deadline = block.timestamp + 3600n;
          const signature = await signTypedDataAsync({
            domain: resolved.domain,
            types: PERMIT_TYPES,
            primaryType: "Permit",
            message: { owner: address, spender: renewer, value: max * count, nonce, deadline },
          });
          const { r, s, v, yParity } = parseSignature(signature);
          hash = await writeContractAsync({
            address: renewer,
            abi: subscriptionRenewerAbi,
            functionName: "enableWithPermit",
            args: [max, count, deadline, Number(v ?? BigInt(27 + (yParity ?? 0))), r, s],
            chainId: CHAIN_ID,
          });
        }
      }
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") {
        setStatus({ kind: "error", message: t("transactionFailed") });
        return;
      }
      setStatus({ kind: "done", message: action === "cancel" ? t("off") : t("on") });
      router.refresh();
    } catch (e) {
      setStatus({ kind: "error", message: friendlyError(e).message });
    }
  }

  const busy = status.kind === "working";
  return (
    <div className="auto-renew" data-testid="auto-renew-controls">
      {on ? (
        <button className="btn btn-secondary" data-testid="auto-renew-cancel" disabled={busy} onClick={() => send("cancel")} type="button">
          {t("turnOff")}
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void send("enable");
          }}
        >
          {/* One sentence with two fields in it: each field has its own name, the sentence is their context. */}
          <span>
            {t.rich("terms", {
              ceiling: () => (
                <input
                  aria-label={t("ceilingLabel")}
                  data-testid="auto-renew-ceiling"
                  inputMode="decimal"
                  onChange={(e) => setCeiling(e.target.value)}
                  size={6}
                  value={ceiling}
                />
              ),
              months: () => (
                <input
                  aria-label={t("monthsLabel")}
                  data-testid="auto-renew-months"
                  inputMode="numeric"
                  onChange={(e) => setMonths(e.target.value)}
                  size={3}
                  value={months}
                />
              ),
            })}
          </span>{" "}
          <button className="btn btn-secondary" data-testid="auto-renew-enable" disabled={busy} type="submit">
            {t("turnOn")}
          </button>
        </form>
      )}
      {status.message && (
        <p className={status.kind === "error" ? "error" : status.kind === "done" ? "success" : "notice"} data-testid="auto-renew-status">
          {status.message}
        </p>
      )}
    </div>
  );
}
