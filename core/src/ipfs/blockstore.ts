/**
 * blockstore-fs with two fixes for how we use it.
 *
 * blockstore-fs writes each block through steno: write `.<block>.tmp`, then rename it into place,
 * retrying a failed rename 10 times, 100 ms apart. Two concurrent writes of the SAME block share
 * that temp name, so the loser's rename fails and it sleeps ~1 s before giving up (harmlessly: the
 * block is there). An import often writes one block twice at once: identical HLS segments, empty
 * files, identical sub-directories. Measured: a small folder took ~900 ms instead of ~10 ms.
 *
 * So: (1) concurrent puts of one block in this process share a single write, and (2) a block
 * that is already on disk is not rewritten at all. (2) also makes re-adding content cheap and
 * narrows the window in which two processes write the same block (see helia.ts on sharing).
 */
import { FsBlockstore } from "blockstore-fs";
import type { CID } from "multiformats/cid";

type PutArgs = Parameters<FsBlockstore["put"]>;

export class DedupingFsBlockstore extends FsBlockstore {
  private readonly inFlight = new Map<string, Promise<CID>>();

  override put(key: PutArgs[0], value: PutArgs[1], options?: PutArgs[2]): Promise<CID> {
    // Blocks are addressed by multihash: the same bytes under CIDv0/v1 or another codec are one file.
    const id = key.multihash.bytes.toString();
    const pending = this.inFlight.get(id);
    if (pending !== undefined) return pending;
    const write = (async () => {
      if (await super.has(key, options)) return key;
      return super.put(key, value, options);
    })().finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, write);
    return write;
  }
}
