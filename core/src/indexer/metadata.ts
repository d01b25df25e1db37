/**
 * Listing metadata for the catalogue: the ERC-721 metadata JSON each listing was minted with
 * (`ipfs://<cid>`), fetched through an injected function, read into the films table. A fetch that
 * fails leaves the film "unavailable" with the reason and a retry time (backing off); content
 * behind a CID never changes, so JSON that is not listing metadata is "invalid" for good.
 *
 * The JSON is the media pipeline's (core/src/media/metadata.ts): name, description, image,
 * animation_url and `properties` (durationSeconds, genre, aiTools, renditions, previewSeconds,
 * preview, ageRating, and keyId — or livepeer.playbackId for a film Livepeer Studio serves). Text is stored
 * as written — every renderer escapes it — and bounded in length.
 */
import type { Queryable } from "../db/index.ts";
import { wallClock } from "./state.ts";
import { AiFilmsError, isAiFilmsError } from "../errors.ts";
import { ageOfRating, isAgeRating, type AgeRating } from "../domain/moderation.ts";

/** Fetches and parses the JSON behind a metadata URI; throws if it cannot be had now. */
export type FetchMetadata = (uri: string) => Promise<unknown>;

/** What the catalogue keeps of a listing's metadata. */
export interface ParsedMetadata {
  title: string;
  description: string;
  genre: string | null;
  aiTools: string[];
  creatorName: string | null;
  image: string | null;
  animationUrl: string | null;
  hlsCid: string | null;
  keyId: string | null;
  /** The Livepeer playback id the full film plays under (JWT policy), or null (local AES path). */
  livepeerPlaybackId: string | null;
  previewUri: string | null;
  previewSeconds: number | null;
  renditions: number[];
  /** properties.ageRating ("all", "12", "16", "18"); anything else, or none, is unrated (null). */
  ageRating: AgeRating | null;
}

/** `indexer.INVALID_METADATA`: the JSON behind the URI is not listing metadata, and never will be. */
export class MetadataInvalidError extends AiFilmsError<"indexer"> {
  override name = "MetadataInvalidError";

  constructor(message: string) {
    super("indexer", "INVALID_METADATA", message);
  }
}

// PostgreSQL text cannot hold NUL characters.
const NUL = "\u0000";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function text(value: unknown, max: number): string | null {
  if (typeof value !== "string") return null;
  const t = value.replaceAll(NUL, "").trim();
  return t === "" ? null : t.slice(0, max);
}

/** The CID of an `ipfs://<cid>/…` URI (the HLS directory of animation_url), or null. */
function ipfsRoot(uri: string | null): string | null {
  const match = uri ? /^ipfs:\/\/([A-Za-z0-9]+)(\/|$)/.exec(uri) : null;
  return match ? match[1] : null;
}

/** The playback-token route's alphabet for Livepeer playback ids (core/src/serving/livepeerPlayback.ts). */
const PLAYBACK_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Reads listing metadata JSON; MetadataInvalidError if it is not an object with a name. */
export function parseFilmMetadata(json: unknown): ParsedMetadata {
  if (!isObject(json)) throw new MetadataInvalidError("metadata is not a JSON object");
  const title = text(json.name, 200);
  if (title === null) throw new MetadataInvalidError("metadata has no name");
  const props = isObject(json.properties) ? json.properties : {};
  const attributes = Array.isArray(json.attributes) ? json.attributes.filter(isObject) : [];
  const trait = (name: string) =>
    attributes.filter((a) => typeof a.trait_type === "string" && a.trait_type.toLowerCase() === name).map((a) => text(a.value, 64));

  const toolsSource = Array.isArray(props.aiTools) ? props.aiTools.map((t) => text(t, 64)) : trait("ai tool");
  const aiTools = [...new Set(toolsSource.filter((t): t is string => t !== null))].slice(0, 20);
  const animationUrl = text(json.animation_url, 500);
  const previewSeconds =
    typeof props.previewSeconds === "number" && Number.isFinite(props.previewSeconds) && props.previewSeconds >= 0
      ? props.previewSeconds
      : null;
  const livepeer = isObject(props.livepeer) ? props.livepeer : {};
  const livepeerPlaybackId = typeof livepeer.playbackId === "string" && PLAYBACK_ID.test(livepeer.playbackId) ? livepeer.playbackId : null;
  const renditions = Array.isArray(props.renditions)
    ? props.renditions.filter((r): r is number => Number.isInteger(r) && (r as number) > 0 && (r as number) < 100_000)
    : [];
  return {
    title,
    description: typeof json.description === "string" ? json.description.replaceAll(NUL, "").slice(0, 5000) : "",
    genre: text(props.genre, 64) ?? trait("genre")[0] ?? null,
    aiTools,
    creatorName: text(props.creatorName, 100) ?? text(props.creator, 100),
    image: text(json.image, 500),
    animationUrl,
    hlsCid: ipfsRoot(animationUrl),
    keyId: text(props.keyId, 200),
    livepeerPlaybackId,
    previewUri: text(props.preview, 500),
    previewSeconds,
    renditions,
    ageRating: isAgeRating(props.ageRating) ? props.ageRating : null,
  };
}

