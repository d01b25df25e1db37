// `oracle recompute`: an operator rebuilds a period's tally from the sealed receipts archive and the
// chain alone. By construction it has no access to the platform's database: `recomputeTally` takes
// an archive and a chain client, nothing else. Every receipt's key authorization (EIP-712, by the
// viewer's wallet, on this chain) and signature are verified, its claimed entitlement is checked
// against the chain's events, and the accepted beats are replayed, in the ledger's order, with the
// server's arrival time as the clock, through the ledger's own rules — the same SQL functions
// (db/migrations), in a throwaway in-memory database — then split with the same code as `tally`
// (periodSplit.ts, tallyFile.ts), and the per-viewer lines are committed with the viewer-salt key the
// operators share (viewerLines.ts), so the viewer root of a format 3 file is reproduced too. `sign`
// refuses a tally this does not reproduce exactly.
import { getAddress, recoverTypedDataAddress, type Hex } from "viem";
import type { ChainContext } from "../chain/context.ts";
import { openDatabase } from "../db/index.ts";
import type { SplitMethod } from "../domain/split.ts";
import { heartbeatCall } from "../ledger/ledger.ts";
import { ENTITLEMENTS, type Entitlement } from "../ledger/rules.ts";
import { heartbeatKeyTypedData, SESSION_KEY_MAX_LIFETIME_SECONDS } from "../receipts/keyAuthorization.ts";
import { verifyReceipt } from "../receipts/receipt.ts";
import { chainEntitlements } from "./chainEntitlements.ts";
import { periodClock, readPeriod, tallyRevision, viewWeightForPeriod } from "./chainReads.ts";
import { OracleError } from "./errors.ts";
import { periodSplit } from "./periodSplit.ts";
import { decodeArchive, type ReceiptsArchive } from "./receiptsArchive.ts";
import { unseal } from "./sealed.ts";
import type { TallyStore } from "./store.ts";
import { buildTallyFile, parseTallyFile, splitMethodOf, TALLY_FORMAT, type TallyFile } from "./tallyFile.ts";
import { commitViewerLines, viewerSaltKey } from "./viewerLines.ts";
import { viewerFilmCounts } from "../ledger/viewerCounts.ts";
import { periodFiles, readText, writeAtomic } from "./workdir.ts";

export type RejectReason =
  "key-authorization" | "key-lifetime" | "other-viewer-key" | "bad-signature" | "entitlement" | "film-unknown" | "malformed";

export interface Recomputed {
  file: TallyFile;
  receipts: { total: number; verified: number; rejected: Partial<Record<RejectReason, number>> };
}

