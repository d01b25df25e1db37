/**
 * IPFS for AI Films: `openIpfs()` gives an embedded Helia store on disk by default, or a Kubo
 * node when an RPC API URL is configured. Both add UnixFS content with the same settings
 * (layout.ts), so a CID never depends on which backend stored it.
 *
 *   const ipfs = await openIpfs();                       // Helia under <project>/.data/ipfs
 *   const ipfs = await openIpfs({ apiUrl: "http://127.0.0.1:5001" });   // Kubo
 *
 * Precedence: an explicit apiUrl, then an explicit dataDir, then env IPFS_API_URL, then env
 * IPFS_DATA_DIR, then the default directory.
 */
import { openHeliaStore } from "./helia.ts";
import { openKuboStore } from "./kubo.ts";
import type { IpfsStore } from "./store.ts";
import { dataPath } from "../paths.ts";

export { isValidCid, parseCid } from "./cid.ts";
export { IpfsError, isIpfsError, type IpfsErrorCode } from "./errors.ts";
export type { ByteRange, CidString, IpfsEntry, IpfsStat, IpfsStore, ProgressFn } from "./store.ts";

export const DEFAULT_IPFS_DATA_DIR = dataPath("ipfs");

export interface OpenIpfsOptions {
  /** Helia data directory (blocks/ and datastore/ are created inside). */
  dataDir?: string;
  /** Kubo RPC API base URL, e.g. http://127.0.0.1:5001 (the /api/v0 prefix is added). */
  apiUrl?: string;
}

export async function openIpfs(options: OpenIpfsOptions = {}): Promise<IpfsStore> {
  // An explicit dataDir means "this local store", even if the environment names a Kubo node:
  // tests and CLIs pointing at a directory must not be redirected by a stray IPFS_API_URL.
  const apiUrl = options.apiUrl ?? (options.dataDir === undefined ? nonEmpty(process.env.IPFS_API_URL) : undefined);
  if (apiUrl !== undefined) return openKuboStore(apiUrl);
  return openHeliaStore(options.dataDir ?? nonEmpty(process.env.IPFS_DATA_DIR) ?? DEFAULT_IPFS_DATA_DIR);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
