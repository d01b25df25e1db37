"use client";
/**
 * The film player: `@livepeer/react`'s Player primitives on our own HLS from the IPFS gateway.
 * Anyone gets the free preview (unencrypted); an entitled, signed-in viewer gets the full film,
 * whose AES-128 key the player fetches from /api/keys/<keyId> on our origin with the session
 * cookie. While the full film plays it reports a heartbeat every 10 s (the first step of a
 * view's path to the monthly tally) and remembers the position (localStorage + server history).
 *
 * A film Livepeer Studio serves (`livepeer` set) plays its full version from Livepeer's CDN
 * instead, under a JWT playback policy: the token comes from our server (the same entitlement
 * check as the key server), is sent with every HLS request and is renewed before it expires.
 *
 * Captions and dubs (EXT-X-MEDIA renditions) get a menu under the video (TracksMenu.tsx); the
 * viewer's choice is remembered, and the preview carries the captions too.
 */
import * as Player from "@livepeer/react/player";
import type { Src } from "@livepeer/react";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { reasonOf, useApiErrors } from "@/i18n/apiErrors";
import { ACCESS_CHANGED } from "@/lib/client/events";
import { forgetHeartbeatKey, loadHeartbeatKey, signBeat } from "@/lib/client/heartbeatKey";
import { sessionExpired } from "@/lib/client/session";
import { HEARTBEAT_INTERVAL_MS } from "@/lib/config";
import { formatDuration } from "@/lib/format";
import { qualityChoices } from "@/lib/qualities";
import { TracksMenu, useTracks } from "./TracksMenu";

export interface PlayerProps {
  filmId: string;
  title: string;
  posterUrl: string | null;
  previewUrl: string | null;
  fullUrl: string | null;
  /** What the server found for this viewer: may the full film play? */
  entitled: boolean;
  signedIn: boolean;
  durationSeconds: number;
  previewSeconds: number | null;
  renditions: number[];
  /** Last position from the server's watch history, if any. */
  resumeAt: number | null;
  /** Set for a film Livepeer serves: fullUrl is then its HLS URL, playable with a JWT from tokenUrl. */
  livepeer?: { playbackUrl: string; tokenUrl: string } | null;
}

function hlsSrc(url: string): Src[] {
  // Built by hand rather than with getSrc: its source sniffing takes any URL containing "sdp"
  // (which a CID can) for WebRTC. The player parses the src with `new URL`, so it must be absolute.
  const absolute = new URL(url, window.location.origin).toString();
  return [{ type: "hls", src: absolute, mime: "application/vnd.apple.mpegurl", width: null, height: null } as Src];
}

