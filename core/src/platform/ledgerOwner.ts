// The platform's ledger: `npm start` owns the PGlite directory for as long as it runs and serves it
// on 127.0.0.1, so the web server, `npm run oracle`, the indexer and extra web workers are all
// clients of one database (see ledger/embedded.ts). A second platform on the same data is refused.
import { openDatabase, type Database } from "../db/index.ts";
import { readOwner } from "../db/ownership.ts";

export interface PlatformLedger {
  db: Database;
  /** Where other processes connect: postgres://postgres@127.0.0.1:<port>/postgres. */
  url: string;
}

/** Opens and serves `dataDir`; LEDGER_PORT fixes the port (default: any free one, recorded for clients). */
export async function openPlatformLedger(dataDir: string, port = Number(process.env.LEDGER_PORT ?? 0)): Promise<PlatformLedger> {
  const db = await openDatabase({ dataDir, embedded: { role: "the platform", share: { port }, exclusive: true } });
  const url = readOwner(dataDir)?.url;
  if (!url) {
    await db.close();
    throw new Error(`the ledger in ${dataDir} opened but recorded no address`);
  }
  return { db, url };
}
