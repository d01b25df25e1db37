/**
 * Reports and moderation (tables of migration 016): viewers report films; guardians (wallets with
 * the market's GUARDIAN_ROLE, checked by the caller) hide a film from this front-end's catalogue
 * with a public reason, unhide it, or dismiss its reports. Every decision is kept, with who, when
 * and why, and is public. Hiding only changes what this platform lists (shared.ts's
 * CATALOGUE_VISIBLE): the listing stays on-chain and other front-ends decide for themselves.
 *
 * Also the viewer's age limit (viewer_settings), which the catalogue's queries take as an option.
 */
import type { Database, Queryable } from "../../db/index.ts";
import {
  MAX_MODERATION_REASON,
  MAX_REPORT_TEXT,
  ageOfRating,
  hasControlCharacters,
  isAgeRating,
  isReportReason,
  ratingOfAge,
  type AgeRating,
  type ReportReason,
} from "../../domain/moderation.ts";
import { QueryInputError, address, displayTitle, filmIdText } from "./shared.ts";

export type ReportOutcome = "filed" | "already-open" | "unknown-film";

export interface NewReport {
  filmId: string | bigint;
  reporter: string;
  reason: ReportReason;
  details?: string;
  nowSeconds: number;
}

function filmId(value: string | bigint): string {
  const id = filmIdText(value);
  if (id === null) throw new QueryInputError("filmId must be a positive integer");
  return id;
}

function checkedText(value: string, field: string, max: number, { multiline }: { multiline: boolean }): string {
  const text = value.normalize("NFC").trim();
  if (text.length > max) throw new QueryInputError(`${field} must be at most ${max} characters`);
  if (hasControlCharacters(text, { multiline })) throw new QueryInputError(`${field} must not contain control characters`);
  return text;
}

const unixSeconds = (value: number) => {
  if (!Number.isSafeInteger(value) || value < 0) throw new QueryInputError("nowSeconds must be integer unix seconds");
  return value;
};

/** Files a viewer's report. One open report per wallet and film: a second is "already-open". */
export async function fileReport(db: Queryable, report: NewReport): Promise<ReportOutcome> {
  const id = filmId(report.filmId);
  const reporter = address(report.reporter, "reporter");
  if (!isReportReason(report.reason)) throw new QueryInputError("reason is not one of the report reasons");
  const details = checkedText(report.details ?? "", "details", MAX_REPORT_TEXT, { multiline: true });
  const [known] = await db.query<{ known: boolean }>("SELECT EXISTS (SELECT 1 FROM films WHERE film_id = $1) AS known", [id]);
  if (!known.known) return "unknown-film";
  // The partial unique index (one open report per wallet and film) decides under concurrency.
  const inserted = await db.query(
    `INSERT INTO film_reports (film_id, reporter, reason, details, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (film_id, reporter) WHERE closed_at IS NULL DO NOTHING RETURNING report_id`,
    [id, reporter, report.reason, details, unixSeconds(report.nowSeconds)],
  );
  return inserted.length > 0 ? "filed" : "already-open";
}

/** Whether this wallet has an open report on the film (the film page then says so instead of offering the form). */
export async function hasOpenReport(db: Queryable, reporter: string, film: string | bigint): Promise<boolean> {
  const rows = await db.query("SELECT 1 FROM film_reports WHERE film_id = $1 AND reporter = $2 AND closed_at IS NULL", [
    filmId(film),
    address(reporter, "reporter"),
  ]);
  return rows.length > 0;
}

export interface ReportEntry {
  reporter: string;
  reason: ReportReason;
  details: string;
  createdAt: number;
}

export interface ReportedFilm {
  filmId: string;
  title: string;
  creator: string;
  /** Open reports in all, and by reason. */
  count: number;
  byReason: Partial<Record<ReportReason, number>>;
  /** The most recent open reports (at most 20). */
  reports: ReportEntry[];
  latestAt: number;
  /** Set when the film is hidden already (reports filed after hiding stay open until dismissed). */
  hidden: { reason: string; guardian: string; decidedAt: number } | null;
}

