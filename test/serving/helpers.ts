/** Shared by the serving tests: building SIWE messages, signing in, carrying the cookie. */
import { getAddress } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import type { Auth } from "@ai-films/core/serving";

export const ORIGIN = "http://localhost:3000";
export const DOMAIN = "localhost:3000";

export function siweMessage(
  account: PrivateKeyAccount,
  nonce: string,
  overrides: Partial<Parameters<typeof createSiweMessage>[0]> & { chainId: number },
): string {
  return createSiweMessage({
    address: account.address,
    domain: DOMAIN,
    uri: ORIGIN,
    version: "1",
    nonce,
    issuedAt: new Date(),
    statement: "Sign in to AI Films.",
    ...overrides,
  });
}

export function signInRequest(body: unknown, origin = ORIGIN): Request {
  return new Request(`${origin}/api/auth/signin`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The `name=value` part of a Set-Cookie header, ready for a Cookie header. */
export function cookieFrom(response: Response): string {
  const setCookie = response.headers.get("set-cookie");
  if (!setCookie) throw new Error("no Set-Cookie in the response");
  return setCookie.split(";")[0];
}

/** A GET to `url` carrying `cookie` (or none). */
export function get(url: string, cookie?: string, headers: Record<string, string> = {}): Request {
  return new Request(url, { headers: cookie ? { cookie, ...headers } : headers });
}

/** Anything that can sign a personal message: a viem account, an ethers signer. */
export interface MessageSigner {
  address: string;
  signMessage(message: string): Promise<string>;
}

export const viemSigner = (account: PrivateKeyAccount): MessageSigner => ({
  address: account.address,
  signMessage: (message) => account.signMessage({ message }),
});

/** The whole SIWE dance for one wallet: nonce, message, signature, sign-in. Returns the cookie. */
export async function signInAs(auth: Auth, wallet: PrivateKeyAccount | MessageSigner, chainId: number): Promise<string> {
  const signer = "type" in wallet && wallet.type === "local" ? viemSigner(wallet as PrivateKeyAccount) : (wallet as MessageSigner);
  const { nonce } = await auth.createNonce();
  const message = createSiweMessage({
    address: getAddress(signer.address),
    domain: DOMAIN,
    uri: ORIGIN,
    version: "1",
    nonce,
    issuedAt: new Date(),
    chainId,
  });
  const signature = await signer.signMessage(message);
  const response = await auth.signIn(signInRequest({ message, signature }));
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return cookieFrom(response);
}
