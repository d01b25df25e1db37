// `oracle proof`: what a claimant needs for one film in one period — the leaf, its Merkle proof
// and the amount the contract will pay. The web app's claim page uses the same function.
import type { Hex } from "viem";
import type { ChainContext } from "../chain/context.ts";
import { readPeriod, tallyPostings } from "./chainReads.ts";
import { OracleError } from "./errors.ts";
import type { TallyStore } from "./store.ts";
import { parseTallyFile, proofFor, type TallyFile } from "./tallyFile.ts";

export interface ClaimProof {
  period: number;
  filmId: bigint;
  views: bigint;
  seconds: bigint;
  proof: Hex[];
  amount: bigint;
  claimed: boolean;
  claimableAt: number;
  /** When claims close (0 while no tally stands); after it the rest of the pool rolls over. */
  claimDeadline: number;
  claimable: boolean;
  /** Past the claim deadline by the chain's clock, unclaimed: the rest rolls over. */
  closed: boolean;
}

/** The published tally file of a period, fetched by the CID of the posting that is on-chain now. */
export async function postedTallyFile(ctx: ChainContext, store: TallyStore, period: number): Promise<TallyFile> {
  const state = await readPeriod(ctx, period);
  if (state.tally.status === "none") throw new OracleError(`No tally is posted for period ${period}.`);
  const posting = [...(await tallyPostings(ctx, period))].reverse().find((p) => p.root === state.tally.root);
  if (!posting) throw new OracleError(`No TallyPosted event carries period ${period}'s on-chain root.`);
  const file = parseTallyFile(new TextDecoder().decode(await store.catBytes(posting.dataCid)), `tally ${posting.dataCid}`);
  if (file.root !== state.tally.root)
    throw new OracleError(`The published tally ${posting.dataCid} has root ${file.root}, the chain ${state.tally.root}.`);
  return file;
}

export async function claimProof(ctx: ChainContext, file: TallyFile, filmId: bigint): Promise<ClaimProof> {
  const found = proofFor(file, filmId);
  if (!found) throw new OracleError(`Film ${filmId} has no leaf in period ${file.period}'s tally: it earned nothing from that pool.`);
  const state = await readPeriod(ctx, file.period);
  const [amount, claimed, deadline] = await Promise.all([
    ctx.contracts.market.read.shareOf([BigInt(file.period), found.leaf.views, found.leaf.seconds]),
    ctx.contracts.market.read.isClaimed([BigInt(file.period), filmId]),
    ctx.contracts.market.read.claimDeadline([BigInt(file.period)]),
  ]);
  const claimDeadline = Number(deadline);
  return {
    period: file.period,
    filmId,
    views: found.leaf.views,
    seconds: found.leaf.seconds,
    proof: found.proof,
    amount,
    claimed,
    claimableAt: state.tally.claimableAt,
    claimDeadline,
    closed: !claimed && claimDeadline > 0 && state.chainTime >= claimDeadline,
    claimable: state.tally.status === "posted" && state.chainTime >= state.tally.claimableAt && state.chainTime < claimDeadline && !claimed,
  };
}

/** The `ClaimRequest` struct FilmMarket.claim / claimBatch take. */
export function claimRequest(p: ClaimProof) {
  return { period: BigInt(p.period), filmId: p.filmId, views: p.views, seconds_: p.seconds, proof: p.proof };
}
