/** One film in a catalogue row: poster, title, creator, duration, price. A server component. */
import { getImageProps } from "next/image";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import type { FilmSummary } from "@/lib/server/catalog";
import { formatDollars, formatDuration, gatewayUrl } from "@/lib/format";
import { CreatorLabel } from "./CreatorLabel";

/**
 * A card's poster through Next's image pipeline: AVIF/WebP at the card's widths (`sizes` follows
 * the grid: two columns on a phone, ~220–300 px cards above), so a phone downloads a few kB per
 * poster instead of the pipeline's full-size JPEG. Only our gateway's content-addressed paths are
 * optimised (next.config.ts `images.localPatterns`); a poster elsewhere is shown as it is.
 */
function posterProps(src: string, priority: boolean) {
  const { props } = getImageProps({
    src,
    alt: "",
    width: 320,
    height: 180,
    sizes: "(max-width: 640px) 50vw, 300px",
    loading: priority ? "eager" : "lazy",
    fetchPriority: priority ? "high" : "auto",
    unoptimized: !src.startsWith("/ipfs/"),
  });
  return props;
}

export function FilmCard({ film, priority = false }: { film: FilmSummary; priority?: boolean }) {
  const poster = gatewayUrl(film.posterUri);
  // next-intl's hooks work in this (synchronous) server component too.
  const t = useTranslations("common");
  const locale = useLocale();
  return (
    <Link href={`/films/${film.filmId}`} className="film-card" data-testid="film-card" data-film-id={film.filmId}>
      <div className="film-poster">
        {poster ? (
          // eslint-disable-next-line @next/next/no-img-element -- the props are next/image's (srcset, sizes), without its client code
          <img {...posterProps(poster, priority)} alt="" />
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
            {formatDollars(film.pricePerView, locale, { free: t("free") })}
          </span>
          {film.genre && <span className="chip">{film.genre}</span>}
        </p>
      </div>
    </Link>
  );
}
