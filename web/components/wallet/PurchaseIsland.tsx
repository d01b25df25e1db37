"use client";
/**
 * Calls to action on the film page and the account page: buy one view (EIP-2612 permit signed in
 * the wallet, then one `buyViewWithPermit` transaction) and subscribe (`subscribeWithPermit`).
 * The permit's domain comes from the token (`resolvePermitDomain`: EIP-5267, else name/version
 * checked against DOMAIN_SEPARATOR); a token whose domain cannot be checked pays in two steps,
 * approve then buy, and the panel says so. Every failure ends in one sentence with the way out:
 * connect, switch network, get tokens (local faucet), review a changed price, sign in again.
 *
 * Gifts: with a wallet address in "Gift to", the pass or month goes to that wallet (`buyViewFor`,
 * `subscribeFor`: approve, then buy). Gasless: when the platform sponsors gas, "Pay without gas"
 * signs a permit and the purchase (EIP-712, SignedPurchases.sol) and the platform's relayer
 * (/api/relay/purchase) submits them, so a wallet holding only the stablecoin can buy.
 */
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { isAddress, parseSignature, type Address, type Hex } from "viem";
import { useAccount, usePublicClient, useSignTypedData, useSwitchChain, useWriteContract } from "wagmi";
import { filmMarketAbi, signedPurchasesAbi, testDollarAbi } from "@ai-films/core/chain/abis";
import { purchasesDomain, SUBSCRIPTION_PURCHASE_TYPES, VIEW_PURCHASE_TYPES } from "@ai-films/core/chain/purchaseTypes";
import { PERMIT_TYPES, resolvePermitDomain, type PermitDomain } from "@ai-films/core/chain/permitDomain";
import { reasonOf, useApiErrors } from "@/i18n/apiErrors";
import { announceAccessChanged, openConnectModal } from "@/lib/client/events";
import { useSession } from "@/lib/client/session";
import { CHAIN_ID, IS_LOCAL_CHAIN } from "@/lib/config";
import { formatDollars, formatWatchTime, tokenLabel } from "@/lib/format";
import { useWalletErrors, type FriendlyError } from "@/lib/wallet/errors";
import { WalletProviders } from "./WalletProviders";

/** The market's ABI plus the token's errors, so a failed transfer inside a purchase decodes too. */
const marketWithTokenErrors = [...filmMarketAbi, ...testDollarAbi.filter((item) => item.type === "error")] as const;

export interface PurchaseProps {
  /** Absent on the account page: subscribe only. */
  filmId?: string;
  pricePerView?: string;
  salesPaused?: boolean;
  monthlyPrice: string;
  passWindowSeconds: number;
  market: Address;
  token: Address;
  /** The token's symbol ("USDC"): named in the panel's sentences on a real network. */
  tokenSymbol: string;
  /** The account page says "Renew" to a current subscriber. */
  renew?: boolean;
  /** SignedPurchases' address when the platform pays the gas of signed purchases; else null. */
  signedPurchases?: Address | null;
  /** Only the gift form (the viewer can already watch). */
  giftOnly?: boolean;
}

export default function PurchaseIsland(props: PurchaseProps) {
  return (
    <WalletProviders>
      <Purchase {...props} />
    </WalletProviders>
  );
}

// "funded" is the faucet's success, kept apart from a purchase's "done" so neither is taken for the other.
type Status =
  | { kind: "idle" }
  | { kind: "working"; step: string }
  | { kind: "done"; message: string }
  | { kind: "funded"; message: string }
  | { kind: "error"; error: FriendlyError };

/** The permit domain once resolved; null when the token has none we can check, so the panel pays with approve + buy. */
type PermitMode = { domain: PermitDomain } | null;

/** A failure already said in the viewer's words: `run` shows it as it is. */
function failure(message: string, kind: FriendlyError["kind"] = "other"): Error {
  return Object.assign(new Error(message), { friendly: { kind, message } satisfies FriendlyError });
}

