/**
 * A large, realistic view ledger written straight into `view_counters` by SQL (INSERT … SELECT over
 * generate_series), for the oracle benchmark: a million rows in a minute instead of the hours that
 * millions of heartbeats would take. Only the counters are written (no sessions, viewer days or
 * history): the tally reads nothing else.
 *
 * Popularity follows a Zipf–Mandelbrot law (weight 1 / (rank + 10)): a head of popular films and a
 * long tail of films a handful of viewers watched. Each film's audience is a distinct set of viewers,
 * so (period, viewer, film) never repeats; which entitlement a row is, and how long it was watched,
 * come from a hash of the row, so the same options always give the same ledger.
 *
 * Loaded as PostgreSQL's documentation advises for bulk loads: in one transaction, with the table's
 * secondary indexes dropped first and rebuilt from their own definitions at the end (the primary
 * key stays, so uniqueness is checked row by row). The schema afterwards is the migrations' schema.
 */
import type { Database, Queryable } from "@ai-films/core/db";
import { VIEW_THRESHOLD_MAX_SECONDS } from "@ai-films/core/ledger/rules";

export interface SyntheticLedgerOptions {
  period: number;
  /** Counter rows to write, exactly. */
  rows: number;
  films: number;
  viewers: number;
  /** updated_at of every row falls in [periodStart, periodEnd). */
  periodStart: number;
  periodEnd: number;
  /** Rows per INSERT statement; each statement is one progress tick. */
  batchRows?: number;
  onProgress?: (rowsWritten: number) => void;
  /** Called when every row is in and the indexes are being rebuilt. */
  onIndexes?: () => void;
}

/** Flattens the Zipf head: the top film weighs 1/10, the 100th 1/109, the 20,000th 1/20,009. */
const POPULARITY_SHIFT = 10;
/** Longest watch of one row, in seconds (an hour and a half: a feature film). */
const MAX_WATCH_SECONDS = 5400;

/**
 * How many viewers each film (by popularity rank) has: `rows` apportioned to the films by weight,
 * in whole rows that add up to exactly `rows`.
 */
export function audienceSizes(rows: number, films: number): number[] {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isSafeInteger(films) || films < 1) throw new RangeError(`films must be a positive integer, got ${films}`);
  const weights = Array.from({ length: films }, (_, rank) => 1 / (rank + POPULARITY_SHIFT));
  const total = weights.reduce((s, w) => s + w, 0);
  const sizes: number[] = [];
  let cumulative = 0;
  let given = 0;
  for (let rank = 0; rank < films; rank++) {
    cumulative += weights[rank];
    // Rounding the running total (not each share) keeps the sum exact; the last film takes the rest.
    const upTo = rank === films - 1 ? rows : Math.min(rows, Math.floor((rows * cumulative) / total));
    sizes.push(upTo - given);
    given = upTo;
  }
  return sizes;
}

/** The film id of popularity rank `rank`: a fixed permutation of 1..films, so ids do not follow popularity. */
export function filmIdOfRank(rank: number, films: number): bigint {
  return BigInt(1 + ((rank * coprimeStep(films)) % films));
}

/** The address of viewer number `n` (0-based): hex of md5, so addresses spread like real ones. */
const VIEWER_ADDRESS_SQL = (n: string) => `'0x' || md5(${n}::text) || substr(md5('v' || ${n}::text), 1, 8)`;

