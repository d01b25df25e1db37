/** A creator's public page: their films in the catalogue and their totals, from the indexer. */
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isAddressFormat } from "@ai-films/core/domain";
import { FilmCard } from "@/components/FilmCard";
import { formatDollars, formatWatchTime, shortAddress } from "@/lib/format";
import { listFilms } from "@/lib/server/catalog";
import { creatorOverview } from "@/lib/server/studio";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ address: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { address } = await params;
  return { title: `Creator ${shortAddress(address)}` };
}

export default async function CreatorPage({ params }: Params) {
  const { address } = await params;
  if (!isAddressFormat(address)) notFound();
  let data: { films: Awaited<ReturnType<typeof listFilms>>; overview: Awaited<ReturnType<typeof creatorOverview>> } | null = null;
  try {
    const [films, overview] = await Promise.all([
      listFilms({ owner: address.toLowerCase(), sort: "new", limit: 200 }),
      creatorOverview(address),
    ]);
    data = { films, overview };
  } catch (error) {
    console.error("creator page:", error);
  }
  if (!data) {
    return (
      <div className="creator">
        <h1>Creator</h1>
        <p className="error" role="alert" data-testid="creator-error">
          This page can&apos;t be read right now. Try again shortly.
        </p>
      </div>
    );
  }
  const { films, overview } = data;
  const name = films.find((f) => f.creatorName)?.creatorName ?? null;
  return (
    <div className="creator" data-testid="creator-page" data-address={address.toLowerCase()}>
      <h1>{name ?? shortAddress(address)}</h1>
      <p className="muted mono">{address.toLowerCase()}</p>
      <dl className="stats" data-testid="creator-totals">
        <div>
          <dt>Films</dt>
          <dd data-testid="creator-film-count">{overview.films.length}</dd>
        </div>
        <div>
          <dt>Views</dt>
          <dd data-testid="creator-views">{overview.totals.views}</dd>
        </div>
        <div>
          <dt>Watch time</dt>
          <dd data-testid="creator-watch-time">{formatWatchTime(overview.totals.watchSeconds)}</dd>
        </div>
        <div>
          <dt>Earned</dt>
          <dd data-testid="creator-earnings">{formatDollars(overview.totals.earnings)}</dd>
        </div>
      </dl>
      <section className="row" data-testid="creator-films">
        <h2>Films</h2>
        {films.length === 0 ? (
          <p className="muted">No films in the catalogue{overview.films.length > 0 ? " right now (sales paused)" : ""}.</p>
        ) : (
          <div className="grid">
            {films.map((f, i) => (
              <FilmCard key={f.filmId} film={f} priority={i < 4} />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
