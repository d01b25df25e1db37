/** Health of the index, for a status line or /api/health. */
import type { Queryable } from "../../db/index.ts";
import { chainView, type MetadataStatus } from "./shared.ts";

export interface IndexerStatus {
  chainId: number;
  market: string;
  lastBlock: number;
  lastBlockTime: number | null;
  /** Wall-clock time of the last commit. */
  updatedAt: number;
  chainNow: number;
  currentPeriod: number;
  films: number;
  metadata: Record<MetadataStatus, number>;
}

/** Health of the index, for a status line or /api/health; null before the first run. */
export async function indexerStatus(db: Queryable, options: { nowSeconds?: number } = {}): Promise<IndexerStatus | null> {
  const view = await chainView(db, options.nowSeconds);
  if (!view.state) return null;
  const rows = await db.query<{ metadata_status: MetadataStatus; n: string }>(
    "SELECT metadata_status, count(*)::text AS n FROM films GROUP BY metadata_status",
  );
  const metadata: Record<MetadataStatus, number> = { pending: 0, ok: 0, unavailable: 0, invalid: 0 };
  for (const r of rows) metadata[r.metadata_status] = Number(r.n);
  return {
    chainId: view.state.chainId,
    market: view.state.market,
    lastBlock: view.state.lastBlock,
    lastBlockTime: view.state.lastBlockTime,
    updatedAt: view.state.updatedAt,
    chainNow: view.now,
    currentPeriod: view.currentPeriod,
    films: Object.values(metadata).reduce((a, b) => a + b, 0),
    metadata,
  };
}