/** Films with open reports, most reported first (then most recent), for the guardians' page. */
export async function openReports(db: Queryable, options: { limit?: number } = {}): Promise<ReportedFilm[]> {
  const limit = Math.min(Math.max(1, options.limit ?? 100), 500);
  const films = await db.query<{
    film_id: string;
    title: string | null;
    creator: string | null;
    count: string;
    latest_at: string;
    hidden_reason: string | null;
    hidden_by: string | null;
    hidden_at: string | null;
  }>(
    `SELECT r.film_id::text AS film_id, f.title, f.creator, count(*)::text AS count, max(r.created_at)::text AS latest_at,
            d.reason AS hidden_reason, d.guardian AS hidden_by, d.decided_at::text AS hidden_at
     FROM film_reports r
     LEFT JOIN films f ON f.film_id = r.film_id
     LEFT JOIN hidden_films h ON h.film_id = r.film_id
     LEFT JOIN moderation_decisions d ON d.decision_id = h.decision_id
     WHERE r.closed_at IS NULL
     GROUP BY r.film_id, f.title, f.creator, d.reason, d.guardian, d.decided_at
     ORDER BY count(*) DESC, max(r.created_at) DESC, r.film_id
     LIMIT $1`,
    [limit],
  );
  if (films.length === 0) return [];
  const ids = films.map((f) => f.film_id);
  const reports = await db.query<{
    film_id: string;
    reporter: string;
    reason: ReportReason;
    details: string;
    created_at: string;
    rank: string;
  }>(
    `SELECT * FROM (
       SELECT film_id::text AS film_id, reporter, reason, details, created_at::text AS created_at,
              row_number() OVER (PARTITION BY film_id ORDER BY created_at DESC, report_id DESC) AS rank
       FROM film_reports WHERE closed_at IS NULL AND film_id = ANY($1::numeric[])) r
     WHERE rank <= 20 ORDER BY film_id, rank`,
    [ids],
  );
  const counts = await db.query<{ film_id: string; reason: ReportReason; count: string }>(
    `SELECT film_id::text AS film_id, reason, count(*)::text AS count FROM film_reports
     WHERE closed_at IS NULL AND film_id = ANY($1::numeric[]) GROUP BY film_id, reason`,
    [ids],
  );
  return films.map((f) => ({
    filmId: f.film_id,
    title: displayTitle(f.title, f.film_id),
    creator: f.creator ?? "",
    count: Number(f.count),
    byReason: Object.fromEntries(counts.filter((c) => c.film_id === f.film_id).map((c) => [c.reason, Number(c.count)])),
    reports: reports
      .filter((r) => r.film_id === f.film_id)
      .map((r) => ({ reporter: r.reporter, reason: r.reason, details: r.details, createdAt: Number(r.created_at) })),
    latestAt: Number(f.latest_at),
    hidden:
      f.hidden_reason !== null && f.hidden_by !== null
        ? { reason: f.hidden_reason, guardian: f.hidden_by, decidedAt: Number(f.hidden_at) }
        : null,
  }));
}

export type ModerationAction = "hide" | "unhide" | "dismiss";

export interface ModerationDecision {
  decisionId: string;
  filmId: string;
  action: ModerationAction;
  guardian: string;
  reason: string;
  decidedAt: number;
}

export type ModerationOutcome = { decision: ModerationDecision; closedReports: number } | "unknown-film" | "not-hidden";

/**
 * A guardian's decision, in one transaction: logged, then applied. "hide" hides the film (again,
 * with the new reason, if it was hidden) and closes its open reports as hidden; "unhide" lists it
 * again ("not-hidden" if it was not hidden); "dismiss" closes its open reports and leaves it listed.
 * The caller has checked that `guardian` holds the role.
 */
