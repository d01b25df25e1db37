"use client";
/**
 * The upload form's extra tracks: WebVTT caption files and dubbed audio, each with a language code
 * and an optional menu label. The files go up through the same resumable upload as the film; the
 * server checks them (valid WebVTT ending within the film, a dub as long as the film).
 */
import { Upload } from "tus-js-client";

export interface TrackDraft {
  kind: "captions" | "audio";
  file: File;
  language: string;
  label: string;
}

/** The strings of this part of the form, together for the i18n catalogues. */
export const TRACK_STRINGS = {
  captions: "Captions (WebVTT)",
  audio: "Extra audio tracks (dubs)",
  language: "Language code",
  label: "Label (optional)",
  remove: "Remove",
  addCaptions: "Add a caption file",
  addAudio: "Add an audio track",
  badLanguage: "Give each track a language code such as en, es or pt-BR.",
} as const;

const LANGUAGE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}$/;

export function trackProblem(tracks: TrackDraft[]): string | null {
  return tracks.every((t) => LANGUAGE.test(t.language.trim())) ? null : TRACK_STRINGS.badLanguage;
}

/** Uploads one track file (tus) and resolves with its upload id. */
export function uploadTrack(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const up = new Upload(file, {
      endpoint: "/api/uploads",
      retryDelays: [0, 1000, 3000],
      metadata: { filename: file.name, filetype: file.type || "application/octet-stream" },
      onError: reject,
      onSuccess: () => resolve((up.url ?? "").split("/").filter(Boolean).pop() ?? ""),
    });
    up.start();
  });
}

export function TrackFields({
  tracks,
  onChange,
  disabled,
}: {
  tracks: TrackDraft[];
  onChange: (next: TrackDraft[]) => void;
  disabled: boolean;
}) {
  const update = (i: number, patch: Partial<TrackDraft>) => onChange(tracks.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  const section = (kind: TrackDraft["kind"]) => (
    <fieldset className="field" data-testid={`upload-${kind}`}>
      <legend>{kind === "captions" ? TRACK_STRINGS.captions : TRACK_STRINGS.audio}</legend>
      {tracks.map((t, i) =>
        t.kind !== kind ? null : (
          <div className="field-inline" key={i} data-testid={`upload-${kind}-row`}>
            <span className="muted">{t.file.name}</span>
            <input
              type="text"
              aria-label={TRACK_STRINGS.language}
              placeholder="en"
              value={t.language}
              maxLength={40}
              disabled={disabled}
              onChange={(e) => update(i, { language: e.target.value })}
              data-testid={`upload-${kind}-language`}
            />
            <input
              type="text"
              aria-label={TRACK_STRINGS.label}
              placeholder={TRACK_STRINGS.label}
              value={t.label}
              maxLength={64}
              disabled={disabled}
              onChange={(e) => update(i, { label: e.target.value })}
              data-testid={`upload-${kind}-label`}
            />
            <button type="button" className="link" disabled={disabled} onClick={() => onChange(tracks.filter((_, j) => j !== i))}>
              {TRACK_STRINGS.remove}
            </button>
          </div>
        ),
      )}
      <label className="field-inline">
        <span>{kind === "captions" ? TRACK_STRINGS.addCaptions : TRACK_STRINGS.addAudio}</span>
        <input
          type="file"
          accept={kind === "captions" ? ".vtt,text/vtt" : "audio/*,.m4a,.aac,.mp3,.wav,.mp4"}
          disabled={disabled}
          data-testid={`upload-${kind}-file`}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) onChange([...tracks, { kind, file, language: "", label: "" }]);
            e.target.value = "";
          }}
        />
      </label>
    </fieldset>
  );
  return (
    <>
      {section("captions")}
      {section("audio")}
    </>
  );
}
