/**
 * Collaborator splits (film_splits, film_split_payees; migration 017): a split film's splitter,
 * its payees and their shares, and the split films an address controls or is paid by. What each
 * payee can withdraw right now is on-chain (FilmSplitter.releasable), read by the page itself.
 */
import type { Queryable } from "../../db/index.ts";
import { address, filmIdText } from "./shared.ts";

export interface SplitPayee {
  payee: string;
  /** The payee's shares out of `totalShares` (decimal string). */
  shares: string;
}

export interface FilmSplit {
  filmId: string;
  splitter: string;
  /** The creator who split the film (may set its price and pause its sales through the splitter). */
  controller: string;
  totalShares: string;
  /** In the order the creator listed them. */
  payees: SplitPayee[];
}

export interface SplitFilm extends FilmSplit {
  title: string | null;
}

async function payeesOf(db: Queryable, filmIds: string[]): Promise<Map<string, SplitPayee[]>> {
  const byFilm = new Map<string, SplitPayee[]>();
  if (filmIds.length === 0) return byFilm;
  const rows = await db.query<{ film_id: string; payee: string; shares: string }>(
    `SELECT film_id::text, payee, shares::text FROM film_split_payees WHERE film_id = ANY($1::numeric[]) ORDER BY film_id, position`,
    [filmIds],
  );
  for (const r of rows) byFilm.set(r.film_id, [...(byFilm.get(r.film_id) ?? []), { payee: r.payee, shares: r.shares }]);
  return byFilm;
}

type SplitRow = { film_id: string; splitter: string; controller: string; total_shares: string; title: string | null };

async function withPayees(db: Queryable, rows: SplitRow[]): Promise<SplitFilm[]> {
  const payees = await payeesOf(
    db,
    rows.map((r) => r.film_id),
  );
  return rows.map((r) => ({
    filmId: r.film_id,
    splitter: r.splitter,
    controller: r.controller,
    totalShares: r.total_shares,
    title: r.title,
    payees: payees.get(r.film_id) ?? [],
  }));
}

const SPLIT_COLUMNS = `s.film_id::text, s.splitter, s.controller, s.total_shares::text, f.title`;

/** The split of `filmId`, or null when the film is not split (or unknown). */
export async function filmSplit(db: Queryable, filmId: string | number | bigint): Promise<SplitFilm | null> {
  const id = filmIdText(filmId);
  if (id === null) return null;
  const rows = await db.query<SplitRow>(
    `SELECT ${SPLIT_COLUMNS} FROM film_splits s LEFT JOIN films f ON f.film_id = s.film_id WHERE s.film_id = $1`,
    [id],
  );
  return (await withPayees(db, rows))[0] ?? null;
}

/** Split films `account` controls or is a payee of, newest first (at most `limit`). */
export async function splitFilmsOf(db: Queryable, account: string, limit = 100): Promise<SplitFilm[]> {
  const who = address(account, "account");
  const rows = await db.query<SplitRow>(
    `SELECT ${SPLIT_COLUMNS} FROM film_splits s LEFT JOIN films f ON f.film_id = s.film_id
     WHERE s.controller = $1 OR EXISTS (SELECT 1 FROM film_split_payees p WHERE p.film_id = s.film_id AND p.payee = $1)
     ORDER BY s.film_id DESC LIMIT $2`,
    [who, limit],
  );
  return withPayees(db, rows);
}
