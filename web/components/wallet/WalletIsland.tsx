"use client";
/**
 * The header's wallet area, loaded after the page (it carries wagmi and RainbowKit): connect
 * (RainbowKit's modal; on a local chain also a one-click dev wallet), wrong-network switch,
 * Sign-In with Ethereum, the session, sign out.
 */
import { ConnectButton, useConnectModal } from "@rainbow-me/rainbowkit";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useAccount, useConnect, useDisconnect, useSignMessage, useSignTypedData, useSwitchChain } from "wagmi";
import { OPEN_CONNECT, takeConnectRequest, takeWalletFocus } from "@/lib/client/events";
import { ensureHeartbeatKey } from "@/lib/client/heartbeatKey";
import { refreshSession, signOut, useSession } from "@/lib/client/session";
import { CHAIN_ID, devAccountIndexes, IS_LOCAL_CHAIN } from "@/lib/config";
import { shortAddress } from "@/lib/format";
import { useApiErrors } from "@/i18n/apiErrors";
import { SignInFailed, signInWithEthereum } from "@/lib/wallet/siwe";
import { useWalletErrors } from "@/lib/wallet/errors";
import { WalletProviders } from "./WalletProviders";

export default function WalletIsland() {
  return (
    <WalletProviders withModal>
      <WalletArea />
    </WalletProviders>
  );
}

function WalletArea() {
  const t = useTranslations("wallet");
  const apiError = useApiErrors();
  const friendlyError = useWalletErrors();
  const router = useRouter();
  const { address, chainId, isConnected, status } = useAccount();
  const { openConnectModal } = useConnectModal();
  const { connectors, connect, isPending: connecting } = useConnect();
  const { disconnect } = useDisconnect();
  const { switchChain, isPending: switching } = useSwitchChain();
  const { signMessageAsync } = useSignMessage();
  const { signTypedDataAsync } = useSignTypedData();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const open = () => openConnectModal?.();
    if (openConnectModal && takeConnectRequest()) open(); // asked for before this island loaded
    window.addEventListener(OPEN_CONNECT, open);
    return () => window.removeEventListener(OPEN_CONNECT, open);
  }, [openConnectModal]);

  useEffect(() => {
    void refreshSession();
  }, []);

  // Focus that was on the placeholder this island replaced goes to its first control (RainbowKit
  // renders them a moment after mounting), unless the person has moved on meanwhile.
  const area = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!takeWalletFocus()) return;
    let frame = 0;
    let tries = 0;
    const place = () => {
      const here = area.current;
      const active = document.activeElement;
      if (!here || (active && active !== document.body && !here.contains(active))) return;
      const first = here.querySelector<HTMLElement>("select:not(:disabled), button:not(:disabled)");
      if (first) first.focus();
      else if (tries++ < 300) frame = requestAnimationFrame(place);
    };
    place();
    return () => cancelAnimationFrame(frame);
  }, []);

  const signedInHere = session.status === "signed-in" && address !== undefined && session.address.toLowerCase() === address.toLowerCase();
  const wrongNetwork = isConnected && chainId !== CHAIN_ID;

  async function onSignIn() {
    if (!address) return;
    setBusy(true);
    setError(null);
    try {
      // The player's heartbeat key, authorized once by the wallet before the page shows the session
      // (a player started at once finds it): every beat is then signed by it. Sign-in stands if the
      // wallet declines; the player then says its watching is not counted.
      await signInWithEthereum(
        address,
        CHAIN_ID,
        (message) => signMessageAsync({ message }),
        () => ensureHeartbeatKey(address, CHAIN_ID, (typed) => signTypedDataAsync(typed)).catch((e) => console.warn("player key:", e)),
      );
      router.refresh();
    } catch (e) {
      // The server's refusal says why in the viewer's words; its English message is for the console.
      if (e instanceof SignInFailed) console.warn("sign-in:", e.message);
      setError(e instanceof SignInFailed ? (e.reason ? apiError(e.reason) : t("signInFailed")) : friendlyError(e).message);
    } finally {
      setBusy(false);
    }
  }

  async function onSignOut() {
    await signOut();
    router.refresh();
  }

  const devConnectors = connectors.filter((c) => c.id.startsWith("dev-wallet-"));

  return (
    <div className="wallet-area" data-testid="wallet-area" ref={area}>
      <ConnectButton.Custom>
        {({ account, openAccountModal, mounted }) =>
          !mounted ? null : !account || !isConnected ? (
            <>
              {IS_LOCAL_CHAIN && devConnectors.length > 0 && (
                <select
                  className="dev-select"
                  data-testid="dev-wallet-select"
                  aria-label={t("devWallet.label")}
                  // Not while wagmi is still restoring a previous connection: a connect then races it.
                  disabled={connecting || status === "reconnecting" || status === "connecting"}
                  value=""
                  onChange={(e) => {
                    const connector = devConnectors.find((c) => c.id === e.target.value);
                    if (connector) connect({ connector, chainId: CHAIN_ID });
                  }}
                >
                  <option value="">{t("devWallet.choose")}</option>
                  {devAccountIndexes().map((i) => (
                    <option key={i} value={`dev-wallet-${i}`} data-testid={`dev-wallet-option-${i}`}>
                      {t("devWallet.account", { index: i })}
                    </option>
                  ))}
                </select>
              )}
              <button className="btn btn-primary" data-testid="connect-wallet" onClick={openConnectModal} type="button">
                {t("connect")}
              </button>
            </>
          ) : (
            <>
              {wrongNetwork ? (
                <button
                  className="btn btn-warn"
                  data-testid="switch-network"
                  disabled={switching}
                  onClick={() => switchChain({ chainId: CHAIN_ID })}
                  type="button"
                >
                  {t("wrongNetworkSwitch")}
                </button>
              ) : signedInHere ? (
                <span className="session-badge" data-testid="session-status" data-address={session.address}>
                  {t("signedIn")}
                </span>
              ) : (
                <button className="btn btn-primary" data-testid="sign-in" disabled={busy} onClick={onSignIn} type="button">
                  {busy ? t("checkWallet") : t("signIn")}
                </button>
              )}
              <button
                className="btn btn-ghost"
                data-testid="account-button"
                data-address={account.address}
                onClick={openAccountModal}
                type="button"
              >
                {shortAddress(account.address)}
              </button>
              {session.status === "signed-in" ? (
                <button className="btn btn-ghost" data-testid="sign-out" onClick={onSignOut} type="button">
                  {t("signOut")}
                </button>
              ) : (
                <button className="btn btn-ghost" data-testid="disconnect" onClick={() => disconnect()} type="button">
                  {t("disconnect")}
                </button>
              )}
            </>
          )
        }
      </ConnectButton.Custom>
      {error && (
        <p className="wallet-error" role="alert" data-testid="sign-in-error">
          {error}
        </p>
      )}
      {session.status === "signed-out" && session.reason && !error && (
        <p className="wallet-error" role="status" data-testid="session-expired">
          {t(`session.${session.reason}`)}
        </p>
      )}
    </div>
  );
}