function newSessionId(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

/**
 * The seek thumb, the slider people operate: its value said as "1:05 of 4:07" in the page's words
 * (Livepeer's own aria text is English and sits on the bar, where it does not belong).
 */
function SeekThumb() {
  const t = useTranslations("player.controls");
  const { store } = Player.useMediaContext("SeekThumb", undefined);
  const progress = Player.useStore(store, (s) => s.progress);
  const duration = Player.useStore(store, (s) => s.duration);
  return (
    <Player.Thumb
      className="player-thumb"
      aria-label={t("seek")}
      aria-valuetext={t("position", { time: formatDuration(progress), duration: formatDuration(duration) })}
    />
  );
}

export default function PlayerIsland(props: PlayerProps) {
  const { filmId, entitled, fullUrl, previewUrl } = props;
  const t = useTranslations("player");
  // useApiErrors hands out a new function each render: read through a ref so the token's effect
  // does not restart (and fetch again) on every render.
  const apiError = useApiErrors();
  const apiErrorRef = useRef(apiError);
  useEffect(() => {
    apiErrorRef.current = apiError;
  });
  const canPlayFull = entitled && fullUrl !== null;
  const [mode, setMode] = useState<"full" | "preview">(canPlayFull ? "full" : "preview");
  const [error, setError] = useState<string | null>(null);
  const [resumeNote, setResumeNote] = useState<string | null>(null);
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const sessionId = useRef<string>("");
  /** The next beat's sequence number in this session: its receipt signs it, so none can be replayed. */
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const storageKey = `aif.position.${filmId}`;
  const tokenUrl = props.livepeer?.tokenUrl ?? null;
  const needsJwt = mode === "full" && tokenUrl !== null;
  const [jwt, setJwt] = useState<string | null>(null);
  // Read by xhrSetup at request time, so a renewed token is used without reloading the player.
  const jwtRef = useRef<string | null>(null);
  const needsJwtRef = useRef(needsJwt);
  useEffect(() => {
    needsJwtRef.current = needsJwt;
  }, [needsJwt]);

  // Access can change while the page is open (a purchase, an expiry): follow it during render,
  // as React recommends for state derived from a prop, instead of an effect that renders twice.
  const [modeFor, setModeFor] = useState(canPlayFull);
  if (modeFor !== canPlayFull) {
    setModeFor(canPlayFull);
    setMode(canPlayFull ? "full" : "preview");
  }

  useEffect(() => {
    const onChange = () => setError(null);
    window.addEventListener(ACCESS_CHANGED, onChange);
    return () => window.removeEventListener(ACCESS_CHANGED, onChange);
  }, []);

  // Livepeer: fetch a playback token for the full film, and a fresh one before it expires.
  useEffect(() => {
    if (!needsJwt || tokenUrl === null) return;
    let cancelled = false;
    let renew: ReturnType<typeof setTimeout> | undefined;
    const fetchToken = async () => {
      try {
        const res = await fetch(tokenUrl, { method: "POST", credentials: "same-origin" });
        if (cancelled) return;
        if (!res.ok) {
          if (res.status === 401 && props.signedIn) sessionExpired();
          // Any other refusal says why in the viewer's words (the chain is down, too many requests…).
          const reason = res.status === 401 || res.status === 403 ? null : reasonOf(await res.json().catch(() => null));
          if (cancelled) return;
          setError(
            res.status === 401
              ? t("errors.signInToWatch")
              : res.status === 403
                ? t("errors.accessEnded")
                : reason
                  ? apiErrorRef.current(reason)
                  : t("errors.unlockFailed"),
          );
          if (jwtRef.current === null) setMode("preview");
          return;
        }
        const body = (await res.json()) as { token: string; expiresAt: number };
        jwtRef.current = body.token;
        setJwt(body.token);
        renew = setTimeout(() => void fetchToken(), Math.max(30_000, body.expiresAt * 1000 - Date.now() - 60_000));
      } catch {
        if (!cancelled) setError(t("errors.unlockFailed"));
      }
    };
    void fetchToken();
    return () => {
      cancelled = true;
      if (renew) clearTimeout(renew);
      jwtRef.current = null;
      setJwt(null);
    };
  }, [needsJwt, tokenUrl, props.signedIn, t]);

  // A renewed token must not reload the source: depend on having one, not on which.
  const haveJwt = jwt !== null;
  const src = useMemo(() => {
    if (needsJwt && !haveJwt) return null; // the token first: without it Livepeer refuses the playlist
    const url = mode === "full" ? fullUrl : previewUrl;
    return url ? hlsSrc(url) : null;
  }, [mode, fullUrl, previewUrl, needsJwt, haveJwt]);
  // Livepeer's Player.Root reads `src` once, when it mounts, and ignores later changes: a new source
  // (preview ↔ full film, after a purchase) needs a new player, so the source is its key. Without it
  // the "preview" went on playing the full film, with the full film's captions.
  const playerKey = src ? `${mode}:${src[0].src}` : "none";

  const beat = useCallback(async () => {
    const video = videoRef.current;
    if (mode !== "full" || !video) return;
    const positionSeconds = Math.floor(video.currentTime * 10) / 10;
    try {
      localStorage.setItem(storageKey, String(positionSeconds));
    } catch {
      // private mode: the server's history still has it
    }
    const key = await loadHeartbeatKey();
    if (!key) {
      setError(t("errors.noPlayerKey"));
      return;
    }
    try {
      const receipt = await signBeat(key, { filmId, sessionId: sessionId.current, seq: seq.current++, positionSeconds });
      const res = await fetch("/api/heartbeat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ filmId, sessionId: sessionId.current, positionSeconds, ...receipt }),
        keepalive: true,
      });
      const reason = res.ok ? null : (((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? null);
      if (reason === "receipt-key-unknown" || reason === "receipt-key-expired") {
        await forgetHeartbeatKey();
        sessionExpired();
        setError(t("errors.playerKeyExpired"));
      } else if (res.status === 401) {
        sessionExpired();
        setError(t("errors.sessionExpired"));
        video.pause();
      } else if (res.status === 403) {
        setError(t("errors.accessEnded"));
        video.pause();
      }
    } catch {
      // offline for a moment: the next beat carries on (the ledger caps what a late beat can add)
    }
  }, [filmId, mode, storageKey, t]);

  const stopBeats = useCallback(() => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
  }, []);

  const onPlaying = useCallback(() => {
    if (mode !== "full" || timer.current) return;
    if (!sessionId.current) {
      sessionId.current = newSessionId();
      seq.current = 0;
    }
    void beat(); // starts (or resumes) the session's clock on the server
    timer.current = setInterval(() => void beat(), HEARTBEAT_INTERVAL_MS);
  }, [beat, mode]);

  const onStopped = useCallback(() => {
    if (timer.current) {
      void beat();
      stopBeats();
    }
  }, [beat, stopBeats]);

  useEffect(() => stopBeats, [stopBeats, mode]);

  // A new playback session per source: the ledger times each session on its own.
  useEffect(() => {
    sessionId.current = "";
  }, [mode]);

  const onLoadedMetadata = useCallback(() => {
    const video = videoRef.current;
    if (!video || mode !== "full") return;
    let stored: number | null = null;
    try {
      const raw = localStorage.getItem(storageKey);
      stored = raw === null ? null : Number(raw);
    } catch {
      stored = null;
    }
    const at = Math.max(stored ?? 0, props.resumeAt ?? 0);
    const duration = Number.isFinite(video.duration) ? video.duration : props.durationSeconds;
    if (at > 5 && at < duration - 5) {
      video.currentTime = at;
      setResumeNote(t("resumedAt", { time: formatDuration(at) }));
    }
  }, [mode, props.durationSeconds, props.resumeAt, storageKey, t]);

  // Not reset when the source changes: the player's effect builds the new hls.js (which reports
  // itself) before this component's effects would run, so a reset here would drop it.
  const tracks = useTracks();
  const [announcement, setAnnouncement] = useState("");

  const setVideo = useCallback((el: HTMLVideoElement | null) => {
    videoRef.current = el;
  }, []);

  const qualities = qualityChoices(props.renditions);

  return (
    <div className="player" data-testid="player" data-mode={mode}>
      {src ? (
        <Player.Root
          key={playerKey}
          src={src}
          aspectRatio={16 / 9}
          autoPlay={false}
          volume={1}
          jwt={needsJwt ? jwt : null}
          onError={(e) => {
            if (!e) return;
            if (mode === "full") {
              setError(props.signedIn ? t("errors.fullFailed") : t("errors.signInToWatch"));
            } else {
              setError(t("errors.previewFailed"));
            }
          }}
        >
          <Player.Container className="player-container">
            <Player.Video
              ref={setVideo}
              title={props.title}
              poster={props.posterUrl}
              className="player-video"
              data-testid="player-video"
              onPlaying={() => {
                setAnnouncement(mode === "full" ? t("announce.playingFull") : t("announce.playingPreview"));
                onPlaying();
              }}
              onPause={(e) => {
                if (!e.currentTarget.ended) setAnnouncement(t("announce.pausedAt", { time: formatDuration(e.currentTarget.currentTime) }));
                onStopped();
              }}
              onEnded={() => {
                setAnnouncement(t("announce.finished"));
                onStopped();
              }}
              onLoadedMetadata={onLoadedMetadata}
              hlsConfig={{
                ...tracks.config,
                // Same-origin requests carry cookies anyway; say so explicitly for key requests
                // in case the gateway is ever served from another origin.
                xhrSetup(xhr: XMLHttpRequest, url: string) {
                  if (url.includes("/api/keys/")) xhr.withCredentials = true;
                  // Having our own xhrSetup replaces the Livepeer player's, which is what would
                  // send its `jwt` prop: send it here, on every request of the Livepeer source.
                  else if (needsJwtRef.current && jwtRef.current) xhr.setRequestHeader("Livepeer-Jwt", jwtRef.current);
                },
              }}
            />
            <Player.LoadingIndicator className="player-loading" aria-label={t("loading")}>
              {t("loading")}
            </Player.LoadingIndicator>
            <Player.Controls className="player-controls" autoHide={2500} forceMount>
              <Player.PlayPauseTrigger
                className="player-btn"
                data-testid="play-button"
                aria-label={t("controls.playPause")}
                title={t("controls.playPause")}
              >
                <Player.PlayingIndicator asChild matcher={false}>
                  <span aria-hidden="true">▶</span>
                </Player.PlayingIndicator>
                <Player.PlayingIndicator asChild>
                  <span aria-hidden="true">❚❚</span>
                </Player.PlayingIndicator>
              </Player.PlayPauseTrigger>
              {/* The thumb is the slider people operate; the bar around it is only its track (one control, not two nested).
                  Livepeer puts a slider's aria-valuetext on the bar once the media plays: a group may not carry it. */}
              <Player.Seek className="player-seek" role="group" aria-label={t("controls.seekBar")} aria-valuetext={undefined}>
                <Player.Track className="player-track">
                  <Player.SeekBuffer className="player-buffer" />
                  <Player.Range className="player-range" />
                </Player.Track>
                <SeekThumb />
              </Player.Seek>
              <Player.Time className="player-time" data-testid="player-time" />
              <Player.VideoQualitySelect name="quality" defaultValue="auto">
                <Player.SelectTrigger
                  className="player-btn player-quality"
                  aria-label={t("controls.quality")}
                  title={t("controls.quality")}
                  data-testid="quality-select"
                >
                  <Player.SelectValue placeholder={t("controls.quality")} />
                </Player.SelectTrigger>
                <Player.SelectPortal>
                  <Player.SelectContent className="player-menu" position="popper" side="top">
                    <Player.SelectViewport>
                      <Player.SelectGroup>
                        <Player.VideoQualitySelectItem value="auto" className="player-menu-item">
                          <Player.SelectItemText>{t("controls.qualityAuto")}</Player.SelectItemText>
                        </Player.VideoQualitySelectItem>
                        {qualities.map((q) => (
                          <Player.VideoQualitySelectItem key={q.value} value={q.value} className="player-menu-item">
                            <Player.SelectItemText>{q.label}</Player.SelectItemText>
                          </Player.VideoQualitySelectItem>
                        ))}
                      </Player.SelectGroup>
                    </Player.SelectViewport>
                  </Player.SelectContent>
                </Player.SelectPortal>
              </Player.VideoQualitySelect>
              <Player.FullscreenTrigger className="player-btn" aria-label={t("controls.fullscreen")} title={t("controls.fullscreen")}>
                <span aria-hidden="true">⛶</span>
              </Player.FullscreenTrigger>
            </Player.Controls>
          </Player.Container>
        </Player.Root>
      ) : needsJwt && !error ? (
        <div className="player-empty" data-testid="player-unlocking">
          {t("unlocking")}
        </div>
      ) : (
        <div className="player-empty" data-testid="player-unavailable">
          {t("unavailable")}
        </div>
      )}
      {src && <TracksMenu tracks={tracks} />}
      <div className="player-bar">
        <span className="player-mode" data-testid="player-mode">
          {mode === "full"
            ? t("mode.full")
            : props.previewSeconds
              ? t("mode.previewFirst", { time: formatDuration(props.previewSeconds) })
              : t("mode.preview")}
        </span>
        {canPlayFull && previewUrl && (
          <button className="link" type="button" data-testid="toggle-preview" onClick={() => setMode(mode === "full" ? "preview" : "full")}>
            {mode === "full" ? t("watchPreview") : t("watchFull")}
          </button>
        )}
        {!canPlayFull && fullUrl && (
          <button
            className="link"
            type="button"
            data-testid="try-full"
            onClick={() => {
              setError(null);
              setMode("full");
            }}
          >
            {t("tryFull")}
          </button>
        )}
        {resumeNote && (
          <span className="muted" data-testid="resume-note">
            {resumeNote}
          </span>
        )}
      </div>
      {/* What the player just did, for screen readers (the controls themselves are icons). */}
      <p className="visually-hidden" aria-live="polite" data-testid="player-announcer">
        {announcement}
      </p>
      {error && (
        <p className="error" role="alert" data-testid="player-error">
          {error}
        </p>
      )}
    </div>
  );
}
