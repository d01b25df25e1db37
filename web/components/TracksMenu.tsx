"use client";
/**
 * The player's captions and audio menu: two labelled native selects (keyboard and screen-reader
 * friendly as they are), fed by hls.js's subtitle and audio renditions (EXT-X-MEDIA in the master
 * playlist). The viewer's choice is remembered in localStorage by language, so it follows them from
 * film to film and from the preview to the full film.
 *
 * The Livepeer player does not hand out its hls.js instance: `captureHls` returns hls.js config
 * whose audio-track controller (a subclass of the default one) reports the instance when built.
 */
import Hls from "hls.js";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useState } from "react";

const CAPTIONS_KEY = "aif.captions";
const AUDIO_KEY = "aif.audio";
const OFF = "off";
const ORIGINAL = "original";

interface Choice {
  value: string;
  label: string;
}

function remembered(key: string, fallback: string): string {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // private mode: the choice lasts this page only
  }
}

/** hls.js config that hands the instance to `onHls` as soon as the player creates it. */
export function captureHls(onHls: (hls: Hls) => void): Partial<Hls["config"]> {
  const Base = Hls.DefaultConfig.audioTrackController!;
  return {
    audioTrackController: class extends Base {
      constructor(hls: Hls) {
        super(hls);
        onHls(hls);
      }
    } as typeof Base,
  };
}

/** Keeps an hls.js instance's subtitle and audio choice in step with the menu and localStorage. */
export function useTracks() {
  const [hls, setHls] = useState<Hls | null>(null);
  const [captions, setCaptions] = useState<Choice[]>([]);
  const [audio, setAudio] = useState<Choice[]>([]);
  const [caption, setCaption] = useState(OFF);
  const [dub, setDub] = useState(ORIGINAL);
  // Made once: the player builds a new hls.js per source, and each one reports itself here.
  // A new instance (preview ↔ full film) starts with no tracks until its manifest lists them.
  const [config] = useState(() =>
    captureHls((instance) => {
      setCaptions([]);
      setAudio([]);
      setHls(instance);
    }),
  );

  const applyCaption = useCallback((instance: Hls, value: string) => {
    const index = value === OFF ? -1 : instance.subtitleTracks.findIndex((t) => t.lang === value);
    instance.subtitleDisplay = index >= 0;
    instance.subtitleTrack = index;
    setCaption(index >= 0 ? value : OFF);
  }, []);

  const applyAudio = useCallback((instance: Hls, value: string) => {
    const index = instance.audioTracks.findIndex((t) => (value === ORIGINAL ? !t.url || !t.lang : t.lang === value));
    if (index >= 0 && instance.audioTrack !== index) instance.audioTrack = index;
    setDub(index >= 0 ? value : ORIGINAL);
  }, []);

  useEffect(() => {
    if (!hls) return;
    const onSubtitles = () => {
      setCaptions(hls.subtitleTracks.map((t) => ({ value: t.lang ?? t.name, label: t.name })));
      // Not now but once hls.js is done with this event: right after firing it, hls.js selects its
      // own default track (none: ours are DEFAULT=NO) and only then adds the <track> elements, so
      // a choice made inside the handler was undone and the remembered captions never showed
      // (on a reload, and whenever the source switched to or from the preview).
      queueMicrotask(() => applyCaption(hls, remembered(CAPTIONS_KEY, OFF)));
    };
    const onAudio = () => {
      // The rendition without URI is the sound muxed into the video: "Original".
      setAudio(hls.audioTracks.map((t) => ({ value: t.url && t.lang ? t.lang : ORIGINAL, label: t.name })));
      applyAudio(hls, remembered(AUDIO_KEY, ORIGINAL));
    };
    hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, onSubtitles);
    hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, onAudio);
    return () => {
      hls.off(Hls.Events.SUBTITLE_TRACKS_UPDATED, onSubtitles);
      hls.off(Hls.Events.AUDIO_TRACKS_UPDATED, onAudio);
    };
  }, [hls, applyCaption, applyAudio]);

  const chooseCaption = (value: string) => {
    remember(CAPTIONS_KEY, value);
    if (hls) applyCaption(hls, value);
  };
  const chooseAudio = (value: string) => {
    remember(AUDIO_KEY, value);
    if (hls) applyAudio(hls, value);
  };

  return { config, captions, audio, caption, dub, chooseCaption, chooseAudio };
}

export function TracksMenu({ tracks }: { tracks: ReturnType<typeof useTracks> }) {
  const t = useTranslations("player.tracks");
  if (tracks.captions.length === 0 && tracks.audio.length < 2) return null;
  return (
    <div className="player-tracks" role="group" aria-label={t("menu")} data-testid="tracks-menu">
      {tracks.captions.length > 0 && (
        <label className="player-track-choice">
          <span>{t("captions")}</span>
          <select value={tracks.caption} onChange={(e) => tracks.chooseCaption(e.target.value)} data-testid="captions-select">
            <option value={OFF}>{t("off")}</option>
            {tracks.captions.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {tracks.audio.length > 1 && (
        <label className="player-track-choice">
          <span>{t("audio")}</span>
          <select value={tracks.dub} onChange={(e) => tracks.chooseAudio(e.target.value)} data-testid="audio-select">
            {tracks.audio.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
