// What the chain's own events say about watching rights, for a recomputation that does not trust
// the platform: who subscribed over which interval (Subscribed), which passes existed (ViewPurchased),
// who owned which film when (Transfer), each film's duration and price over time (ListingMinted,
// PriceChanged). A beat's claimed entitlement is accepted only if the chain allowed it at the beat's
// time. The platform caches an access for up to ACCESS_CACHE_SECONDS (never past a subscription's
// or pass's end, which are checked exactly), so ownership and price changes get that much slack.
import { filmListingsAbi, filmMarketAbi, type ChainContext } from "../chain/context.ts";

/** web/lib/server/access.ts keeps an access this long (TTL_MS). */
export const ACCESS_CACHE_SECONDS = 60;

interface Interval {
  from: number;
  until: number;
}

export interface ChainEntitlements {
  /** The film's listed duration in seconds, or null for a film never minted. */
  duration(filmId: bigint): number | null;
  /** Whether the chain let `viewer` watch `filmId` under `entitlement` at unix time `at`. */
  allows(entitlement: string, viewer: string, filmId: bigint, at: number): boolean;
}

export async function chainEntitlements(ctx: ChainContext): Promise<ChainEntitlements> {
  const range = { fromBlock: 0n, toBlock: "latest", strict: true } as const;
  const [subscribed, passes, minted, prices, transfers] = await Promise.all([
    ctx.publicClient.getContractEvents({ address: ctx.market, abi: filmMarketAbi, eventName: "Subscribed", ...range }),
    ctx.publicClient.getContractEvents({ address: ctx.market, abi: filmMarketAbi, eventName: "ViewPurchased", ...range }),
    ctx.publicClient.getContractEvents({ address: ctx.listings, abi: filmListingsAbi, eventName: "ListingMinted", ...range }),
    ctx.publicClient.getContractEvents({ address: ctx.listings, abi: filmListingsAbi, eventName: "PriceChanged", ...range }),
    ctx.publicClient.getContractEvents({ address: ctx.listings, abi: filmListingsAbi, eventName: "Transfer", ...range }),
  ]);
  // Block times, once per block that holds an event whose time matters.
  const blockTimes = new Map<bigint, number>();
  const needTimes = [...passes, ...prices, ...transfers].map((l) => l.blockNumber);
  await Promise.all(
    [...new Set(needTimes)].map(async (n) => blockTimes.set(n, Number((await ctx.publicClient.getBlock({ blockNumber: n })).timestamp))),
  );
  const key = (viewer: string, film?: bigint) => `${viewer.toLowerCase()}:${film ?? ""}`;
  const push = (map: Map<string, Interval[]>, k: string, i: Interval) => map.set(k, [...(map.get(k) ?? []), i]);

  const subscriptions = new Map<string, Interval[]>();
  for (const l of subscribed) push(subscriptions, key(l.args.subscriber), { from: Number(l.args.start), until: Number(l.args.end) });
  const passWindows = new Map<string, Interval[]>();
  for (const l of passes)
    push(passWindows, key(l.args.viewer, l.args.filmId), { from: blockTimes.get(l.blockNumber)!, until: Number(l.args.expiresAt) });

  const durations = new Map<bigint, number>();
  const priceSteps = new Map<bigint, { at: number; price: bigint }[]>();
  for (const l of minted) {
    durations.set(l.args.filmId, Number(l.args.durationSeconds));
    priceSteps.set(l.args.filmId, [{ at: 0, price: l.args.pricePerView }]);
  }
  for (const l of prices) priceSteps.get(l.args.filmId)?.push({ at: blockTimes.get(l.blockNumber)!, price: l.args.newPrice });
  // Ownership intervals per film, from its Transfer events in log order.
  const owners = new Map<string, Interval[]>();
  const current = new Map<bigint, { owner: string; from: number }>();
  const ordered = [...transfers].sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
  for (const l of ordered) {
    const film = l.args.tokenId;
    const at = blockTimes.get(l.blockNumber)!;
    const held = current.get(film);
    if (held) push(owners, key(held.owner, film), { from: held.from, until: at + ACCESS_CACHE_SECONDS });
    current.set(film, { owner: l.args.to, from: at });
  }
  for (const [film, held] of current) push(owners, key(held.owner, film), { from: held.from, until: Number.MAX_SAFE_INTEGER });

  const within = (list: Interval[] | undefined, at: number) => (list ?? []).some((i) => i.from <= at && at < i.until);
  return {
    duration: (filmId) => durations.get(filmId) ?? null,
    allows(entitlement, viewer, filmId, at) {
      switch (entitlement) {
        case "subscription":
          return within(subscriptions.get(key(viewer)), at);
        case "pass":
          return within(passWindows.get(key(viewer, filmId)), at);
        case "owner":
          return within(owners.get(key(viewer, filmId)), at);
        case "free":
          // Free at `at`, or within the cache's slack before it.
          return (priceSteps.get(filmId) ?? []).some((step, i, steps) => {
            const until = i + 1 < steps.length ? steps[i + 1].at + ACCESS_CACHE_SECONDS : Number.MAX_SAFE_INTEGER;
            return step.price === 0n && step.at <= at && at < until;
          });
        default:
          return false;
      }
    },
  };
}
