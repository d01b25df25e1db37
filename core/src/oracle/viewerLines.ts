// The tally's second Merkle tree: one line per (viewer, film) the period counted — the wallet, the
// film, its counted seconds, whether it made a view — each with a secret salt, so each viewer can
// check their own lines against the root the public tally file commits to, while the file itself
// says nothing about who watched what. The salts come from the operator's viewer-salt key
// (HMAC-SHA256 over the line's place: chain, market, period, revision, viewer, film), so the same
// ledger gives the same root on every run and every operator holding the key; the lines, salts and
// proofs go to the platform's database (viewer_tally_lines), from which /api/account/counts serves
// each signed-in wallet its own lines and nobody else's.
import { createHmac, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Hex } from "viem";
import type { Queryable } from "../db/index.ts";
import type { ViewerFilmCount } from "../domain/split.ts";
import { OracleError } from "./errors.ts";
import { proofFromTree, standardTreeDump } from "./merkleTree.ts";
import { VIEWER_LEAF_ENCODING, viewerLeafValue, type ViewerLineProof } from "./viewerProof.ts";
import { DEFAULT_ORACLE_DIR } from "./workdir.ts";

const ZERO_ROOT: Hex = `0x${"00".repeat(32)}`;
const SALT_LABEL = "ai-films-viewer-salt/1";
export const VIEWER_SALT_DERIVATION = `HMAC-SHA256(operator's viewer-salt key, "${SALT_LABEL}:chainId:market:period:revision:viewer:filmId")`;

/** What the public tally file says of the viewer tree: its root and sums, never a line. */
export interface ViewerSummary {
  root: Hex;
  /** How many (viewer, film) lines the tree holds. */
  lines: number;
  /** The lines' sums: unique views and counted seconds before any split method's weighting. */
  views: string;
  seconds: string;
  leafEncoding: string[];
  salt: string;
}

export interface ViewerCommitment {
  summary: ViewerSummary;
  /** Every line with its salt and proof: private, for the platform's database only. */
  lines: ViewerLineProof[];
}

export interface LinePlace {
  chainId: number;
  market: string;
  period: number;
  revision: number;
}

/** A line's salt: 32 bytes only the key's holders (and, handed over, the line's viewer) know. */
export function viewerSalt(key: Uint8Array, place: LinePlace, viewer: string, filmId: bigint): Hex {
  const message = [SALT_LABEL, place.chainId, place.market.toLowerCase(), place.period, place.revision, viewer.toLowerCase(), filmId].join(
    ":",
  );
  return `0x${createHmac("sha256", key).update(message).digest("hex")}`;
}

/** The viewer tree of a period's counted lines (sorted like viewerFilmCounts), with every line's proof. */
export function commitViewerLines(counts: readonly ViewerFilmCount[], key: Uint8Array, place: LinePlace): ViewerCommitment {
  const lines = counts.map((c) => ({
    viewer: c.viewer.toLowerCase(),
    filmId: c.filmId.toString(),
    seconds: c.seconds.toString(),
    views: c.views.toString(),
    salt: viewerSalt(key, place, c.viewer, c.filmId),
  }));
  const summary = {
    lines: lines.length,
    views: counts.reduce((s, c) => s + c.views, 0n).toString(),
    seconds: counts.reduce((s, c) => s + c.seconds, 0n).toString(),
    leafEncoding: [...VIEWER_LEAF_ENCODING],
    salt: VIEWER_SALT_DERIVATION,
  };
  if (lines.length === 0) return { summary: { root: ZERO_ROOT, ...summary }, lines: [] };
  const dump = standardTreeDump(lines.map(viewerLeafValue), VIEWER_LEAF_ENCODING);
  return {
    summary: { root: dump.tree[0] as Hex, ...summary },
    lines: lines.map((line, i) => ({ ...line, proof: proofFromTree(dump.tree, dump.values[i].treeIndex) })),
  };
}

/**
 * The operator's viewer-salt key: ORACLE_VIEWER_SALT_KEY (64 hex digits; operators who recompute
 * each other's tallies share it), else `<oracle dir>/chain-<id>/viewer-salt.key`, created on first
 * use (readable by its owner only). Losing it changes no posted tally; it only means a re-tally of
 * an old period would get other salts.
 */
