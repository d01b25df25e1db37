// `oracle sign`: an operator signs the EIP-712 Tally of a published tally file. Signatures from
// several operators gather in signatures.json beside the tally.
import { hashTypedData, recoverTypedDataAddress, type Address, type Hex, type LocalAccount } from "viem";
import type { ChainContext } from "../chain/context.ts";
import { signerSet } from "./chainReads.ts";
import { OracleError } from "./errors.ts";
import type { Publication } from "./publish.ts";
import { parseTallyFile, tallyStruct, type TallyFile, type TallyStruct } from "./tallyFile.ts";
import { periodFiles, readJsonIfExists, readText, writeAtomic } from "./workdir.ts";
import { checkRecomputation, type Recomputation } from "./recompute.ts";

export const TALLY_TYPES = {
  Tally: [
    { name: "period", type: "uint256" },
    { name: "revision", type: "uint32" },
    { name: "root", type: "bytes32" },
    { name: "totalViews", type: "uint64" },
    { name: "totalSeconds", type: "uint64" },
    { name: "leafCount", type: "uint32" },
    { name: "viewWeightBps", type: "uint16" },
    { name: "dataCid", type: "string" },
  ],
} as const;

export interface SignatureFile {
  period: number;
  digest: Hex;
  tally: {
    period: string;
    revision: number;
    root: Hex;
    totalViews: string;
    totalSeconds: string;
    leafCount: number;
    viewWeightBps: number;
    dataCid: string;
  };
  signatures: { signer: Address; signature: Hex }[];
}

/** What the EIP-712 domain needs from the chain: which chain, which market. */
export type TallyDomainContext = Pick<ChainContext, "chainId" | "market">;

export function tallyDomain(ctx: TallyDomainContext) {
  return { name: "AI Films", version: "1", chainId: ctx.chainId, verifyingContract: ctx.market } as const;
}

export function tallyDigest(ctx: TallyDomainContext, tally: TallyStruct): Hex {
  return hashTypedData({ domain: tallyDomain(ctx), types: TALLY_TYPES, primaryType: "Tally", message: tally });
}

/** One operator's EIP-712 signature of the Tally. */
export function signTally(ctx: TallyDomainContext, account: LocalAccount, tally: TallyStruct): Promise<Hex> {
  return account.signTypedData({ domain: tallyDomain(ctx), types: TALLY_TYPES, primaryType: "Tally", message: tally });
}

/** The tally file, its publication and the struct to sign, all checked against each other. */
export async function loadSignable(ctx: ChainContext, period: number, filesRoot?: string) {
  const paths = periodFiles(ctx.chainId, period, filesRoot);
  const file: TallyFile = parseTallyFile(
    await readText(paths.tally, `No tally file for period ${period}: run \`oracle tally --period ${period}\` first.`),
    paths.tally,
  );
  if (file.chainId !== ctx.chainId || file.market.toLowerCase() !== ctx.market.toLowerCase()) {
    throw new OracleError(
      `The tally file is for chain ${file.chainId} market ${file.market}, not chain ${ctx.chainId} market ${ctx.market}.`,
    );
  }
  const publication = await readJsonIfExists<Publication>(paths.publication);
  if (!publication) throw new OracleError(`Period ${period}'s tally is not published: run \`oracle publish --period ${period}\` first.`);
  if (publication.root !== file.root) {
    throw new OracleError(
      `The publication of period ${period} is for root ${publication.root}, the tally file has ${file.root}: publish again.`,
    );
  }
  const tally = tallyStruct(file, publication.cid);
  return { paths, file, publication, tally, digest: tallyDigest(ctx, tally) };
}

export async function runSign(
  ctx: ChainContext,
  account: LocalAccount,
  period: number,
  filesRoot?: string,
  /** Sign only a tally this operator's own recomputation reproduced (`oracle recompute`); the CLI always requires it. */
  options: { requireRecomputation?: boolean } = {},
) {
  const { paths, file: tallyFile, tally, digest } = await loadSignable(ctx, period, filesRoot);
  if (options.requireRecomputation) checkRecomputation(tallyFile, await readJsonIfExists<Recomputation>(paths.recomputation), period);
  const onChainDigest = await ctx.contracts.market.read.tallyDigest([tally]);
  if (onChainDigest !== digest)
    throw new OracleError(`The contract computes digest ${onChainDigest} for this tally, we compute ${digest}: wrong domain?`);
  const { registered } = await signerSet(ctx, [account.address]);
  if (registered.length === 0) throw new OracleError(`${account.address} is not a registered oracle signer of ${ctx.market}.`);

  const signature = await signTally(ctx, account, tally);
  const existing = await readJsonIfExists<SignatureFile>(paths.signatures);
  const kept = existing?.digest === digest ? existing.signatures.filter((s) => s.signer !== account.address) : [];
  const file: SignatureFile = {
    period,
    digest,
    tally: {
      ...tally,
      period: tally.period.toString(),
      totalViews: tally.totalViews.toString(),
      totalSeconds: tally.totalSeconds.toString(),
    },
    signatures: [...kept, { signer: account.address, signature }].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1)),
  };
  await writeAtomic(paths.signatures, JSON.stringify(file, null, 2) + "\n");
  return { signer: account.address, digest, count: file.signatures.length, replacedStale: !!existing && existing.digest !== digest };
}

/** The signatures on file that really recover to their signer for this digest. */
export async function validSignatures(ctx: ChainContext, period: number, tally: TallyStruct, digest: Hex, filesRoot?: string) {
  const paths = periodFiles(ctx.chainId, period, filesRoot);
  const file = await readJsonIfExists<SignatureFile>(paths.signatures);
  if (!file || file.digest !== digest) return [];
  const out: { signer: Address; signature: Hex }[] = [];
  for (const s of file.signatures) {
    const recovered = await recoverTypedDataAddress({
      domain: tallyDomain(ctx),
      types: TALLY_TYPES,
      primaryType: "Tally",
      message: tally,
      signature: s.signature,
    }).catch(() => null);
    if (recovered && recovered.toLowerCase() === s.signer.toLowerCase()) out.push({ signer: recovered, signature: s.signature });
  }
  return out;
}
