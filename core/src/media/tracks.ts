/**
 * Extra tracks a creator adds to a film: WebVTT captions and dubbed audio, each with a language
 * code (BCP 47, e.g. "en", "pt-BR") and a label the player's menu shows. This module only checks
 * and normalises what names them (from the CLI's `en=file.vtt` / `pt-BR:Português=file.m4a` or
 * the studio's form); the files themselves are checked by captions.ts and audioTracks.ts.
 *
 * Labels and codes end up inside quoted attributes of the master playlist (NAME="…",
 * LANGUAGE="…"), where a double quote or a line break cannot be written, so both are refused.
 */
import { MediaError } from "./errors.ts";

export type TrackKind = "captions" | "audio";

/** What the creator gives: a file and its language, optionally a label. */
export interface TrackInput {
  language: string;
  label?: string;
  path: string;
}

/** A track after its language and label are checked. */
export interface TrackSpec {
  /** Canonical BCP 47 ("en-US", not "en-us"); also its directory name in the output. */
  language: string;
  label: string;
  path: string;
}

/** How many tracks of each kind a film may carry: a menu, not a data store. */
export const MAX_TRACKS: Record<TrackKind, number> = { captions: 16, audio: 8 };
export const MAX_LABEL_LENGTH = 64;

const LANGUAGE_SHAPE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}$/;
// C0/C1 controls and the double quote, which a quoted HLS attribute cannot hold.
const FORBIDDEN_IN_LABEL = /[\p{Cc}"]/u;

function codeFor(kind: TrackKind) {
  return kind === "captions" ? "INVALID_CAPTIONS" : "INVALID_AUDIO_TRACK";
}

function noun(kind: TrackKind): string {
  return kind === "captions" ? "caption track" : "audio track";
}

/** "en=film.en.vtt" or "pt-BR:Português (Brasil)=dub.m4a" → a TrackInput (the CLI's syntax). */
export function parseTrackArg(kind: TrackKind, arg: string): TrackInput {
  const eq = arg.indexOf("=");
  if (eq <= 0 || eq === arg.length - 1) {
    throw new MediaError(codeFor(kind), `Give a ${noun(kind)} as LANGUAGE=FILE or LANGUAGE:LABEL=FILE (e.g. en=film.vtt), not "${arg}".`);
  }
  const head = arg.slice(0, eq);
  const colon = head.indexOf(":");
  return colon < 0
    ? { language: head, path: arg.slice(eq + 1) }
    : { language: head.slice(0, colon), label: head.slice(colon + 1), path: arg.slice(eq + 1) };
}

/** The canonical BCP 47 tag, or an error naming the kind of track. */
export function canonicalLanguage(kind: TrackKind, language: string): string {
  const trimmed = language.trim();
  if (LANGUAGE_SHAPE.test(trimmed)) {
    try {
      const [canonical] = Intl.getCanonicalLocales(trimmed);
      if (canonical !== undefined) return canonical;
    } catch {
      // RangeError: not a well-formed tag; refused below
    }
  }
  throw new MediaError(codeFor(kind), `"${trimmed.slice(0, 40)}" is not a language code (use a BCP 47 code such as en, es or pt-BR).`);
}

/** The language's own name ("Español" for es), the default label a menu shows. */
export function languageName(language: string): string {
  try {
    const name = new Intl.DisplayNames([language], { type: "language" }).of(language);
    if (name) return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
  } catch {
    // an engine without that locale's data: the code itself
  }
  return language;
}

/** Checks and normalises a list of tracks of one kind: codes, labels, the count and no language twice. */
export function normaliseTracks(kind: TrackKind, inputs: readonly TrackInput[]): TrackSpec[] {
  if (inputs.length > MAX_TRACKS[kind]) {
    throw new MediaError(codeFor(kind), `A film may have at most ${MAX_TRACKS[kind]} ${noun(kind)}s.`);
  }
  const seen = new Set<string>();
  return inputs.map((input) => {
    const language = canonicalLanguage(kind, input.language);
    if (seen.has(language.toLowerCase())) throw new MediaError(codeFor(kind), `There are two ${noun(kind)}s for ${language}.`);
    seen.add(language.toLowerCase());
    const label = (input.label ?? "").normalize("NFC").replace(/\s+/g, " ").trim() || languageName(language);
    if (FORBIDDEN_IN_LABEL.test(label)) {
      throw new MediaError(
        codeFor(kind),
        `The label of the ${language} ${noun(kind)} must not contain double quotes or control characters.`,
      );
    }
    if (label.length > MAX_LABEL_LENGTH) {
      throw new MediaError(codeFor(kind), `The label of the ${language} ${noun(kind)} must be at most ${MAX_LABEL_LENGTH} characters.`);
    }
    return { language, label, path: input.path };
  });
}
