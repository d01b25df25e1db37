// The oracle CLI: `npm run oracle -- <command> [options]`. Each command is one module; this file
// parses arguments, opens what the command needs (chain, ledger, IPFS, key) and prints results.
import { parseArgs } from "node:util";
import { BaseError, ContractFunctionRevertedError, getAddress, type Address } from "viem";
import { connectRpc, ChainError, type ChainContext } from "@ai-films/core/chain";
import { DEFAULT_CAP_BPS, DEFAULT_SPLIT_METHOD, toFilmId, type SplitMethod } from "@ai-films/core/domain";
import { openDatabase, type Database } from "@ai-films/core/db";
import { localOperators } from "@ai-films/core/platform/localOperators";
import { LOCAL_CHAIN_ID } from "@ai-films/core/platform/localChain";
import {
  OracleError,
  keySourceFromEnv,
  loadAccount,
  runPost,
  stepProgress,
  claimProof,
  postedTallyFile,
  runPublish,
  runSign,
  runStatus,
  type TallyStore,
  iso,
  runTally,
  parseTallyFile,
  readTally,
  runVerify,
  periodFiles,
  readText,
  loadPrivateKey,
  parseOperatorKeys,
  runRecompute,
} from "@ai-films/core/oracle";

const USAGE = `AI Films oracle — tally, publish, sign, post and verify monthly payouts.

Usage: npm run oracle -- <command> [options]

Commands:
  tally   --period N [--allow-empty] [--force] [--method 1|2] [--cap-bps N]
                                                  split the ledger into a tally file (method 2, ScaledUserProp,
                                                  capped at 9750 bps of each payment, unless told), and seal
                                                  the period's receipts archive to the operators (ORACLE_OPERATOR_KEYS)
  publish --period N                              add the tally file to IPFS
  recompute --period N                            rebuild the tally from its receipts archive and the chain alone
                                                  (no ledger), with your key; sign requires it to match
  sign    --period N                              sign the published tally you recomputed (ORACLE_PRIVATE_KEY or ORACLE_KEYSTORE)
  post    --period N                              submit it once enough operators signed
  verify  --period N [--no-ledger] [--signers a,b]  check a posted tally against its published file (and the ledger)
  status  [--from N] [--to N]                     periods, pools, tallies, windows, claims
  proof   --period N --film ID                    leaf, Merkle proof and amount for a claim

Options: --json (machine-readable output), --quiet (no progress)
Environment: RPC_URL (default http://127.0.0.1:8545), CHAIN_ID (expected chain), MARKET_ADDRESS,
  DATABASE_URL or LEDGER_DIR, IPFS_API_URL (Kubo; default embedded Helia), ORACLE_DIR,
  ORACLE_PRIVATE_KEY | ORACLE_KEYSTORE + ORACLE_KEYSTORE_PASSWORD,
  ORACLE_OPERATOR_KEYS (tally: the operators' public keys 0x04…, comma-separated, to seal the receipts to;
  on the local chain 31337 the registered ones among its oracle accounts #7–#9 unless set),
  ORACLE_VIEWER_SALT_KEY (tally, recompute: the viewer-salt key the operators share; else the key file in ORACLE_DIR)`;