/** Writes the rows; returns the number written (always `rows`). */
export async function generateLedger(db: Database, options: SyntheticLedgerOptions): Promise<number> {
  return db.transaction(async (tx) => {
    const indexes = await tx.query<{ name: string; definition: string }>(
      `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename = 'view_counters'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    );
    for (const index of indexes) await tx.query(`DROP INDEX "${index.name}"`);
    const written = await insertCounters(tx, options);
    options.onIndexes?.();
    // Index builds sort; more memory than the default keeps a 10M-row sort out of temp files.
    await tx.query("SET LOCAL maintenance_work_mem = '256MB'");
    for (const index of indexes) await tx.query(index.definition);
    return written;
  });
}

async function insertCounters(db: Queryable, options: SyntheticLedgerOptions): Promise<number> {
  const { period, rows, films, viewers, periodStart, periodEnd } = options;
  if (!Number.isSafeInteger(viewers) || viewers < 1) throw new RangeError(`viewers must be a positive integer, got ${viewers}`);
  if (!(periodEnd > periodStart)) throw new RangeError("periodEnd must be after periodStart");
  const sizes = audienceSizes(rows, films);
  const largest = sizes.reduce((max, n) => Math.max(max, n), 0);
  if (largest > viewers) {
    throw new RangeError(
      `the most popular film would need ${largest} distinct viewers but there are only ${viewers}: raise --viewers or --films`,
    );
  }
  const viewerStep = coprimeStep(viewers);
  const batchRows = options.batchRows ?? 100_000;
  let written = 0;
  for (let rank = 0; rank < films;) {
    // A batch of whole films: each film's audience is written by one statement.
    const ids: string[] = [];
    const audiences: number[] = [];
    const firstViewers: number[] = [];
    let batch = 0;
    for (; rank < films && (batch === 0 || batch + sizes[rank] <= batchRows); rank++) {
      if (sizes[rank] === 0) continue;
      ids.push(filmIdOfRank(rank, films).toString());
      audiences.push(sizes[rank]);
      // Audiences start at different viewers, so the popular films' audiences are not one crowd.
      firstViewers.push(Number((BigInt(rank) * 2_654_435_761n) % BigInt(viewers)));
      batch += sizes[rank];
    }
    if (batch === 0) continue;
    await db.query(
      `INSERT INTO view_counters (period, viewer, film_id, seconds, seconds_subscription, seconds_pass,
                                  seconds_owner, seconds_free, view_counted, view_entitlement,
                                  last_entitlement, updated_at)
       SELECT $1, ${VIEWER_ADDRESS_SQL("v")}, film, s,
              CASE WHEN e = 'subscription' THEN s ELSE 0 END, CASE WHEN e = 'pass' THEN s ELSE 0 END,
              CASE WHEN e = 'owner' THEN s ELSE 0 END, CASE WHEN e = 'free' THEN s ELSE 0 END,
              s >= $7, CASE WHEN s >= $7 THEN e END, e,
              $8::bigint + (h & 1099511627775) % ($9::bigint - $8::bigint)
       FROM unnest($2::numeric[], $3::int[], $4::bigint[]) AS f(film, audience, first_viewer),
            generate_series(0, audience - 1) AS t,
            LATERAL (SELECT (first_viewer + t::bigint * $5) % $6 AS v) AS viewer,
            LATERAL (SELECT hashint8extended(v, film::bigint) AS h) AS hashed,
            LATERAL (SELECT
              -- 12 in 16 rows are subscription watching, the rest passes, owners and free films.
              (ARRAY['subscription', 'subscription', 'subscription', 'subscription', 'subscription',
                     'subscription', 'subscription', 'subscription', 'subscription', 'subscription',
                     'subscription', 'subscription', 'pass', 'pass', 'owner', 'free'])[1 + ((h >> 40) & 15)] AS e,
              -- Squared: most sessions are short (many never pass the view threshold), a few are whole films.
              floor(${MAX_WATCH_SECONDS} * power(((h >> 44) & 1048575) / 1048576.0, 2))::bigint AS s
            ) AS watched`,
      [period, ids, audiences, firstViewers, viewerStep, viewers, VIEW_THRESHOLD_MAX_SECONDS, periodStart, periodEnd],
    );
    written += batch;
    options.onProgress?.(written);
  }
  return written;
}

/** A step through 0..n-1 that visits every number once (coprime with n), far from 1 so neighbours scatter. */
function coprimeStep(n: number): number {
  let step = Math.max(1, Math.floor(n * 0.618_033_988_7));
  while (gcd(step, n) !== 1) step++;
  return step;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
