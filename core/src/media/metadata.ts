/**
 * The listing's metadata: the ERC-721 metadata JSON the creator mints with (tokenURI =
 * ipfs://<metadataCid>). Marketplaces read name/description/image/animation_url; our app also
 * reads `properties` (duration, genre, AI tools, renditions, preview, and either the AES key id
 * or, for a film transcoded by Livepeer Studio, `livepeer: { playbackId, assetId }`).
 *
 * Text from the creator is validated and normalised here (lengths, Unicode NFC, no control
 * characters) but never sanitised: "<script>" in a title stays those eight characters. The JSON is
 * data, not HTML, and every renderer must escape it; rewriting it here would only corrupt
 * legitimate titles ("Tom & Jerry <3") while giving a false sense of safety.
 *
 * Serialisation is deterministic (fixed key order, no timestamps), so the same film and text give
 * the same metadata CID.
 */
import { z } from "zod";
import { AGE_RATINGS, type AgeRating } from "../domain/moderation.ts";
import { MediaError } from "./errors.ts";

// C0/C1 controls (Unicode category Cc) except tab and newline: invisible, and able to break logs and terminals.
const CONTROL = /(?![\t\n])\p{Cc}/gu;

const singleLine = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize("NFC").replace(CONTROL, "").replace(/\s+/g, " ").trim())
    .pipe(z.string().max(max, `must be at most ${max} characters`));

export const ListingInput = z.object({
  title: singleLine(200).pipe(z.string().min(1, "is required")),
  description: z
    .string()
    .transform((s) => s.normalize("NFC").replace(CONTROL, "").replace(/\r\n?/g, "\n").trim())
    .pipe(z.string().max(5000, "must be at most 5000 characters"))
    .default(""),
  genre: singleLine(64).default(""),
  aiTools: z
    .array(singleLine(64).pipe(z.string().min(1, "must not be empty")))
    .max(20, "must list at most 20 tools")
    .default([]),
  /** "all", "12", "16" or "18"; absent: the film is unrated (every film minted before ratings). */
  ageRating: z.enum(AGE_RATINGS, { message: 'must be one of "all", "12", "16", "18"' }).optional(),
});

export type ListingInputRaw = z.input<typeof ListingInput>;
export type Listing = z.output<typeof ListingInput>;

/** Validates creator input; INVALID_METADATA naming the first bad field otherwise. */
export function parseListing(input: unknown): Listing {
  const parsed = ListingInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join(".") || "metadata";
    throw new MediaError("INVALID_METADATA", `The ${field} ${issue.message}.`);
  }
  return parsed.data;
}

export interface FilmFacts {
  hlsCid: string;
  durationSeconds: number;
  /** Heights (rung) of the renditions, highest first. */
  renditions: number[];
  previewSeconds: number;
  /** The local path: the full film is AES-128 HLS under hlsCid, keyed by this id. */
  keyId?: string;
  /**
   * The Livepeer path: the full film plays from Livepeer under a JWT playback policy, and hlsCid
   * holds only the poster and the free preview. `ipfsCid` is Livepeer's IPFS export, which holds
   * the original uploaded file (free films only).
   */
  livepeer?: LivepeerFacts;
  /** Caption tracks (WebVTT renditions in the master playlists), and dubs (encrypted audio renditions). */
  captions?: CaptionFacts[];
  audioTracks?: AudioTrackFacts[];
}

export interface AudioTrackFacts {
  language: string;
  label: string;
}

export interface CaptionFacts extends AudioTrackFacts {
  /** The subtitle playlist relative to master.m3u8 (and to preview/master.m3u8, which carries it too). */
  playlist: string;
}

export interface LivepeerFacts {
  playbackId: string;
  assetId: string;
  ipfsCid?: string;
}

export interface FilmMetadata {
  name: string;
  description: string;
  image: string;
  animation_url: string;
  attributes: Array<{ trait_type: string; value: string | number; display_type?: string }>;
  properties: {
    durationSeconds: number;
    genre: string;
    aiTools: string[];
    /** Present only when the creator rated the film (unrated films keep their metadata bytes). */
    ageRating?: AgeRating;
    renditions: number[];
    previewSeconds: number;
    preview: string;
    /** Local path only. */
    encryption?: "AES-128";
    keyId?: string;
    /** Livepeer path only. */
    livepeer?: LivepeerFacts;
    /** Present only when the film has them (so films without them keep their metadata bytes). */
    captions?: CaptionFacts[];
    audioTracks?: AudioTrackFacts[];
  };
}

export function buildMetadata(listing: Listing, film: FilmFacts): FilmMetadata {
  if ((film.keyId === undefined) === (film.livepeer === undefined)) {
    throw new MediaError("INTERNAL", "A film is either AES-encrypted (keyId) or played from Livepeer, not both or neither.");
  }
  const root = `ipfs://${film.hlsCid}`;
  const preview = `${root}/preview/master.m3u8`;
  const durationSeconds = Math.round(film.durationSeconds * 1000) / 1000;
  const attributes: FilmMetadata["attributes"] = [
    { trait_type: "Duration (s)", value: Math.round(durationSeconds), display_type: "number" },
  ];
  if (listing.genre) attributes.push({ trait_type: "Genre", value: listing.genre });
  for (const tool of listing.aiTools) attributes.push({ trait_type: "AI tool", value: tool });
  if (listing.ageRating) attributes.push({ trait_type: "Age rating", value: listing.ageRating });
  return {
    name: listing.title,
    description: listing.description,
    image: `${root}/poster.jpg`,
    // On the Livepeer path the directory holds no full film: marketplaces get the public preview.
    animation_url: film.livepeer ? preview : `${root}/master.m3u8`,
    attributes,
    properties: {
      durationSeconds,
      genre: listing.genre,
      aiTools: listing.aiTools,
      ...(listing.ageRating ? { ageRating: listing.ageRating } : {}),
      renditions: film.renditions,
      previewSeconds: film.previewSeconds,
      preview,
      ...(film.livepeer
        ? {
            livepeer: {
              playbackId: film.livepeer.playbackId,
              assetId: film.livepeer.assetId,
              ...(film.livepeer.ipfsCid ? { ipfsCid: film.livepeer.ipfsCid } : {}),
            },
          }
        : { encryption: "AES-128" as const, keyId: film.keyId }),
      ...(film.captions?.length
        ? { captions: film.captions.map((c) => ({ language: c.language, label: c.label, playlist: c.playlist })) }
        : {}),
      ...(film.audioTracks?.length ? { audioTracks: film.audioTracks.map((a) => ({ language: a.language, label: a.label })) } : {}),
    },
  };
}

/** The exact bytes added to IPFS: stable key order, two-space indent, trailing newline. */
export function serializeMetadata(metadata: FilmMetadata): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(metadata, null, 2) + "\n");
}