export async function viewerSaltKey(
  chainId: number,
  root = process.env.ORACLE_DIR ?? DEFAULT_ORACLE_DIR,
  /** false: an operator recomputing someone else's tally needs the shared key; a new one would only mismatch. */
  options: { create?: boolean } = {},
): Promise<Uint8Array> {
  const fromEnv = process.env.ORACLE_VIEWER_SALT_KEY?.trim();
  if (fromEnv) return parseKey(fromEnv, "ORACLE_VIEWER_SALT_KEY");
  const file = path.join(root, `chain-${chainId}`, "viewer-salt.key");
  try {
    return parseKey(await readFile(file, "utf8"), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (options.create === false) {
    throw new OracleError(
      `No viewer-salt key: set ORACLE_VIEWER_SALT_KEY to the key the operators share (64 hex digits), or copy it into ${file}.`,
    );
  }
  await mkdir(path.dirname(file), { recursive: true });
  try {
    // "wx": two operators starting at once cannot both write; the loser reads the winner's key.
    await writeFile(file, randomBytes(32).toString("hex") + "\n", { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return parseKey(await readFile(file, "utf8"), file);
}

function parseKey(text: string, source: string): Uint8Array {
  const hex = text.trim().replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new OracleError(`${source} must hold a 32-byte key as 64 hex digits.`);
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/**
 * Keeps a tally's lines where the web server reads them, keyed by the tally's film root (what the
 * chain posts) and its viewer root. Idempotent: rerunning the same tally adds nothing.
 */
export async function storeViewerLines(db: Queryable, period: number, tallyRoot: Hex, commitment: ViewerCommitment): Promise<void> {
  const { root } = commitment.summary;
  const BATCH = 1_000;
  for (let i = 0; i < commitment.lines.length; i += BATCH) {
    const batch = commitment.lines.slice(i, i + BATCH);
    await db.query(
      `INSERT INTO viewer_tally_lines (period, tally_root, viewer_root, viewer, film_id, seconds, views, salt, proof)
       SELECT $1, $2, $3, v, f, s, w, salt, proof
       FROM unnest($4::text[], $5::numeric[], $6::numeric[], $7::smallint[], $8::text[], $9::text[]) AS t(v, f, s, w, salt, proof)
       ON CONFLICT DO NOTHING`,
      [
        period,
        tallyRoot.toLowerCase(),
        root.toLowerCase(),
        batch.map((l) => l.viewer),
        batch.map((l) => l.filmId),
        batch.map((l) => l.seconds),
        batch.map((l) => Number(l.views)),
        batch.map((l) => l.salt),
        batch.map((l) => l.proof.join(",")),
      ],
    );
  }
}

/** A settled period's lines of one viewer, with the posted tally they belong to. */
export interface ViewerPeriodCounts {
  period: number;
  /** The posted tally: its film root (on-chain), the CID of its file, when claims open. */
  root: Hex;
  dataCid: string;
  /** The block of its TallyPosted event, where the CID can be read from the chain. */
  block: number;
  claimableAt: number;
  lines: (ViewerLineProof & { viewerRoot: Hex; title: string | null })[];
}

/**
 * The lines of `viewer` in periods whose latest posted tally is not disputed, newest period first
 * (one period with `period`). Lines of a tally that was replaced or never posted are left out.
 */
export async function viewerCountsOf(
  db: Queryable,
  viewer: string,
  options: { period?: number; periods?: number } = {},
): Promise<ViewerPeriodCounts[]> {
  const params: unknown[] = [viewer.toLowerCase(), options.periods ?? 12];
  if (options.period !== undefined) params.push(options.period);
  const rows = await db.query<{
    period: string;
    root: string;
    data_cid: string;
    claimable_at: string;
    block: string;
    viewer_root: string;
    viewer: string;
    film_id: string;
    seconds: string;
    views: number;
    salt: string;
    proof: string;
    title: string | null;
  }>(
    `WITH latest AS (
       SELECT DISTINCT ON (period) period, root, data_cid, claimable_at, status, block_number
       FROM tallies ORDER BY period, block_number DESC, log_index DESC
     ), mine AS (
       SELECT p.period FROM latest p
       WHERE p.status = 'posted' ${options.period !== undefined ? "AND p.period = $3" : ""}
         AND EXISTS (SELECT 1 FROM viewer_tally_lines l WHERE l.viewer = $1 AND l.period = p.period AND l.tally_root = lower(p.root))
       ORDER BY p.period DESC LIMIT $2
     )
     SELECT l.period::text AS period, p.root, p.data_cid, p.claimable_at::text AS claimable_at, p.block_number::text AS block, l.viewer_root, l.viewer,
            l.film_id::text AS film_id, l.seconds::text AS seconds, l.views::int AS views, l.salt, l.proof, f.title
     FROM mine m
     JOIN latest p ON p.period = m.period
     JOIN viewer_tally_lines l ON l.period = p.period AND l.tally_root = lower(p.root) AND l.viewer = $1
     LEFT JOIN films f ON f.film_id = l.film_id
     ORDER BY l.period DESC, l.film_id, l.viewer_root`,
    params,
  );
  const periods = new Map<number, ViewerPeriodCounts>();
  for (const row of rows) {
    const period = Number(row.period);
    let entry = periods.get(period);
    if (!entry) {
      entry = {
        period,
        root: row.root as Hex,
        dataCid: row.data_cid,
        block: Number(row.block),
        claimableAt: Number(row.claimable_at),
        lines: [],
      };
      periods.set(period, entry);
    }
    entry.lines.push({
      viewer: row.viewer,
      filmId: row.film_id,
      seconds: row.seconds,
      views: String(row.views),
      salt: row.salt as Hex,
      proof: row.proof ? (row.proof.split(",") as Hex[]) : [],
      viewerRoot: row.viewer_root as Hex,
      title: row.title,
    });
  }
  return [...periods.values()];
}