const OPTIONS = {
  period: { type: "string" },
  film: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  signers: { type: "string" },
  "allow-empty": { type: "boolean" },
  method: { type: "string" },
  "cap-bps": { type: "string" },
  force: { type: "boolean" },
  "no-ledger": { type: "boolean" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function intOption(value: string | undefined, name: string, required = true): number | undefined {
  if (value === undefined) {
    if (required) throw new OracleError(`--${name} is required.`);
    return undefined;
  }
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new OracleError(`--${name} must be a non-negative integer, got "${value}".`);
  return Number(value);
}

function filmOption(value: string | undefined): bigint {
  if (value === undefined) throw new OracleError("--film is required.");
  const film = toFilmId(value);
  if (film === null) throw new OracleError(`--film must be a film id (a positive integer), got "${value}".`);
  return film;
}

/** `--method` and `--cap-bps`, or undefined for the default method. */
function splitMethodOption(values: { method?: string; "cap-bps"?: string }): SplitMethod | undefined {
  if (values.method === undefined && values["cap-bps"] === undefined) return undefined;
  const version = intOption(values.method ?? String(DEFAULT_SPLIT_METHOD), "method")!;
  if (version === 1) {
    if (values["cap-bps"] !== undefined) throw new OracleError("--cap-bps applies to method 2 only.");
    return { version: 1 };
  }
  if (version !== 2) throw new OracleError(`--method must be 1 (global proportional) or 2 (ScaledUserProp), got ${version}.`);
  const capBps = intOption(values["cap-bps"] ?? String(DEFAULT_CAP_BPS), "cap-bps")!;
  if (capBps < 1 || capBps > 10_000) throw new OracleError(`--cap-bps must be between 1 and 10000, got ${capBps}.`);
  return { version: 2, capBps };
}

const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2);

async function openStore(): Promise<TallyStore & { close(): Promise<void> }> {
  const { openIpfs } = await import("@ai-films/core/ipfs");
  return openIpfs();
}

async function withLedger<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  // While the platform runs this connects to its ledger server; otherwise it opens the directory.
  const embedded = { role: "the oracle" };
  const db = await openDatabase(process.env.LEDGER_DIR ? { dataDir: process.env.LEDGER_DIR, embedded } : { embedded });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Whom `tally` seals the receipts archive to: ORACLE_OPERATOR_KEYS, or on the local chain (`npm
 * start`, chain 31337) the registered signers among its well-known oracle accounts, so the local
 * platform needs no setup. Any other chain must name its operators.
 */
async function operatorKeysFor(ctx: ChainContext): Promise<`0x${string}`[]> {
  const keys = parseOperatorKeys(process.env.ORACLE_OPERATOR_KEYS);
  if (keys.length > 0 || ctx.chainId !== LOCAL_CHAIN_ID) return keys;
  return (await localOperators(ctx)).map((o) => o.account.publicKey);
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 1;
  }
  const progress = (title: string, steps: number) => stepProgress(title, steps, { quiet: values.quiet || values.json });
  const connect = (): Promise<ChainContext> =>
    connectRpc({ market: process.env.MARKET_ADDRESS, expectedChainId: process.env.CHAIN_ID ? Number(process.env.CHAIN_ID) : undefined });

  switch (command) {
    case "tally": {
      const period = intOption(values.period, "period")!;
      const ctx = await connect();
      const operatorKeys = await operatorKeysFor(ctx);
      if (operatorKeys.length === 0)
        throw new OracleError(
          "Set ORACLE_OPERATOR_KEYS to the registered operators' public keys (0x04…, comma-separated): the receipts archive is sealed to them.",
        );
      const bar = progress("tally", 6);
      const store = await openStore();
      const result = await withLedger((ledger) =>
        runTally(ctx, {
          period,
          ledger,
          allowEmpty: values["allow-empty"],
          force: values.force,
          method: splitMethodOption(values),
          progress: bar,
          archive: { store, operatorKeys },
        }),
      ).finally(() => store.close());
      bar.done();
      if (values.json)
        console.log(
          json({
            path: result.path,
            root: result.file.root,
            totals: result.file.totals,
            receiptsCid: result.file.receiptsCid,
            viewerRoot: result.file.viewers?.root ?? null,
            written: result.written,
          }),
        );
      else
        console.log(
          `${result.written ? "wrote" : "unchanged"} ${result.path}: ${result.file.totals.leafCount} films, ` +
            `${result.file.totals.views} views, ${result.file.totals.seconds} s, root ${result.file.root}, ` +
            `viewer root ${result.file.viewers?.root} over ${result.file.viewers?.lines} lines`,
        );
      return 0;
    }
    case "publish": {
      const period = intOption(values.period, "period")!;
      const ctx = await connect();
      const store = await openStore();
      try {
        const publication = await runPublish(ctx, store, period);
        console.log(
          values.json ? json(publication) : `published period ${period}'s tally as ${publication.cid} (${publication.bytes} bytes)`,
        );
      } finally {
        await store.close();
      }
      return 0;
    }
    case "recompute": {
      // Deliberately no ledger here: an operator recomputes from the archive and the chain alone.
      const period = intOption(values.period, "period")!;
      const ctx = await connect();
      const key = await loadPrivateKey(keySourceFromEnv());
      const store = await openStore();
      try {
        const report = await runRecompute(ctx, store, key, period);
        if (values.json) console.log(json(report));
        else {
          const rejected = Object.entries(report.receipts.rejected).map(([why, n]) => `${n} ${why}`);
          console.log(
            `period ${period}: ${report.receipts.verified} of ${report.receipts.total} receipts verified and replayed` +
              (rejected.length ? ` (rejected: ${rejected.join(", ")})` : "") +
              `; recomputed root ${report.root}, ${report.totals.leafCount} films` +
              (report.viewerRoot ? `, viewer root ${report.viewerRoot}` : ""),
          );
          console.log(
            report.matches
              ? `reproduced: the tally file's root ${report.tallyRoot} matches — you may sign it`
              : `MISMATCH: the tally file has root ${report.tallyRoot}; do not sign it (sign will refuse)`,
          );
        }
        return report.matches ? 0 : 1;
      } finally {
        await store.close();
      }
    }
    case "sign": {
      const period = intOption(values.period, "period")!;
      const ctx = await connect();
      const account = await loadAccount(keySourceFromEnv());
      const result = await runSign(ctx, account, period, undefined, { requireRecomputation: true });
      console.log(
        values.json
          ? json(result)
          : `${result.signer} signed period ${period} (digest ${result.digest}); ${result.count} signature(s) collected` +
              (result.replacedStale ? " — signatures of an older tally were dropped" : ""),
      );
      return 0;
    }
    case "post": {
      const period = intOption(values.period, "period")!;
      const ctx = await connect();
      const account = await loadAccount(keySourceFromEnv());
      const result = await runPost(ctx, account, period);
      if (values.json) console.log(json(result));
      else if (result.status === "already-posted")
        console.log(`period ${period}'s tally is already on-chain (root ${result.root}): nothing to do`);
      else
        console.log(
          `posted period ${period}'s tally in ${result.transactionHash} (${result.gasUsed} gas), signed by ${result.signers.join(", ")}`,
        );
      return 0;
    }
    case "verify": {
      const period = intOption(values.period, "period")!;
      const ctx = await connect();
      const expectedSigners = values.signers ?? process.env.ORACLE_EXPECTED_SIGNERS;
      const store = await openStore();
      try {
        const run = (ledger?: Database) =>
          runVerify(ctx, {
            period,
            store,
            ledger,
            expectedSigners: expectedSigners ? expectedSigners.split(",").map((a) => parseAddressOption(a.trim())) : undefined,
          });
        const report = values["no-ledger"] ? await run() : await withLedger(run);
        if (values.json) console.log(json(report));
        else {
          console.log(`period ${period} — tally ${report.cid ?? "(no published file)"}`);
          for (const c of report.checks) console.log(`  ${c.ok ? "✔" : "✘"} ${c.name}: ${c.detail}`);
          console.log(report.ok ? "verified: everything matches" : "MISMATCH: do not trust this tally; dispute it inside its window");
        }
        return report.ok ? 0 : 1;
      } finally {
        await store.close();
      }
    }
    case "status": {
      const ctx = await connect();
      const status = await runStatus(ctx, { from: intOption(values.from, "from", false), to: intOption(values.to, "to", false) });
      if (values.json) console.log(json(status));
      else {
        console.log(`chain ${ctx.chainId}, market ${ctx.market}, current period ${status.currentPeriod}`);
        console.table(
          status.periods.map((p) => ({
            period: p.period,
            start: iso(p.start).slice(0, 10),
            end: iso(p.end).slice(0, 10),
            phase: p.phase,
            pool: p.pool.toString(),
            subscribers: p.subscribers,
            films: p.tally.leafCount,
            "claimable at": p.tally.status === "none" ? "" : iso(p.tally.claimableAt),
            claimed: `${p.paid} (${p.claimedCount} films)`,
          })),
        );
      }
      return 0;
    }
    case "proof": {
      const period = intOption(values.period, "period")!;
      const film = filmOption(values.film);
      const ctx = await connect();
      const local = await readText(periodFiles(ctx.chainId, period).tally, "").catch(() => null);
      let file = local ? parseTallyFile(local) : null;
      if (!file || file.root !== (await readTally(ctx, period)).root) {
        const store = await openStore();
        try {
          file = await postedTallyFile(ctx, store, period);
        } finally {
          await store.close();
        }
      }
      const proof = await claimProof(ctx, file, film);
      console.log(json(proof));
      return 0;
    }
    default:
      throw new OracleError(`Unknown command "${command}". Run \`npm run oracle -- --help\`.`);
  }
}

function parseAddressOption(value: string): Address {
  try {
    return getAddress(value);
  } catch {
    throw new OracleError(`"${value}" is not an address.`);
  }
}

/** One line for any error: ours as they are, contract reverts by their custom error's name. */
export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof OracleError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ChainError) return { message: error.message, exitCode: 1 };
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    if (revert?.data?.errorName)
      return { message: `The contract refused: ${revert.data.errorName}(${(revert.data.args ?? []).join(", ")}).`, exitCode: 1 };
    return { message: error.shortMessage, exitCode: 1 };
  }
  if ((error as { code?: unknown } | null | undefined)?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
    return { message: `${(error as Error).message}. Run with --help.`, exitCode: 1 };
  return { message: (error as Error)?.message ?? String(error), exitCode: 1 };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      const { message, exitCode } = describeError(error);
      console.error(`oracle: ${message}`);
      process.exit(exitCode);
    },
  );
}
