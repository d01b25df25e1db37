// Who governs the market and what is about to change, read from the chain: the market's admin is
// an OpenZeppelin TimelockController, so every parameter change is a scheduled call announced by
// `CallScheduled` that can only execute after the timelock's delay. Pending = scheduled, neither
// executed nor cancelled. A view weight already set but not yet in force (it applies from the next
// period on) is reported beside them.
import { decodeFunctionData, getAddress, keccak256, toBytes, zeroHash, type Address, type Hex } from "viem";
import { filmMarketAbi, timelockControllerAbi } from "./abis.ts";
import type { ChainContext } from "./context.ts";

/** One call of a pending timelock operation, decoded when it targets the market or the timelock. */
export interface PendingCall {
  target: Address;
  /** `setFee`, `addOracleSigner`, `updateDelay`, …; null when the data decodes with neither ABI. */
  functionName: string | null;
  /** Decoded arguments as strings (addresses checksummed, integers in decimal). */
  args: string[];
}

export interface PendingOperation {
  id: Hex;
  calls: PendingCall[];
  /** Block time of the `CallScheduled` event (unix seconds). */
  scheduledAt: number;
  /** From when anyone holding the executor role may execute it (unix seconds). */
  readyAt: number;
}

export interface GovernanceState {
  /** The TimelockController holding the market's admin role; null if the admin is no timelock (a test deployment). */
  timelock: Address | null;
  /** The timelock's minimum delay, seconds. */
  minDelay: number | null;
  pending: PendingOperation[];
  /** The running period's view weight, and the next period's when a change is already set for it. */
  viewWeight: { current: number; period: number; next: { bps: number; fromPeriod: number; from: number } | null };
}

const DEFAULT_ADMIN_ROLE = zeroHash;

/** MarketGovernance's GUARDIAN_ROLE: pauses purchases, disputes tallies, and moderates this platform's catalogue. */
export const GUARDIAN_ROLE: Hex = keccak256(toBytes("GUARDIAN_ROLE"));

/**
 * Whether `account` holds the market's guardian role now. The platform's guardians (who may hide
 * films from its catalogue) are exactly the chain's: granting or revoking the role (time-locked,
 * by the admin) changes who moderates, with no list of addresses to keep in step.
 */
export async function isGuardian(ctx: ChainContext, account: Address): Promise<boolean> {
  return ctx.contracts.market.read.hasRole([GUARDIAN_ROLE, account]);
}

function decodeCall(market: Address, timelock: Address, target: Address, data: Hex): PendingCall {
  const abi = target === market ? filmMarketAbi : target === timelock ? timelockControllerAbi : null;
  if (abi) {
    try {
      const decoded = decodeFunctionData({ abi, data });
      const args = (decoded.args ?? []).map((a) => (typeof a === "string" && /^0x[0-9a-fA-F]{40}$/.test(a) ? getAddress(a) : String(a)));
      return { target, functionName: decoded.functionName, args };
    } catch {
      // Not a function of that contract: reported undecoded.
    }
  }
  return { target, functionName: null, args: [data] };
}

/** The timelock governing the market: an account granted the admin role that still holds it and answers `getMinDelay`. */
async function findTimelock(ctx: ChainContext, fromBlock: bigint): Promise<{ address: Address; minDelay: number } | null> {
  const grants = await ctx.contracts.market.getEvents.RoleGranted({ role: DEFAULT_ADMIN_ROLE }, { fromBlock, toBlock: "latest" });
  const accounts = [...new Set(grants.map((g) => getAddress(g.args.account!)))];
  for (const account of accounts) {
    if (!(await ctx.contracts.market.read.hasRole([DEFAULT_ADMIN_ROLE, account]))) continue;
    try {
      const minDelay = await ctx.publicClient.readContract({ address: account, abi: timelockControllerAbi, functionName: "getMinDelay" });
      return { address: account, minDelay: Number(minDelay) };
    } catch {
      // An account without the timelock's interface (an EOA admin): not a timelock.
    }
  }
  return null;
}

/** The market's governance from the chain: the timelock, its pending operations and the view weight in force. */
export async function governanceState(ctx: ChainContext, options: { fromBlock?: bigint } = {}): Promise<GovernanceState> {
  const fromBlock = options.fromBlock ?? 0n;
  const market = ctx.contracts.market.read;
  const [periodNow, found] = await Promise.all([market.currentPeriod(), findTimelock(ctx, fromBlock)]);
  const [current, next] = await Promise.all([market.viewWeightForPeriod([periodNow]), market.viewWeightForPeriod([periodNow + 1n])]);
  const [, nextStart] = await market.periodBounds([periodNow]);
  const viewWeight = {
    current: Number(current),
    period: Number(periodNow),
    next: next === current ? null : { bps: Number(next), fromPeriod: Number(periodNow + 1n), from: Number(nextStart) },
  };
  if (!found) return { timelock: null, minDelay: null, pending: [], viewWeight };

  const range = { address: found.address, fromBlock, toBlock: "latest" as const };
  const [scheduled, executed, cancelled] = await Promise.all([
    ctx.publicClient.getContractEvents({ ...range, abi: timelockControllerAbi, eventName: "CallScheduled" }),
    ctx.publicClient.getContractEvents({ ...range, abi: timelockControllerAbi, eventName: "CallExecuted" }),
    ctx.publicClient.getContractEvents({ ...range, abi: timelockControllerAbi, eventName: "Cancelled" }),
  ]);
  const closed = new Set([...executed, ...cancelled].map((e) => e.args.id!));
  const operations = new Map<Hex, { calls: Array<{ index: bigint; call: PendingCall }>; blockNumber: bigint }>();
  for (const e of scheduled) {
    const id = e.args.id!;
    if (closed.has(id)) continue;
    const op = operations.get(id) ?? { calls: [], blockNumber: e.blockNumber };
    op.calls.push({ index: e.args.index!, call: decodeCall(ctx.market, found.address, getAddress(e.args.target!), e.args.data!) });
    operations.set(id, op);
  }
  const pending = await Promise.all(
    [...operations].map(async ([id, op]): Promise<PendingOperation> => {
      const [readyAt, block] = await Promise.all([
        ctx.publicClient.readContract({ address: found.address, abi: timelockControllerAbi, functionName: "getTimestamp", args: [id] }),
        ctx.publicClient.getBlock({ blockNumber: op.blockNumber }),
      ]);
      const calls = op.calls.sort((a, b) => (a.index < b.index ? -1 : 1)).map((c) => c.call);
      return { id, calls, scheduledAt: Number(block.timestamp), readyAt: Number(readyAt) };
    }),
  );
  pending.sort((a, b) => a.readyAt - b.readyAt);
  return { timelock: found.address, minDelay: found.minDelay, pending, viewWeight };
}
