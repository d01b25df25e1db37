"use client";
/**
 * The upload form's extra tracks: WebVTT caption files and dubbed audio, each with a language code
 * and an optional menu label. The files go up through the same resumable upload as the film; the
 * server checks them (valid WebVTT ending within the film, a dub as long as the film).
 */
import { useTranslations } from "next-intl";
import { Upload } from "tus-js-client";

export interface TrackDraft {
  kind: "captions" | "audio";
  file: File;
  language: string;
  label: string;
}

const LANGUAGE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}$/;

/** True when every track has a language code (else the form says studio.tracks.badLanguage). */
export function tracksValid(tracks: TrackDraft[]): boolean {
  return tracks.every((track) => LANGUAGE.test(track.language.trim()));
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
  const t = useTranslations("studio.tracks");
  const update = (i: number, patch: Partial<TrackDraft>) => onChange(tracks.map((track, j) => (j === i ? { ...track, ...patch } : track)));
  const section = (kind: TrackDraft["kind"]) => (
    <fieldset className="field" data-testid={`upload-${kind}`}>
      <legend>{kind === "captions" ? t("captions") : t("audio")}</legend>
      {tracks.map((track, i) =>
        track.kind !== kind ? null : (
          <div className="field-inline" key={i} data-testid={`upload-${kind}-row`}>
            <span className="muted">{track.file.name}</span>
            <input
              type="text"
              aria-label={t("language")}
              placeholder={t("languagePlaceholder")}
              value={track.language}
              maxLength={40}
              disabled={disabled}
              onChange={(e) => update(i, { language: e.target.value })}
              data-testid={`upload-${kind}-language`}
            />
            <input
              type="text"
              aria-label={t("label")}
              placeholder={t("label")}
              value={track.label}
              maxLength={64}
              disabled={disabled}
              onChange={(e) => update(i, { label: e.target.value })}
              data-testid={`upload-${kind}-label`}
            />
            <button
              type="button"
              className="link"
              aria-label={t("removeTrack", { name: track.file.name })}
              disabled={disabled}
              onClick={() => onChange(tracks.filter((_, j) => j !== i))}
            >
              {t("remove")}
            </button>
          </div>
        ),
      )}
      <label className="field-inline">
        <span>{kind === "captions" ? t("addCaptions") : t("addAudio")}</span>
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
