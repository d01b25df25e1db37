// `oracle publish`: adds the tally file to IPFS and records its CID beside it.
import type { ChainContext } from "../chain/context.ts";
import { OracleError } from "./errors.ts";
import type { TallyStore } from "./store.ts";
import { parseTallyFile } from "./tallyFile.ts";
import { periodFiles, readText, writeAtomic } from "./workdir.ts";

export interface Publication {
  period: number;
  root: string;
  cid: string;
  bytes: number;
}

export async function runPublish(ctx: ChainContext, store: TallyStore, period: number, filesRoot?: string): Promise<Publication> {
  const paths = periodFiles(ctx.chainId, period, filesRoot);
  const text = await readText(paths.tally, `No tally file for period ${period}: run \`oracle tally --period ${period}\` first.`);
  const file = parseTallyFile(text, paths.tally);
  const bytes = new TextEncoder().encode(text);
  const cid = await store.addBytes(bytes);
  const back = new TextDecoder().decode(await store.catBytes(cid));
  if (back !== text) throw new OracleError(`IPFS returned different bytes for ${cid}: the store is not healthy.`);
  const publication: Publication = { period, root: file.root, cid, bytes: bytes.length };
  await writeAtomic(paths.publication, JSON.stringify(publication, null, 2) + "\n");
  return publication;
}
