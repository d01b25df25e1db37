/** Sign-In with Ethereum from the browser: nonce → EIP-4361 message → signature → session cookie. */
import type { Address } from "viem";
import { createSiweMessage } from "viem/siwe";
import { APP_NAME, SIWE_TTL_MS } from "../config";
import { reasonOfResponse } from "../../i18n/apiErrors";
import { setSignedIn } from "../client/session";

/** `message` is English, for the console; the page says `reason` (an API error reason) in its own words. */
export class SignInFailed extends Error {
  constructor(
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = "SignInFailed";
  }
}

export async function signInWithEthereum(
  address: Address,
  chainId: number,
  signMessage: (message: string) => Promise<`0x${string}`>,
  /** Runs once the session exists and before the page shows it (the player's key is authorized here). */
  onSession: () => Promise<void> = async () => undefined,
): Promise<void> {
  const nonceRes = await fetch("/api/auth/nonce", { cache: "no-store" });
  if (!nonceRes.ok)
    throw new SignInFailed("The server could not start a sign-in; try again.", (await reasonOfResponse(nonceRes)) ?? undefined);
  const { nonce } = (await nonceRes.json()) as { nonce: string };
  const now = new Date();
  const message = createSiweMessage({
    domain: window.location.host,
    address,
    statement: `Sign in to ${APP_NAME} to watch the films you have access to.`,
    uri: window.location.origin,
    version: "1",
    chainId,
    nonce,
    issuedAt: now,
    expirationTime: new Date(now.getTime() + SIWE_TTL_MS),
  });
  const signature = await signMessage(message);
  const res = await fetch("/api/auth/signin", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message, signature }),
    credentials: "same-origin",
  });
  const body = (await res.json().catch(() => ({}))) as {
    address?: string;
    chainId?: number;
    expiresAt?: number;
    error?: string;
    message?: string;
  };
  if (!res.ok || !body.address) throw new SignInFailed(body.message ?? "Sign-in was refused.", body.error);
  await onSession();
  setSignedIn({ address: body.address, chainId: body.chainId!, expiresAt: body.expiresAt! });
}
