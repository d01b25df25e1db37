// A viewer's check of their own counted lines, in the browser as on the server: only viem and
// multiformats, no Node. A line (viewer, film, counted seconds, view or not, secret salt) is a leaf
// of the tally file's second Merkle tree, hashed as OpenZeppelin's StandardMerkleTree hashes
// leaves (keccak256(keccak256(abi.encode(values)))) and folded with sorted pairs like
// `StandardMerkleTree.verify` — the library itself is not shipped to the browser for this (tests
// hold the two equal). The salt, 32 bytes only the platform and that viewer know, makes the public
// root reveal nothing: nobody can hash a guessed (wallet, film, seconds) line without it.
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { concat, encodeAbiParameters, keccak256, type Hex } from "viem";

/** The viewer leaf's ABI types: wallet, film id, counted seconds, 1 if it made a view, salt. */
export const VIEWER_LEAF_ENCODING = ["address", "uint256", "uint64", "uint8", "bytes32"] as const;

/** One counted line of a period, as served to its viewer (decimal strings for the integers). */
export interface ViewerLineProof {
  viewer: string;
  filmId: string;
  seconds: string;
  views: string;
  salt: Hex;
  proof: Hex[];
}

const HEX32 = /^0x[0-9a-f]{64}$/i;

/** A line's leaf values in the tree's order and encoding (the dump's `value`). */
export function viewerLeafValue(line: Omit<ViewerLineProof, "proof">): [string, string, string, string, string] {
  return [line.viewer.toLowerCase(), line.filmId, line.seconds, line.views, line.salt.toLowerCase()];
}

/** The leaf hash of a line, exactly StandardMerkleTree's `leafHash` for VIEWER_LEAF_ENCODING. */
export function viewerLeafHash(line: Omit<ViewerLineProof, "proof">): Hex {
  const [viewer, filmId, seconds, views, salt] = viewerLeafValue(line);
  const encoded = encodeAbiParameters(
    VIEWER_LEAF_ENCODING.map((type) => ({ type })),
    [viewer as Hex, BigInt(filmId), BigInt(seconds), Number(views), salt as Hex],
  );
  return keccak256(keccak256(encoded, "bytes"));
}

/**
 * True when `line` with its proof hashes up to `root`. Anything malformed (a proof node that is
 * not 32 bytes, a field out of range) is simply not included: false, never a throw.
 */
export function verifyViewerLine(root: string, line: ViewerLineProof): boolean {
  if (!HEX32.test(root) || !Array.isArray(line.proof) || !line.proof.every((p) => typeof p === "string" && HEX32.test(p))) return false;
  let node: Hex;
  try {
    node = viewerLeafHash(line);
  } catch {
    return false;
  }
  for (const sibling of line.proof) {
    const [a, b] = [node.toLowerCase() as Hex, sibling.toLowerCase() as Hex];
    node = keccak256(a <= b ? concat([a, b]) : concat([b, a]));
  }
  return node.toLowerCase() === root.toLowerCase();
}

/**
 * Whether `bytes` are what `cid` names, checked locally: true or false for a CIDv1 of one raw
 * sha2-256 block (what the oracle's tally files are, up to 256 KiB); null when the CID names a
 * UnixFS DAG (a bigger file), which this check cannot rebuild — then the gateway is trusted for it.
 */
export async function bytesMatchCid(cid: string, bytes: Uint8Array): Promise<boolean | null> {
  let parsed: CID;
  try {
    parsed = CID.parse(cid);
  } catch {
    return false;
  }
  if (parsed.version !== 1 || parsed.code !== 0x55 || parsed.multihash.code !== sha256.code) return null;
  const digest = await sha256.digest(bytes);
  const [a, b] = [digest.digest, parsed.multihash.digest];
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
