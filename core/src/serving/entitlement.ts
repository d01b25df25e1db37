/**
 * "May this signed-in wallet watch this film now?" — asked of the chain, never of a cache, by
 * both the key server and the Livepeer playback-token route, so the two can never disagree. The
 * contract's `accessOf` is the single source of truth: owner, valid view pass, active
 * subscription, free film, or none.
 */
import type { Address } from "viem";
import { filmMarketAbi, type ChainContext } from "../chain/context.ts";
import { refuse } from "./errors.ts";
import type { Session } from "./sessions.ts";

/** FilmMarket.Access, in the contract's enum order. */
export const ACCESS = ["none", "owner", "pass", "subscription", "free"] as const;
export type Access = (typeof ACCESS)[number];

export type EntitlementChain = Pick<ChainContext, "publicClient" | "market" | "chainId">;

/** Reads `accessOf(viewer, filmId)` from the market at the latest block. */
export async function accessOf(chain: EntitlementChain, viewer: Address, filmId: bigint): Promise<Access> {
  const value = await chain.publicClient.readContract({
    address: chain.market,
    abi: filmMarketAbi,
    functionName: "accessOf",
    args: [viewer, filmId],
  });
  const access = ACCESS[Number(value)];
  // A value outside the enum means the ABI and the deployed contract disagree: fail closed.
  if (access === undefined) throw new Error(`accessOf returned ${value}, which is not a known access level`);
  return access;
}

export type Authorization = { ok: true; session: Session; access: Exclude<Access, "none"> } | { ok: false; response: Response };

export interface AuthorizeDeps {
  readSession(request: Request): Promise<Session | null>;
  chain: EntitlementChain;
}

/**
 * The shared gate: 401 without a session (or one for another chain), 503 when the chain does not
 * answer, 403 when the contract says none; otherwise who and why.
 */
export async function authorizeFilm(request: Request, deps: AuthorizeDeps, filmId: bigint): Promise<Authorization> {
  const session = await deps.readSession(request);
  if (!session) {
    return { ok: false, response: refuse("no-session", "Sign in with your wallet to watch this film.") };
  }
  if (session.chainId !== deps.chain.chainId) {
    return {
      ok: false,
      response: refuse("no-session", `Your session is for chain ${session.chainId}; sign in again on chain ${deps.chain.chainId}.`),
    };
  }
  let access: Access;
  try {
    access = await accessOf(deps.chain, session.address, filmId);
  } catch {
    return { ok: false, response: refuse("chain-unavailable", "Could not check your access on the chain; try again shortly.") };
  }
  if (access === "none") {
    return {
      ok: false,
      response: refuse("not-entitled", "This wallet may not watch this film now: buy a view or subscribe."),
    };
  }
  return { ok: true, session, access };
}
