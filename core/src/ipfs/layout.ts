/**
 * The UnixFS import settings both backends use, kept in one place because a CID is a function of
 * the bytes AND of these settings: if Helia and Kubo disagreed on any of them, the same HLS folder
 * would get two different CIDs depending on configuration, and listings minted against one would
 * not resolve on the other.
 *
 * The target is what `ipfs add --cid-version=1 --raw-leaves --chunker=size-262144` does on Kubo:
 * CIDv1, sha2-256, raw leaves, fixed 256 KiB chunks, a balanced DAG of at most 174 links per node,
 * directories as flat dag-pb nodes until they are estimated to exceed 256 KiB (then HAMT-sharded,
 * estimated by summing link bytes), no mode/mtime metadata, no wrapping directory.
 */
import type { AddOptions as HeliaAddOptions } from "@helia/unixfs";
// ipfs-unixfs-importer is what @helia/unixfs (and kubo-rpc-client) already build on; it is in the
// tree through them. Its chunker and layout are imported explicitly because @helia/unixfs 8 passes
// its OWN defaults (1 MiB chunks, 1024 links) that silently win over any importer profile.
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import type { AddOptions as KuboAddOptions } from "kubo-rpc-client";

export const CHUNK_SIZE = 262_144;
/** Kubo's balanced layout: at most this many children per internal node of a file's DAG. */
export const MAX_LINKS_PER_NODE = 174;

/**
 * Helia: every knob spelled out. @helia/unixfs 8 defaults differ from Kubo's (1 MiB chunks, 1024
 * links per node), and ipfs-unixfs-importer's "unixfs-v0-2015" profile alone would not help, as
 * the chunker and layout @helia/unixfs passes take precedence over it. A fresh object each call:
 * the importer writes defaults back into the options object it is given.
 */
export function heliaImportOptions(): HeliaAddOptions {
  return {
    chunker: fixedSize({ chunkSize: CHUNK_SIZE }),
    layout: balanced({ maxChildrenPerNode: MAX_LINKS_PER_NODE }),
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    shardSplitThresholdBytes: 262_144,
    shardSplitStrategy: "links-bytes",
    wrapWithDirectory: false,
  };
}

/** Kubo: the same choices spelled as `/api/v0/add` query options (kubo-rpc-client kebab-cases them). */
export function kuboAddOptions(): KuboAddOptions {
  return {
    cidVersion: 1,
    rawLeaves: true,
    chunker: `size-${CHUNK_SIZE}`,
    hashAlg: "sha2-256",
    trickle: false,
    wrapWithDirectory: false,
    // Kubo garbage-collects unpinned blocks (if its GC is on); our content must survive that.
    pin: true,
  };
}
