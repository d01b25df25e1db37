/**
 * On the local platform only (`npm start` sets LOCAL_ORACLE=1 on chain 31337): this server, which
 * owns the ledger and the IPFS node, also plays the local oracle operators and settles every period
 * that ends (core/src/platform/localOracle.ts). Real networks run the oracle CLI instead.
 */
import "server-only";
import { DEMO_ACCOUNTS, createLocalOracle, privateKeyOf, type LocalOracle } from "@ai-films/core/platform";
import { IS_LOCAL_CHAIN } from "../config";
import { getChain, getDb, getIpfs } from "./services";

const g = globalThis as typeof globalThis & { __aiFilmsLocalOracle?: Promise<LocalOracle | null> };

export function ensureLocalOracle(): Promise<LocalOracle | null> {
  if (process.env.LOCAL_ORACLE !== "1" || !IS_LOCAL_CHAIN) return Promise.resolve(null);
  g.__aiFilmsLocalOracle ??= (async () => {
    const [ctx, ledger, store] = await Promise.all([getChain(), getDb(), getIpfs()]);
    const oracle = createLocalOracle({
      ctx,
      ledger,
      store,
      keys: DEMO_ACCOUNTS.oracles.map(privateKeyOf),
      log: (line) => console.log(line),
    });
    oracle.start(Number(process.env.LOCAL_ORACLE_INTERVAL_MS ?? 5_000));
    return oracle;
  })().catch((error: unknown) => {
    g.__aiFilmsLocalOracle = undefined;
    throw error;
  });
  return g.__aiFilmsLocalOracle;
}