/** Splits `ipfs://<cid>[/path]` into its CID and path. */
export function parseIpfsUri(uri: string): { cid: string; path?: string } {
  const match = /^ipfs:\/\/([^/?#]+)(?:\/([^?#]*))?$/.exec(uri);
  if (!match) throw new MetadataInvalidError(`not an ipfs:// URI: ${uri.slice(0, 100)}`);
  return match[2] ? { cid: match[1], path: match[2] } : { cid: match[1] };
}

/** Largest metadata file read: the media pipeline's are a few kB. */
const MAX_METADATA_BYTES = 1 << 20;

/**
 * A FetchMetadata reading from an IPFS store (the app's own, core/src/ipfs), with a timeout so a
 * Kubo node that searches the network for a missing CID does not stall the indexer.
 */
export function ipfsMetadataFetcher(
  store: { catBytes(cid: string, path?: string, range?: { offset: number; length?: number }): Promise<Uint8Array> },
  options: { timeoutMs?: number } = {},
): FetchMetadata {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (uri) => {
    const { cid, path } = parseIpfsUri(uri);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const bytes = await Promise.race([store.catBytes(cid, path, { offset: 0, length: MAX_METADATA_BYTES + 1 }), timeout]);
      if (bytes.length > MAX_METADATA_BYTES) throw new MetadataInvalidError("metadata file larger than 1 MiB");
      try {
        return JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        throw new MetadataInvalidError("metadata is not valid JSON");
      }
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The raw JSON for the jsonb column, or null if PostgreSQL could not store it (a NUL anywhere). */
function storableJson(json: unknown): string | null {
  const serialized = JSON.stringify(json);
  return serialized.includes("\\u0000") ? null : serialized;
}

export interface MetadataRefreshOptions {
  /** Most films fetched per call (default 50). */
  limit?: number;
  /** Fetches in flight at once (default 4). */
  concurrency?: number;
  /** First retry delay after a failure; doubles per failure up to an hour (default 5 s). */
  retryBaseSeconds?: number;
  /** Unix seconds "now" (default the wall clock). */
  now?: number;
  /** Only these films, and regardless of their retry time (a "retry now" button). */
  filmIds?: Array<string | bigint | number>;
  /** Where to report fetch failures (the indexer passes its log). */
  log?: (line: string) => void;
  /** Which wallet ingested the media a listing names (the key store's binding), if known. */
  mediaIngester?: MediaIngesterLookup;
}

/**
 * The wallet the platform's key store binds a film's media to (its AES key id or Livepeer
 * playback id): the one whose listing is the original. null when unknown or unbound.
 */
export type MediaIngesterLookup = (media: { keyId: string | null; livepeerPlaybackId: string | null }) => Promise<string | null>;

export interface MetadataRefreshResult {
  fetched: number;
  unavailable: number;
  invalid: number;
}

const MAX_RETRY_SECONDS = 3600;
const ADDRESS = /^0x[0-9a-f]{40}$/;

/** The binding of a listing's media; a lookup that fails or answers garbage counts as unbound. */
async function ingesterOf(lookup: MediaIngesterLookup | undefined, parsed: ParsedMetadata): Promise<string | null> {
  if (!lookup || (parsed.keyId === null && parsed.livepeerPlaybackId === null)) return null;
  const found = await lookup({ keyId: parsed.keyId, livepeerPlaybackId: parsed.livepeerPlaybackId }).catch(() => null);
  const lower = found?.toLowerCase() ?? null;
  return lower !== null && ADDRESS.test(lower) ? lower : null;
}

/** Fetches metadata of films that are pending, or unavailable and due for a retry. */
export async function refreshMetadata(
  db: Queryable,
  fetchMetadata: FetchMetadata,
  options: MetadataRefreshOptions = {},
): Promise<MetadataRefreshResult> {
  const now = options.now ?? wallClock();
  const limit = options.limit ?? 50;
  const retryBase = options.retryBaseSeconds ?? 5;
  const byId = options.filmIds !== undefined;
  const rows = await db.query<{ film_id: string; metadata_uri: string; metadata_attempts: number }>(
    byId
      ? `SELECT film_id::text AS film_id, metadata_uri, metadata_attempts FROM films
         WHERE film_id = ANY($1::numeric[]) AND metadata_status IN ('pending', 'unavailable') ORDER BY film_id LIMIT $2`
      : `SELECT film_id::text AS film_id, metadata_uri, metadata_attempts FROM films
         WHERE metadata_status IN ('pending', 'unavailable') AND metadata_next_attempt <= $1 ORDER BY film_id LIMIT $2`,
    [byId ? options.filmIds!.map(String) : now, limit],
  );
  const result: MetadataRefreshResult = { fetched: 0, unavailable: 0, invalid: 0 };
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      // The row's URI guards every update: if the indexer wiped and re-indexed meanwhile, a
      // different listing under the same id is left alone.
      const key = [row.film_id, row.metadata_uri];
      let parsed: ParsedMetadata;
      let json: unknown;
      try {
        json = await fetchMetadata(row.metadata_uri);
        parsed = parseFilmMetadata(json);
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        if (isAiFilmsError(error, "indexer.INVALID_METADATA")) {
          result.invalid++;
          await db.query(
            `UPDATE films SET metadata_status = 'invalid', metadata_error = $3, metadata_attempts = metadata_attempts + 1,
                              metadata_fetched_at = $4
             WHERE film_id = $1 AND metadata_uri = $2`,
            [...key, message, now],
          );
        } else {
          result.unavailable++;
          options.log?.(`indexer: metadata of film ${row.film_id} unavailable (${message}); retrying`);
          const delay = Math.min(retryBase * 2 ** Math.min(row.metadata_attempts, 20), MAX_RETRY_SECONDS);
          await db.query(
            `UPDATE films SET metadata_status = 'unavailable', metadata_error = $3, metadata_attempts = metadata_attempts + 1,
                              metadata_next_attempt = $4
             WHERE film_id = $1 AND metadata_uri = $2`,
            [...key, `metadata unavailable: ${message}`, now + delay],
          );
        }
        continue;
      }
      result.fetched++;
      const ingester = await ingesterOf(options.mediaIngester, parsed);
      await db.query(
        `UPDATE films SET metadata_status = 'ok', metadata_error = NULL, metadata_attempts = metadata_attempts + 1,
                          metadata_fetched_at = $3, title = $4, description = $5, genre = $6, ai_tools = $7,
                          creator_name = $8, image = $9, animation_url = $10, hls_cid = $11, key_id = $12,
                          preview_uri = $13, preview_seconds = $14, renditions = $15, metadata = $16::jsonb,
                          livepeer_playback_id = $17, media_ingester = $18, age_rating = $19
         WHERE film_id = $1 AND metadata_uri = $2`,
        [
          ...key,
          now,
          parsed.title,
          parsed.description,
          parsed.genre,
          parsed.aiTools,
          parsed.creatorName,
          parsed.image,
          parsed.animationUrl,
          parsed.hlsCid,
          parsed.keyId,
          parsed.previewUri,
          parsed.previewSeconds,
          parsed.renditions,
          storableJson(json),
          parsed.livepeerPlaybackId,
          ingester,
          parsed.ageRating === null ? null : ageOfRating(parsed.ageRating),
        ],
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, rows.length) }, worker));
  return result;
}
