/**
 * Runs the chain indexer on its own: `tsx scripts/indexer.ts [--once] [--from-block N]
 * [--interval-ms N] [--confirmations N] [--batch-size N]`. Same configuration as the oracle (RPC_URL,
 * MARKET_ADDRESS, DATABASE_URL, IPFS_API_URL / IPFS_DATA_DIR). The web server normally runs the
 * indexer in-process (startIndexer); this is for a one-off catch-up, or a separate indexer process
 * in front of PostgreSQL. With the PGlite ledger it connects to the platform's ledger server while
 * the platform runs, and opens the directory itself otherwise.
 */
import { parseArgs } from "node:util";
import { connectRpc } from "@ai-films/core/chain";
import { openIpfs } from "@ai-films/core/ipfs";
import { openDatabase } from "@ai-films/core/db";
import { deploymentBlock, indexOnce, startIndexer, type IndexResult } from "@ai-films/core/indexer";
import { KeyStore } from "@ai-films/core/media";

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got "${value}".`);
  return Number(value);
}

function summary(r: IndexResult): string {
  const range = r.fromBlock === null ? "nothing new" : `blocks ${r.fromBlock}-${r.toBlock}, ${r.events} event(s)`;
  const meta = r.metadata
    ? `; metadata: ${r.metadata.fetched} read, ${r.metadata.unavailable} unavailable, ${r.metadata.invalid} invalid`
    : "";
  return `indexer: ${range}; at block ${r.lastBlock}${meta}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      once: { type: "boolean", default: false },
      "from-block": { type: "string" },
      "interval-ms": { type: "string" },
      confirmations: { type: "string" },
      "batch-size": { type: "string" },
    },
  });
  const ctx = await connectRpc({ market: process.env.MARKET_ADDRESS });
  const fromBlock = int(values["from-block"], "from-block") ?? (await deploymentBlock(ctx.chainId, ctx.market)) ?? 0;
  const db = await openDatabase({ embedded: { role: "the indexer" } });
  const ipfs = await openIpfs();
  // Only the bindings are read, never a key; without a usable key store every listing counts as unbound.
  const keys = (() => {
    try {
      return new KeyStore();
    } catch {
      return null;
    }
  })();
  const options = {
    fromBlock,
    ipfs,
    // The platform's key store (MEDIA_KEYS_DIR): which wallet ingested a listing's media, to tell originals from copies.
    mediaIngester: keys ? (media: { keyId: string | null; livepeerPlaybackId: string | null }) => keys.mediaIngester(media) : undefined,
    confirmations: int(values.confirmations, "confirmations"),
    batchSize: int(values["batch-size"], "batch-size"),
  };
  console.log(`indexer: chain ${ctx.chainId}, market ${ctx.market}, from block ${fromBlock}`);
  if (values.once) {
    try {
      console.log(summary(await indexOnce(ctx, db, options)));
    } finally {
      await db.close();
      await ipfs.close();
    }
    return;
  }
  const stop = startIndexer(ctx, db, {
    ...options,
    intervalMs: int(values["interval-ms"], "interval-ms") ?? 2_000,
    onIndexed: (r) => {
      if (r.fromBlock !== null || r.reset || (r.metadata && r.metadata.fetched + r.metadata.unavailable + r.metadata.invalid > 0)) {
        console.log(summary(r));
      }
    },
  });
  const shutdown = async () => {
    await stop();
    await db.close();
    await ipfs.close();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