function Purchase({
  filmId,
  pricePerView,
  salesPaused,
  monthlyPrice,
  passWindowSeconds,
  market,
  token,
  tokenSymbol,
  renew = false,
  signedPurchases = null,
  giftOnly = false,
}: PurchaseProps) {
  const t = useTranslations("wallet.purchase");
  const tc = useTranslations("common");
  const locale = useLocale();
  const apiError = useApiErrors();
  const friendlyError = useWalletErrors();
  const dollars = (units: bigint) => formatDollars(units, locale);
  const router = useRouter();
  const { address, chainId, isConnected } = useAccount();
  const publicClient = usePublicClient({ chainId: CHAIN_ID });
  const { signTypedDataAsync } = useSignTypedData();
  const { writeContractAsync } = useWriteContract();
  const { switchChainAsync } = useSwitchChain();
  const session = useSession();
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [viewPrice, setViewPrice] = useState(BigInt(pricePerView ?? "0"));
  const [subPrice, setSubPrice] = useState(BigInt(monthlyPrice));
  const [permitMode, setPermitMode] = useState<PermitMode | undefined>(undefined);
  const tokenName = tokenLabel(tokenSymbol, tc("testDollars"));
  const [giftTo, setGiftTo] = useState("");
  const [gasless, setGasless] = useState(false);
  const giftValid = giftTo.trim() === "" || isAddress(giftTo.trim());

  const busy = status.kind === "working";

  /** Resolves the token's permit domain once (also on mount, so the two-step notice shows before any click). */
  async function resolvePermitMode(): Promise<PermitMode> {
    if (permitMode !== undefined) return permitMode;
    if (!publicClient) throw failure(t("errors.noChain"));
    const resolved = await resolvePermitDomain(publicClient, token);
    const mode = resolved.ok ? { domain: resolved.domain } : null;
    setPermitMode(mode);
    return mode;
  }

  useEffect(() => {
    if (!publicClient) return;
    let cancelled = false;
    resolvePermitDomain(publicClient, token)
      .then((resolved) => !cancelled && setPermitMode(resolved.ok ? { domain: resolved.domain } : null))
      .catch(() => undefined); // tried again at the first purchase
    return () => {
      cancelled = true;
    };
  }, [publicClient, token]);

  /** Refuses before any wallet prompt when the wallet holds less than `value`. */
  async function checkBalance(owner: Address, value: bigint) {
    if (!publicClient) throw failure(t("errors.noChain"));
    const balance = await publicClient.readContract({ address: token, abi: testDollarAbi, functionName: "balanceOf", args: [owner] });
    if (balance < value) {
      throw failure(t("errors.notEnough", { token: tokenName, price: dollars(value), balance: dollars(balance) }), "funds");
    }
  }

  async function ensureReady(): Promise<Address | null> {
    if (!isConnected || !address) {
      openConnectModal();
      return null;
    }
    if (chainId !== CHAIN_ID) {
      try {
        await switchChainAsync({ chainId: CHAIN_ID });
      } catch {
        setStatus({
          kind: "error",
          error: { kind: "network", message: t("errors.switchNetwork") },
        });
        return null;
      }
    }
    return address;
  }

  /** Signs an EIP-2612 permit for `value` to the market; deadline from the chain's clock (a local chain may run ahead). */
  async function permit(owner: Address, value: bigint, domain: PermitDomain, spender: Address = market) {
    if (!publicClient) throw failure(t("errors.noChain"));
    const [nonce, block] = await Promise.all([
      publicClient.readContract({ address: token, abi: testDollarAbi, functionName: "nonces", args: [owner] }),
      publicClient.getBlock({ blockTag: "latest" }),
    ]);
    const deadline = block.timestamp + 3600n;
    setStatus({ kind: "working", step: t("steps.approve") });
    const signature = await signTypedDataAsync({
      domain,
      types: PERMIT_TYPES,
      primaryType: "Permit",
      message: { owner, spender, value, nonce, deadline },
    });
    const { r, s, v, yParity } = parseSignature(signature);
    return { deadline, r, s, v: Number(v ?? BigInt(27 + (yParity ?? 0))) };
  }

  /** One transaction: the permit rides along with the purchase. */
  async function buyWithPermit(kind: "view" | "subscribe", owner: Address, price: bigint, domain: PermitDomain): Promise<Hex> {
    const p = await permit(owner, price, domain);
    setStatus({ kind: "working", step: t("steps.confirm") });
    return kind === "view"
      ? writeContractAsync({
          address: market,
          abi: marketWithTokenErrors,
          functionName: "buyViewWithPermit",
          // The pass length shown to the viewer is bound like the price: a shorter window reverts.
          args: [BigInt(filmId!), price, BigInt(passWindowSeconds), p.deadline, p.v, p.r, p.s],
          chainId: CHAIN_ID,
        })
      : writeContractAsync({
          address: market,
          abi: marketWithTokenErrors,
          functionName: "subscribeWithPermit",
          args: [1n, price, p.deadline, p.v, p.r, p.s],
          chainId: CHAIN_ID,
        });
  }

  /** Two transactions, for a token whose permit domain cannot be checked: approve the price (unless already allowed), then buy. */
  async function approveAndBuy(kind: "view" | "subscribe", owner: Address, price: bigint): Promise<Hex> {
    if (!publicClient) throw failure(t("errors.noChain"));
    const allowance = await publicClient.readContract({
      address: token,
      abi: testDollarAbi,
      functionName: "allowance",
      args: [owner, market],
    });
    if (allowance < price) {
      setStatus({ kind: "working", step: t("steps.approveFirst") });
      const approval = await writeContractAsync({
        address: token,
        abi: testDollarAbi,
        functionName: "approve",
        args: [market, price],
        chainId: CHAIN_ID,
      });
      const approved = await publicClient.waitForTransactionReceipt({ hash: approval });
      if (approved.status !== "success") throw failure(t("errors.approvalFailed"));
    }
    setStatus({ kind: "working", step: t("steps.confirmPurchase") });
    return kind === "view"
      ? writeContractAsync({
          address: market,
          abi: marketWithTokenErrors,
          functionName: "buyView",
          args: [BigInt(filmId!), price, BigInt(passWindowSeconds)],
          chainId: CHAIN_ID,
        })
      : writeContractAsync({
          address: market,
          abi: marketWithTokenErrors,
          functionName: "subscribe",
          args: [1n, price],
          chainId: CHAIN_ID,
        });
  }

  /** No gas: the viewer signs a permit and the purchase, the platform's relayer submits them. */
  async function buySigned(
    kind: "view" | "subscribe",
    owner: Address,
    price: bigint,
    recipient: Address,
    domain: PermitDomain,
  ): Promise<Hex> {
    if (!publicClient || !signedPurchases) throw failure(t("errors.noChain"));
    const p = await permit(owner, price, domain, signedPurchases);
    const nonce = await publicClient.readContract({
      address: signedPurchases,
      abi: signedPurchasesAbi,
      functionName: "nonces",
      args: [owner],
    });
    const domain712 = purchasesDomain(CHAIN_ID, signedPurchases);
    const common = { viewer: owner, recipient, nonce, deadline: p.deadline };
    // The purchase the contract checks, bound to the same deadline as the permit.
    const typed =
      kind === "view"
        ? ({
            domain: domain712,
            types: VIEW_PURCHASE_TYPES,
            primaryType: "ViewPurchase",
            message: { ...common, filmId: BigInt(filmId!), price, minPassWindow: BigInt(passWindowSeconds) },
          } as const)
        : ({
            domain: domain712,
            types: SUBSCRIPTION_PURCHASE_TYPES,
            primaryType: "SubscriptionPurchase",
            message: { ...common, months: 1n, monthlyPrice: price },
          } as const);
    setStatus({ kind: "working", step: t("steps.sign") });
    // Narrowed per kind only so each call's message is checked against its own types.
    const signature = await (typed.primaryType === "ViewPurchase" ? signTypedDataAsync(typed) : signTypedDataAsync(typed));
    const purchase = typed.message;
    setStatus({ kind: "working", step: t("steps.relaying") });
    const response = await fetch("/api/relay/purchase", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        kind: kind === "view" ? "view" : "subscription",
        purchase: Object.fromEntries(Object.entries(purchase).map(([k, v]) => [k, String(v)])),
        signature,
        permit: { value: String(price), deadline: String(p.deadline), v: p.v, r: p.r, s: p.s },
      }),
    });
    const answer = (await response.json().catch(() => ({}))) as { hash?: Hex; error?: string; message?: string };
    if (!response.ok || !answer.hash) {
      // The relayer's reason in the viewer's words; its English message only for the console.
      if (answer.message) console.warn("relay:", answer.message);
      throw failure(reasonOf(answer) ? apiError(answer) : t("errors.relayFailed"));
    }
    return answer.hash;
  }

  /** A gift: approve the price (unless already allowed), then `buyViewFor`/`subscribeFor` the recipient. */
  async function approveAndGift(kind: "view" | "subscribe", owner: Address, price: bigint, recipient: Address): Promise<Hex> {
    if (!publicClient) throw failure(t("errors.noChain"));
    const allowance = await publicClient.readContract({
      address: token,
      abi: testDollarAbi,
      functionName: "allowance",
      args: [owner, market],
    });
    if (allowance < price) {
      setStatus({ kind: "working", step: t("steps.approveFirst") });
      const approval = await writeContractAsync({
        address: token,
        abi: testDollarAbi,
        functionName: "approve",
        args: [market, price],
        chainId: CHAIN_ID,
      });
      const approved = await publicClient.waitForTransactionReceipt({ hash: approval });
      if (approved.status !== "success") throw failure(t("errors.approvalFailed"));
    }
    setStatus({ kind: "working", step: t("steps.confirmGift") });
    return kind === "view"
      ? writeContractAsync({
          address: market,
          abi: marketWithTokenErrors,
          functionName: "buyViewFor",
          args: [recipient, BigInt(filmId!), price, BigInt(passWindowSeconds)],
          chainId: CHAIN_ID,
        })
      : writeContractAsync({
          address: market,
          abi: marketWithTokenErrors,
          functionName: "subscribeFor",
          args: [recipient, 1n, price],
          chainId: CHAIN_ID,
        });
  }

  async function run(kind: "view" | "subscribe") {
    const owner = await ensureReady();
    if (!owner || !publicClient) return;
    const price = kind === "view" ? viewPrice : subPrice;
    const gift = giftTo.trim() && isAddress(giftTo.trim()) ? (giftTo.trim() as Address) : null;
    try {
      setStatus({ kind: "working", step: t("steps.preparing") });
      const [mode] = await Promise.all([resolvePermitMode(), checkBalance(owner, price)]);
      const hash: Hex =
        gasless && signedPurchases && mode
          ? await buySigned(kind, owner, price, gift ?? owner, mode.domain)
          : gift
            ? await approveAndGift(kind, owner, price, gift)
            : mode
              ? await buyWithPermit(kind, owner, price, mode.domain)
              : await approveAndBuy(kind, owner, price);
      setStatus({ kind: "working", step: t("steps.waiting") });

      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw failure(t("errors.transactionFailed"));
      // Ask the server for the new access first: it also drops its cached answer for heartbeats.
      if (filmId !== undefined) await fetch(`/api/films/${filmId}/access`, { cache: "no-store" }).catch(() => undefined);
      announceAccessChanged();
      router.refresh();
      const signedIn = session.status === "signed-in";
      const passWindow = formatWatchTime(passWindowSeconds, locale);
      setStatus({
        kind: "done",
        message: gift
          ? t(kind === "view" ? "done.giftView" : "done.giftMonth", { recipient: gift })
          : kind === "view"
            ? t(signedIn ? "done.view" : "done.viewSignIn", { window: passWindow })
            : t(signedIn ? "done.subscription" : "done.subscriptionSignIn"),
      });
    } catch (e) {
      const friendly = (e as { friendly?: FriendlyError }).friendly ?? friendlyError(e, tokenName);
      if (friendly.kind === "price-changed" && friendly.newPrice !== undefined) {
        if (kind === "view") setViewPrice(friendly.newPrice);
        else setSubPrice(friendly.newPrice);
      }
      setStatus({ kind: "error", error: friendly });
    }
  }

  async function faucet() {
    const owner = await ensureReady();
    if (!owner || !publicClient) return;
    try {
      setStatus({ kind: "working", step: t("steps.faucet") });
      const limit = await publicClient.readContract({ address: token, abi: testDollarAbi, functionName: "FAUCET_LIMIT" });
      const amount = limit < 100_000_000n ? limit : 100_000_000n;
      const hash = await writeContractAsync({
        address: token,
        abi: testDollarAbi,
        functionName: "faucet",
        args: [amount],
        chainId: CHAIN_ID,
      });
      await publicClient.waitForTransactionReceipt({ hash });
      setStatus({ kind: "funded", message: t("funded", { amount: dollars(amount) }) });
    } catch (e) {
      setStatus({ kind: "error", error: friendlyError(e, tokenName) });
    }
  }

  const wrongNetwork = isConnected && chainId !== CHAIN_ID;

  return (
    <div className="purchase" data-testid="purchase-panel">
      <div className="purchase-buttons">
        {filmId !== undefined && viewPrice > 0n && (
          <button
            className="btn btn-primary btn-large"
            data-testid="buy-view"
            disabled={busy || salesPaused || !giftValid || (giftOnly && !giftTo.trim())}
            onClick={() => run("view")}
            type="button"
          >
            {t(giftOnly || giftTo.trim() ? "giftView" : "buyView", {
              price: dollars(viewPrice),
              window: formatWatchTime(passWindowSeconds, locale),
            })}
          </button>
        )}
        <button
          className="btn btn-secondary btn-large"
          data-testid="subscribe"
          disabled={busy || !giftValid || (giftOnly && !giftTo.trim())}
          onClick={() => run("subscribe")}
          type="button"
        >
          {t(giftOnly || giftTo.trim() ? "giftMonth" : renew ? "renew" : "subscribe", { price: dollars(subPrice) })}
        </button>
      </div>
      <div className="purchase-options">
        <label>
          {giftOnly ? t("giveTo") : t("giftTo")}{" "}
          <input
            data-testid="gift-recipient"
            onChange={(e) => setGiftTo(e.target.value)}
            placeholder="0x…"
            spellCheck={false}
            type="text"
            value={giftTo}
          />
        </label>
        {!giftValid && (
          <span className="error" data-testid="gift-invalid">
            {" "}
            {t("notAddress")}
          </span>
        )}
        {signedPurchases && (
          <label data-testid="gasless-option">
            <input checked={gasless} data-testid="gasless" onChange={(e) => setGasless(e.target.checked)} type="checkbox" /> {t("gasless")}
          </label>
        )}
      </div>
      {permitMode === null && (
        <p className="muted" data-testid="two-step-notice">
          {t("twoStep")}
        </p>
      )}
      {salesPaused && (
        <p className="muted" data-testid="sales-paused">
          {t("salesPaused")}
        </p>
      )}
      {wrongNetwork && status.kind !== "error" && (
        <p className="notice" data-testid="wrong-network">
          {t("wrongNetwork")}{" "}
          <button className="link" onClick={() => switchChainAsync({ chainId: CHAIN_ID }).catch(() => undefined)} type="button">
            {t("switchNetwork")}
          </button>
        </p>
      )}
      {status.kind === "working" && (
        <p className="notice" data-testid="purchase-progress">
          {status.step}
        </p>
      )}
      {status.kind === "done" && (
        <p className="success" data-testid="purchase-success">
          {status.message}
        </p>
      )}
      {status.kind === "funded" && (
        <p className="success" data-testid="faucet-success">
          {status.message}
        </p>
      )}
      {status.kind === "error" && (
        <div className="error" role="alert" data-testid="purchase-error" data-kind={status.error.kind}>
          <p>{status.error.message}</p>
          {status.error.kind === "funds" && IS_LOCAL_CHAIN && (
            <button className="btn btn-secondary" data-testid="faucet" onClick={faucet} type="button">
              {t("getTestDollars")}
            </button>
          )}
          {status.error.kind === "network" && (
            <button
              className="btn btn-secondary"
              data-testid="switch-network-purchase"
              onClick={() => switchChainAsync({ chainId: CHAIN_ID }).catch(() => undefined)}
              type="button"
            >
              {t("switchNetwork")}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
