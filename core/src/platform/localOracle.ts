// The oracle operators of the local platform, run inside the web server that owns the ledger and
// the IPFS node: when the local chain's clock passes the end of a period (someone moved time on,
// or a month went by), it tallies the period from the ledger, seals the period's receipts archive
// to the local operators' keys, publishes the file to IPFS, recomputes it from the archive and the
// chain alone, signs it with the threshold of local oracle keys only if the recomputation reproduced
// it, and posts it — the same oracle modules and checks as `npm run oracle`, so a newcomer sees
// periods settle without running the CLI by hand. The local operators share this process and its
// oracle dir (and so the viewer-salt key): one recomputation, opened with the first signer's key,
// stands for all of them.
//
// Local chains only: on a real network the operators are independent parties, each with their own
// key, database and IPFS node, running the CLI (docs in README, "Oracle").
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { ChainContext } from "../chain/context.ts";
import type { Queryable } from "../db/index.ts";
import { aggregatePeriod } from "../ledger/aggregate.ts";
import { currentPeriod, readPeriod, signerSet } from "../oracle/chainReads.ts";
import { runPost } from "../oracle/post.ts";
import { runPublish } from "../oracle/publish.ts";
import { runRecompute } from "../oracle/recompute.ts";
import { runSign } from "../oracle/sign.ts";
import type { TallyStore } from "../oracle/store.ts";
import { DEFAULT_GRACE_SECONDS, runTally } from "../oracle/tally.ts";

export interface LocalOracleOptions {
  ctx: ChainContext;
  ledger: Queryable;
  store: TallyStore;
  /**
   * Candidate oracle keys (private: the archive is sealed to them and opened with them); only those
   * registered on the market seal, recompute and sign, as many as the threshold needs.
   */
  keys: readonly Hex[];
  filesRoot?: string;
  graceSeconds?: number;
  log?: (line: string) => void;
}

export type SettleOutcome =
  { period: number; status: "posted"; leaves: number; signers: number } | { period: number; status: "skipped"; reason: string };

export function createLocalOracle(options: LocalOracleOptions) {
  const { ctx, ledger, store, filesRoot } = options;
  const grace = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const log = options.log ?? (() => undefined);
  /** Periods already settled, or that need no tally (no pool, no watching): never looked at again. */
  const done = new Set<number>();
  let running: Promise<SettleOutcome[]> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  async function settle(period: number): Promise<SettleOutcome> {
    const state = await readPeriod(ctx, period);
    if (state.chainTime < state.end + grace) return { period, status: "skipped", reason: "not ended" };
    if (state.tally.status === "posted") {
      done.add(period);
      return { period, status: "skipped", reason: "already posted" };
    }
    // A disputed tally is for the operators to look into; the automatic path does not re-post.
    if (state.tally.status === "disputed") {
      done.add(period);
      return { period, status: "skipped", reason: "disputed" };
    }
    const leaves = await aggregatePeriod(ledger, period);
    if (leaves.length === 0 && state.pool === 0n) {
      done.add(period);
      return { period, status: "skipped", reason: "nothing to settle" };
    }
    const operators = options.keys.map((key) => ({ key, account: privateKeyToAccount(key) }));
    const { threshold, registered } = await signerSet(
      ctx,
      operators.map((o) => o.account.address),
    );
    const local = operators.filter((o) => registered.includes(o.account.address));
    const signers = local.slice(0, threshold).map((o) => o.account);
    if (signers.length < threshold) {
      done.add(period);
      return { period, status: "skipped", reason: `only ${signers.length} of the ${threshold} signers needed are local` };
    }
    // An empty period with a pool still gets a tally (no leaves), so its pool can roll over.
    const archive = { store, operatorKeys: local.map((o) => o.account.publicKey) };
    await runTally(ctx, { period, ledger, allowEmpty: true, graceSeconds: grace, filesRoot, archive });
    await runPublish(ctx, store, period, filesRoot);
    const recomputed = await runRecompute(ctx, store, local[0].key, period, filesRoot);
    if (!recomputed.matches) {
      // As an operator would: nothing signed, the period left for a person to look into.
      done.add(period);
      return {
        period,
        status: "skipped",
        reason:
          `the recomputation from the receipts archive does not reproduce the tally (root ${recomputed.root}, ` +
          `viewer root ${recomputed.viewerRoot}; the tally's ${recomputed.tallyRoot}, ${recomputed.tallyViewerRoot}): not signed`,
      };
    }
    for (const signer of signers) await runSign(ctx, signer, period, filesRoot, { requireRecomputation: true });
    await runPost(ctx, signers[0], period, filesRoot);
    done.add(period);
    return { period, status: "posted", leaves: leaves.length, signers: signers.length };
  }

  /** Settles every ended period that needs it, oldest first; one pass at a time. */
  function settleEnded(): Promise<SettleOutcome[]> {
    running ??= (async () => {
      try {
        const now = await currentPeriod(ctx);
        const outcomes: SettleOutcome[] = [];
        for (let period = 0; period < now; period++) {
          if (done.has(period)) continue;
          const outcome = await settle(period);
          if (outcome.status === "posted")
            log(`local oracle: period ${period} tallied (${outcome.leaves} films), signed by ${outcome.signers} and posted`);
          else if (outcome.reason.startsWith("only") || outcome.reason.startsWith("the recomputation"))
            log(`local oracle: period ${period} not settled: ${outcome.reason}`);
          outcomes.push(outcome);
        }
        return outcomes;
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    settleEnded,
    /** Checks every `intervalMs`; errors are logged and the period is tried again next time. */
    start(intervalMs = 5_000) {
      if (timer) return;
      const tick = () =>
        settleEnded().catch((error: unknown) =>
          log(`local oracle: ${error instanceof Error ? error.message : String(error)} (will retry)`),
        );
      timer = setInterval(tick, intervalMs);
      timer.unref?.();
      void tick();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export type LocalOracle = ReturnType<typeof createLocalOracle>;