/** The tally of `period` as the archive's receipts and the chain give it. */
export async function recomputeTally(
  ctx: ChainContext,
  archive: ReceiptsArchive,
  /** With `viewerSaltKey`, a format 3 file committing to the viewer lines (as `tally` writes); without, format 2. */
  options: { period: number; method: SplitMethod; viewerSaltKey?: Uint8Array },
): Promise<Recomputed> {
  const { period } = options;
  if (archive.chainId !== ctx.chainId || archive.market.toLowerCase() !== ctx.market.toLowerCase()) {
    throw new OracleError(
      `The receipts archive is for chain ${archive.chainId} market ${archive.market}, not chain ${ctx.chainId} market ${ctx.market}.`,
    );
  }
  if (archive.throughPeriod !== period)
    throw new OracleError(`The receipts archive runs through period ${archive.throughPeriod}, not ${period}.`);
  const [state, clock, viewWeightBps, chain] = await Promise.all([
    readPeriod(ctx, period),
    periodClock(ctx),
    viewWeightForPeriod(ctx, period),
    chainEntitlements(ctx),
  ]);

  // Key authorizations: signed by the wallet they name, for this chain, within the allowed lifetime.
  const keyOk = await Promise.all(
    archive.keys.map(async (k): Promise<RejectReason | null> => {
      if (k.chainId !== ctx.chainId) return "key-authorization";
      if (!(k.expiresAt > k.authorizedAt && k.expiresAt - k.authorizedAt <= SESSION_KEY_MAX_LIFETIME_SECONDS)) return "key-lifetime";
      try {
        const viewer = getAddress(k.viewer);
        const signer = await recoverTypedDataAddress({
          ...heartbeatKeyTypedData(ctx.chainId, { viewer, publicKey: k.publicKey, expiresAt: BigInt(k.expiresAt) }),
          signature: k.walletSignature,
        });
        return signer === viewer ? null : "key-authorization";
      } catch {
        return "key-authorization";
      }
    }),
  );

  const rejected: Partial<Record<RejectReason, number>> = {};
  const reject = (reason: RejectReason) => (rejected[reason] = (rejected[reason] ?? 0) + 1);
  // A throwaway database holding nothing but the ledger's schema and rules.
  const scratch = await openDatabase({ dataDir: "memory://" });
  let verified = 0;
  try {
    for (const k of archive.keys) {
      await scratch.query(
        `INSERT INTO heartbeat_keys (public_key, viewer, chain_id, expires_at, authorized_at, wallet_signature) VALUES ($1, $2, $3, $4, $5, $6)`,
        [k.publicKey, k.viewer.toLowerCase(), k.chainId, k.expiresAt, k.authorizedAt, k.walletSignature],
      );
    }
    for (const beat of archive.beats) {
      const key = archive.keys[beat.key];
      let filmId: bigint;
      try {
        filmId = BigInt(beat.filmId);
      } catch {
        reject("malformed");
        continue;
      }
      if (!key) {
        reject("malformed");
        continue;
      }
      const keyProblem = keyOk[beat.key];
      if (keyProblem) {
        reject(keyProblem);
        continue;
      }
      if (key.viewer.toLowerCase() !== String(beat.viewer).toLowerCase()) {
        reject("other-viewer-key");
        continue;
      }
      const fields = {
        viewer: key.viewer.toLowerCase(),
        filmId,
        sessionId: beat.sessionId,
        seq: beat.seq,
        positionSeconds: beat.positionSeconds,
      };
      if (!(await verifyReceipt(key.publicKey, fields, beat.signature))) {
        reject("bad-signature");
        continue;
      }
      const duration = chain.duration(filmId);
      if (duration === null) {
        reject("film-unknown");
        continue;
      }
      if (!ENTITLEMENTS.includes(beat.entitlement as Entitlement) || !chain.allows(beat.entitlement, fields.viewer, filmId, beat.at)) {
        reject("entitlement");
        continue;
      }
      let call: ReturnType<typeof heartbeatCall>;
      try {
        call = heartbeatCall(
          clock,
          {
            ...fields,
            positionSeconds: fields.positionSeconds ?? undefined,
            at: beat.at,
            entitlement: beat.entitlement as Entitlement,
            filmDurationSeconds: duration,
          },
          { now: beat.at },
        );
      } catch {
        reject("malformed");
        continue;
      }
      if ("ignored" in call) continue;
      // The ledger's own function, as recordSignedHeartbeat calls it (replays and reorders add nothing).
      await scratch.query(
        "SELECT 1 FROM ledger_record_signed_heartbeat($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        [...call.params, beat.seq, key.publicKey, beat.signature],
      );
      verified++;
    }
    const counts = await viewerFilmCounts(scratch, period);
    const split = await periodSplit(ctx, scratch, period, options.method, { pool: state.pool, viewWeightBps }, counts);
    const revision = tallyRevision(state.tally);
    const viewers = options.viewerSaltKey
      ? commitViewerLines(counts, options.viewerSaltKey, { chainId: ctx.chainId, market: ctx.market, period, revision })
      : undefined;
    const file = buildTallyFile(
      {
        chainId: ctx.chainId,
        market: ctx.market,
        period,
        revision,
        periodStart: state.start,
        periodEnd: state.end,
        viewWeightBps,
        pool: state.pool,
      },
      split,
      options.method,
      viewers,
    );
    return { file, receipts: { total: archive.beats.length, verified, rejected } };
  } finally {
    await scratch.close();
  }
}

export interface Recomputation {
  period: number;
  receiptsCid: string;
  /** The tally file's root, and the root the recomputation gives. */
  tallyRoot: Hex;
  root: Hex;
  /** Format 3: the tally file's viewer root, and the one the recomputation gives (null in format 2). */
  tallyViewerRoot: Hex | null;
  viewerRoot: Hex | null;
  totals: TallyFile["totals"];
  unitScale: string | null;
  matches: boolean;
  receipts: Recomputed["receipts"];
}