export async function moderateFilm(
  db: Database,
  input: { filmId: string | bigint; guardian: string; action: ModerationAction; reason: string; nowSeconds: number },
): Promise<ModerationOutcome> {
  const id = filmId(input.filmId);
  const guardian = address(input.guardian, "guardian");
  if (!["hide", "unhide", "dismiss"].includes(input.action)) throw new QueryInputError('action must be "hide", "unhide" or "dismiss"');
  const reason = checkedText(input.reason, "reason", MAX_MODERATION_REASON, { multiline: false });
  if (reason === "") throw new QueryInputError("reason is required: decisions are public and say why");
  const now = unixSeconds(input.nowSeconds);
  return db.transaction(async (tx) => {
    const [state] = await tx.query<{ known: boolean; hidden: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM films WHERE film_id = $1) AS known, EXISTS (SELECT 1 FROM hidden_films WHERE film_id = $1) AS hidden`,
      [id],
    );
    if (!state.known) return "unknown-film";
    if (input.action === "unhide" && !state.hidden) return "not-hidden";
    const [row] = await tx.query<{ decision_id: string }>(
      `INSERT INTO moderation_decisions (film_id, action, guardian, reason, decided_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING decision_id::text AS decision_id`,
      [id, input.action, guardian, reason, now],
    );
    let closedReports = 0;
    if (input.action === "hide") {
      await tx.query(
        `INSERT INTO hidden_films (film_id, decision_id) VALUES ($1, $2)
         ON CONFLICT (film_id) DO UPDATE SET decision_id = EXCLUDED.decision_id`,
        [id, row.decision_id],
      );
    } else if (input.action === "unhide") {
      await tx.query("DELETE FROM hidden_films WHERE film_id = $1", [id]);
    }
    if (input.action !== "unhide") {
      const closed = await tx.query(
        `UPDATE film_reports SET closed_at = $2, resolution = $3 WHERE film_id = $1 AND closed_at IS NULL RETURNING report_id`,
        [id, now, input.action === "hide" ? "hidden" : "dismissed"],
      );
      closedReports = closed.length;
    }
    return {
      decision: { decisionId: row.decision_id, filmId: id, action: input.action, guardian, reason, decidedAt: now },
      closedReports,
    };
  });
}

/** The public log of decisions, newest first; for one film when `filmId` is given. */
export async function moderationLog(
  db: Queryable,
  options: { filmId?: string | bigint; limit?: number } = {},
): Promise<(ModerationDecision & { title: string })[]> {
  const limit = Math.min(Math.max(1, options.limit ?? 50), 500);
  const params: unknown[] = [limit];
  let where = "";
  if (options.filmId !== undefined) {
    params.push(filmId(options.filmId));
    where = "WHERE d.film_id = $2";
  }
  const rows = await db.query<{
    decision_id: string;
    film_id: string;
    action: ModerationAction;
    guardian: string;
    reason: string;
    decided_at: string;
    title: string | null;
  }>(
    `SELECT d.decision_id::text AS decision_id, d.film_id::text AS film_id, d.action, d.guardian, d.reason,
            d.decided_at::text AS decided_at, f.title
     FROM moderation_decisions d LEFT JOIN films f ON f.film_id = d.film_id
     ${where} ORDER BY d.decision_id DESC LIMIT $1`,
    params,
  );
  return rows.map((r) => ({
    decisionId: r.decision_id,
    filmId: r.film_id,
    action: r.action,
    guardian: r.guardian,
    reason: r.reason,
    decidedAt: Number(r.decided_at),
    title: displayTitle(r.title, r.film_id),
  }));
}

/** Films hidden now, most recently hidden first (the moderation page offers to unhide them). */
export async function hiddenFilms(db: Queryable): Promise<(ModerationDecision & { title: string })[]> {
  const rows = await db.query<{
    decision_id: string;
    film_id: string;
    guardian: string;
    reason: string;
    decided_at: string;
    title: string | null;
  }>(
    `SELECT d.decision_id::text AS decision_id, h.film_id::text AS film_id, d.guardian, d.reason, d.decided_at::text AS decided_at, f.title
     FROM hidden_films h JOIN moderation_decisions d ON d.decision_id = h.decision_id LEFT JOIN films f ON f.film_id = h.film_id
     ORDER BY d.decision_id DESC LIMIT 500`,
  );
  return rows.map((r) => ({
    decisionId: r.decision_id,
    filmId: r.film_id,
    action: "hide" as const,
    guardian: r.guardian,
    reason: r.reason,
    decidedAt: Number(r.decided_at),
    title: displayTitle(r.title, r.film_id),
  }));
}

/** A signed-in viewer's stored age limit, or null when they never set one. */
export async function viewerAgeLimit(db: Queryable, viewer: string): Promise<AgeRating | null> {
  const rows = await db.query<{ max_age_rating: number }>("SELECT max_age_rating FROM viewer_settings WHERE viewer = $1", [
    address(viewer, "viewer"),
  ]);
  return rows.length === 0 ? null : ratingOfAge(Number(rows[0].max_age_rating));
}

export async function setViewerAgeLimit(db: Queryable, viewer: string, limit: AgeRating, nowSeconds: number): Promise<void> {
  if (!isAgeRating(limit)) throw new QueryInputError('maxAgeRating must be one of "all", "12", "16", "18"');
  await db.query(
    `INSERT INTO viewer_settings (viewer, max_age_rating, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (viewer) DO UPDATE SET max_age_rating = EXCLUDED.max_age_rating, updated_at = EXCLUDED.updated_at`,
    [address(viewer, "viewer"), ageOfRating(limit), unixSeconds(nowSeconds)],
  );
}
