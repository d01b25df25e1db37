/**
 * The catalogue: trending this period (ranked by the audience's unique views, then watch time,
 * from the ledger), new releases, and search / filters as plain GET parameters, so the page is
 * fully server-rendered and works before any JavaScript arrives. A signed-in viewer also gets
 * their own rows first: "Continue watching" (films left part-way) and their watchlist.
 */
import Link from "next/link";
import { FilmCard } from "@/components/FilmCard";
import { COMMUNITY_STRINGS } from "@/components/communityStrings";
import { VIEWER_STRINGS } from "@/components/viewerStrings";
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
    failure = "The catalogue is not available right now. Is the chain running? Try again in a moment.";
  }

  return (
    <div className="catalogue">
      <form className="filters" action="/" method="get" role="search" data-testid="catalogue-filters">
        <input
          type="search"
          name="q"
          defaultValue={q}
          placeholder="Search by title or creator"
          aria-label="Search by title or creator"
          data-testid="search-input"
        />
        <select name="genre" defaultValue={genre ?? ""} aria-label="Genre" data-testid="genre-filter">
          <option value="">All genres</option>
          {genreList.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
        <select name="tool" defaultValue={tool ?? ""} aria-label="AI tool" data-testid="tool-filter">
          <option value="">Any AI tool</option>
          {toolList.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <button className="btn btn-secondary" type="submit" data-testid="search-submit">
          Search
        </button>
        {filtering && (
          <Link href="/" className="link">
            Clear
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
          title={`Results${q ? ` for “${q}”` : ""}`}
          films={results}
          testId="results"
          empty="No films match. Try another search or filter."
        />
      ) : (
        <>
          {mine && mine.continueWatching.length > 0 && (
            <Row title={VIEWER_STRINGS.continueWatching} films={mine.continueWatching} testId="continue-watching" priority />
          )}
          {mine && mine.watchlist.length > 0 && <Row title={VIEWER_STRINGS.watchlist} films={mine.watchlist} testId="watchlist" />}
          {followed.length > 0 && <Row title={COMMUNITY_STRINGS.fromFollowed} films={followed} testId="from-followed" />}
          {trending.length > 0 && <Row title="Trending this month" films={trending} testId="trending" priority />}
          <Row
            title="New releases"
            films={fresh}
            testId="new-releases"
            priority={trending.length === 0}
            empty={failure ? undefined : "No films yet. Creators' films appear here as soon as they are minted."}
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
