/**
 * The catalogue: trending this period (ranked by the audience's unique views, then watch time,
 * from the ledger), new releases, and search / filters as plain GET parameters, so the page is
 * fully server-rendered and works before any JavaScript arrives. A signed-in viewer also gets
 * their own rows first: "Continue watching" (films left part-way) and their watchlist.
 */
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { FilmCard } from "@/components/FilmCard";
import { aiTools, genres, listFilms, type FilmSummary } from "@/lib/server/catalog";
import { followedFilms } from "@/lib/server/community";
import { currentSession } from "@/lib/server/session";
import { viewerRows } from "@/lib/server/viewerRows";

export const dynamic = "force-dynamic";

type Search = { q?: string | string[]; genre?: string | string[]; tool?: string | string[] };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim().slice(0, 100) || undefined;

export default async function CataloguePage({ searchParams }: { searchParams: Promise<Search> }) {
  const params = await searchParams;
  const q = first(params.q);
  const genre = first(params.genre);
  const tool = first(params.tool);
  const filtering = Boolean(q || genre || tool);
  const t = await getTranslations("catalogue");

  let trending: FilmSummary[] = [];
  let fresh: FilmSummary[] = [];
  let results: FilmSummary[] = [];
  let genreList: string[] = [];
  let toolList: string[] = [];
  let failure: string | null = null;
  let mine: Awaited<ReturnType<typeof viewerRows>> | null = null;
  let followed: FilmSummary[] = [];
  const session = filtering ? null : await currentSession();
  if (session)
    [mine, followed] = await Promise.all([viewerRows(session.address).catch(() => null), followedFilms(session.address).catch(() => [])]);
  try {
    [genreList, toolList] = await Promise.all([genres(), aiTools()]);
    if (filtering) {
      results = await listFilms({ search: q, genre, aiTool: tool, sort: "trending", limit: 48 });
    } else {
      [trending, fresh] = await Promise.all([listFilms({ sort: "trending", limit: 12 }), listFilms({ sort: "new", limit: 12 })]);
      trending = trending.filter((f) => f.views > 0 || f.watchSeconds > 0);
    }
  } catch (error) {
    console.error("catalogue:", error);
    failure = t("unavailable");
  }

  return (
    <div className="catalogue">
      <form className="filters" action="/" method="get" role="search" data-testid="catalogue-filters">
        <input
          type="search"
          name="q"
          defaultValue={q}
          placeholder={t("filters.search")}
          aria-label={t("filters.search")}
          data-testid="search-input"
        />
        <select name="genre" defaultValue={genre ?? ""} aria-label={t("filters.genre")} data-testid="genre-filter">
          <option value="">{t("filters.allGenres")}</option>
          {genreList.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
        <select name="tool" defaultValue={tool ?? ""} aria-label={t("filters.tool")} data-testid="tool-filter">
          <option value="">{t("filters.anyTool")}</option>
          {toolList.map((aiTool) => (
            <option key={aiTool} value={aiTool}>
              {aiTool}
            </option>
          ))}
        </select>
        <button className="btn btn-secondary" type="submit" data-testid="search-submit">
          {t("filters.submit")}
        </button>
        {filtering && (
          <Link href="/" className="link">
            {t("filters.clear")}
          </Link>
        )}
      </form>

      {failure && (
        <p className="error" role="alert" data-testid="catalogue-error">
          {failure}
        </p>
      )}

      {filtering ? (
        <Row
          title={q ? t("rows.resultsFor", { query: q }) : t("rows.results")}
          films={results}
          testId="results"
          empty={t("rows.noResults")}
        />
      ) : (
        <>
          {mine && mine.continueWatching.length > 0 && (
            <Row title={t("rows.continueWatching")} films={mine.continueWatching} testId="continue-watching" priority />
          )}
          {mine && mine.watchlist.length > 0 && <Row title={t("rows.watchlist")} films={mine.watchlist} testId="watchlist" />}
          {followed.length > 0 && <Row title={t("rows.fromFollowed")} films={followed} testId="from-followed" />}
          {trending.length > 0 && <Row title={t("rows.trending")} films={trending} testId="trending" priority />}
          <Row
            title={t("rows.newReleases")}
            films={fresh}
            testId="new-releases"
            priority={trending.length === 0}
            empty={failure ? undefined : t("rows.noFilms")}
          />
        </>
      )}
    </div>
  );
}

function Row({
  title,
  films,
  testId,
  empty,
  priority = false,
}: {
  title: string;
  films: FilmSummary[];
  testId: string;
  empty?: string;
  priority?: boolean;
}) {
  return (
    <section className="row" data-testid={testId}>
      <h2>{title}</h2>
      {films.length === 0 ? (
        empty ? (
          <p className="muted" data-testid="catalogue-empty">
            {empty}
          </p>
        ) : null
      ) : (
        <div className="grid">
          {films.map((film, i) => (
            <FilmCard key={film.filmId} film={film} priority={priority && i < 4} />
          ))}
        </div>
      )}
    </section>
  );
}
