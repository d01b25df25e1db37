/** One film in a catalogue row: poster, title, creator, duration, price. A server component. */
import Link from "next/link";
import type { FilmSummary } from "@/lib/server/catalog";
import { formatDollars, formatDuration, gatewayUrl } from "@/lib/format";
import { CreatorLabel } from "./CreatorLabel";

export function FilmCard({ film, priority = false }: { film: FilmSummary; priority?: boolean }) {
  const poster = gatewayUrl(film.posterUri);
  return (
    <Link href={`/films/${film.filmId}`} className="film-card" data-testid="film-card" data-film-id={film.filmId}>
      <div className="film-poster">
        {poster ? (
          // Posters come from our own immutable gateway and are already sized by the pipeline.
          // eslint-disable-next-line @next/next/no-img-element
          <img
            src={poster}
            alt=""
            loading={priority ? "eager" : "lazy"}
            fetchPriority={priority ? "high" : "auto"}
            width={320}
            height={180}
          />
        ) : (
          <div className="film-poster-empty" aria-hidden>
            {film.title.slice(0, 1)}
          </div>
        )}
        <span className="film-duration">{formatDuration(film.durationSeconds)}</span>
      </div>
      <div className="film-meta">
        <h3 className="film-title" data-testid="film-title">
          {film.title}
        </h3>
        <p className="film-creator" data-testid="film-card-creator">
          <CreatorLabel address={film.creator} name={film.creatorName} avatarCid={film.creatorAvatar} link={false} />
        </p>
        <p className="film-facts">
          <span className="film-price" data-testid="film-price">
            {formatDollars(film.pricePerView, { free: true })}
          </span>
          {film.genre && <span className="chip">{film.genre}</span>}
        </p>
      </div>
    </Link>
  );
}