/** What must be equal for a recomputation to reproduce a tally file. */
function fingerprint(file: TallyFile): string {
  return JSON.stringify([
    file.format,
    file.root,
    file.totals,
    file.method.unitScale ?? null,
    file.revision,
    file.pool,
    file.viewWeightBps,
    file.viewers ?? null,
  ]);
}

/**
 * Recomputes the period's tally file (in the operator's files) from its sealed archive, opened with
 * the operator's key, and records the result beside it for `sign`. A format 3 file's viewer root
 * needs the viewer-salt key the operators share (`viewerSaltKey`, else ORACLE_VIEWER_SALT_KEY or the
 * key file in the operator's oracle dir; never a new one).
 */
export async function runRecompute(
  ctx: ChainContext,
  store: TallyStore,
  privateKey: Hex,
  period: number,
  filesRoot?: string,
  options: { viewerSaltKey?: Uint8Array } = {},
): Promise<Recomputation> {
  const paths = periodFiles(ctx.chainId, period, filesRoot);
  const tally = parseTallyFile(
    await readText(paths.tally, `No tally file for period ${period}: copy the platform's period folder into ORACLE_DIR first.`),
    paths.tally,
  );
  const cid = tally.receiptsCid;
  if (!cid) throw new OracleError(`Period ${period}'s tally file names no receipts archive: it cannot be recomputed, do not sign it.`);
  const saltKey =
    tally.format === TALLY_FORMAT ? (options.viewerSaltKey ?? (await viewerSaltKey(ctx.chainId, filesRoot, { create: false }))) : undefined;
  let sealed: Uint8Array;
  try {
    sealed = await store.catBytes(cid);
  } catch (error) {
    throw new OracleError(`Cannot fetch the receipts archive ${cid} from IPFS: ${(error as Error).message}`);
  }
  const archive = decodeArchive(unseal(sealed, privateKey));
  const { file, receipts } = await recomputeTally(ctx, archive, { period, method: splitMethodOf(tally), viewerSaltKey: saltKey });
  const result: Recomputation = {
    period,
    receiptsCid: cid,
    tallyRoot: tally.root,
    root: file.root,
    tallyViewerRoot: tally.viewers?.root ?? null,
    viewerRoot: file.viewers?.root ?? null,
    totals: file.totals,
    unitScale: file.method.unitScale ?? null,
    matches: fingerprint(file) === fingerprint(tally),
    receipts,
  };
  await writeAtomic(paths.recomputation, JSON.stringify(result, null, 2) + "\n");
  return result;
}

/** `sign`'s gate: the operator's recomputation must exist and reproduce this very tally file. */
export function checkRecomputation(tally: TallyFile, recomputation: Recomputation | null, period: number): void {
  if (!recomputation) {
    throw new OracleError(`You have not recomputed period ${period}: run \`oracle recompute --period ${period}\` first.`);
  }
  const sameTally = recomputation.tallyRoot === tally.root && recomputation.receiptsCid === tally.receiptsCid;
  if (!sameTally) {
    throw new OracleError(
      `Your recomputation of period ${period} was made for another tally (root ${recomputation.tallyRoot}): run \`oracle recompute --period ${period}\` first.`,
    );
  }
  if (
    !recomputation.matches ||
    recomputation.root !== tally.root ||
    recomputation.viewerRoot !== (tally.viewers?.root ?? null) ||
    JSON.stringify(recomputation.totals) !== JSON.stringify(tally.totals)
  ) {
    throw new OracleError(
      `Your recomputation does not reproduce this tally (receipts and chain give root ${recomputation.root}, ` +
        `${recomputation.totals.views} views, ${recomputation.totals.seconds} s, viewer root ${recomputation.viewerRoot}; ` +
        `the tally file has root ${tally.root}, ${tally.totals.views} views, ${tally.totals.seconds} s, ` +
        `viewer root ${tally.viewers?.root ?? null}): refusing to sign. Raise it with the other operators and the platform.`,
    );
  }
}
