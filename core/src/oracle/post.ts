// `oracle post`: submits the tally with the collected signatures once the threshold is met.
// Idempotent: the same tally already on-chain is success; a different one is an error.
import type { LocalAccount } from "viem";
import type { ChainContext } from "../chain/context.ts";
import { readTally, signerSet, tallyRevision, viewWeightForPeriod } from "./chainReads.ts";
import { OracleError } from "./errors.ts";
import { loadSignable, validSignatures } from "./sign.ts";

export type PostResult =
  { status: "posted"; transactionHash: `0x${string}`; signers: string[]; gasUsed: bigint } | { status: "already-posted"; root: string };

/** Exit code for "a different tally is on-chain": distinct from ordinary failures. */
export const EXIT_CONFLICT = 3;

export async function runPost(ctx: ChainContext, poster: LocalAccount, period: number, filesRoot?: string): Promise<PostResult> {
  const { tally, digest } = await loadSignable(ctx, period, filesRoot);
  const onChain = await readTally(ctx, period);
  if (onChain.status === "posted") {
    const same =
      onChain.revision === tally.revision &&
      onChain.root === tally.root &&
      onChain.totalViews === tally.totalViews &&
      onChain.totalSeconds === tally.totalSeconds &&
      onChain.leafCount === tally.leafCount;
    if (same) return { status: "already-posted", root: onChain.root };
    throw new OracleError(
      `A different tally is on-chain for period ${period}: root ${onChain.root} (${onChain.totalViews} views, ` +
        `${onChain.totalSeconds} s, ${onChain.leafCount} films); this one has root ${tally.root}. Dispute it inside its window if it is wrong.`,
      EXIT_CONFLICT,
      "CONFLICT",
    );
  }
  const expected = tallyRevision(onChain);
  if (tally.revision !== expected) {
    throw new OracleError(
      `Period ${period}'s tally file is for revision ${tally.revision}, the contract expects revision ${expected}` +
        (onChain.status === "disputed" ? " (the previous tally was disputed)" : "") +
        `: run \`oracle tally --period ${period} --force\`, publish and sign again.`,
      EXIT_CONFLICT,
      "CONFLICT",
    );
  }
  const weight = await viewWeightForPeriod(ctx, period);
  if (tally.viewWeightBps !== weight) {
    throw new OracleError(
      `Period ${period}'s tally file has view weight ${tally.viewWeightBps} bps, the period's is ${weight} bps: ` +
        `run \`oracle tally --period ${period} --force\`, publish and sign again.`,
      EXIT_CONFLICT,
      "CONFLICT",
    );
  }
  const signed = await validSignatures(ctx, period, tally, digest, filesRoot);
  const { threshold, registered } = await signerSet(
    ctx,
    signed.map((s) => s.signer),
  );
  const usable = signed.filter((s) => registered.includes(s.signer));
  if (usable.length < threshold) {
    throw new OracleError(
      `Threshold not met for period ${period}: ${usable.length} valid signature(s) from registered signers, ${threshold} needed. ` +
        `Ask more operators to run \`oracle sign --period ${period}\`.`,
    );
  }
  const chosen = usable.slice(0, threshold); // already in ascending signer order
  const hash = await ctx.contractsFor(poster).market.write.postTally([tally, chosen.map((s) => s.signature)]);
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new OracleError(`postTally reverted in transaction ${hash}.`);
  return { status: "posted", transactionHash: hash, signers: chosen.map((s) => s.signer), gasUsed: receipt.gasUsed };
}
