/**
 * The rendition ladder: which sizes and bitrates to encode, chosen from the source so that no
 * rendition is larger than the source (upscaling costs bandwidth and shows nothing new).
 *
 * Rungs are named by the picture's short side ("720p"), so a portrait film gets the same ladder
 * as a landscape one. A 4K source gets the standard ladder topped at 1080p: players on 4K screens
 * are a small share of viewers, and a 2160p rung would more than double transcoding time.
 * A source smaller than three standard rungs still gets three renditions, by stepping down from
 * its own size.
 */
export interface Rendition {
  /** Short side in pixels: the "p" number, and the rendition's directory name ("720p"). */
  rung: number;
  width: number;
  height: number;
  /** x264 bitrate cap (capped CRF) and the VBV buffer, in kbit/s. */
  maxrateKbps: number;
  bufsizeKbps: number;
  audioKbps: number;
  /** H.264 profile/level, also written into the master playlist's CODECS attribute. */
  profile: "high" | "main";
  level: string;
  /** e.g. avc1.64001f: profile_idc, constraint flags, level_idc. */
  codecs: string;
}

interface Rung {
  rung: number;
  maxrateKbps: number;
  audioKbps: number;
}

/** Standard rungs, high to low; bitrates in line with common streaming ladders for H.264. */
export const STANDARD_RUNGS: readonly Rung[] = [
  { rung: 1080, maxrateKbps: 5000, audioKbps: 128 },
  { rung: 720, maxrateKbps: 2800, audioKbps: 128 },
  { rung: 480, maxrateKbps: 1400, audioKbps: 96 },
  { rung: 360, maxrateKbps: 800, audioKbps: 96 },
  { rung: 240, maxrateKbps: 400, audioKbps: 64 },
  { rung: 144, maxrateKbps: 200, audioKbps: 64 },
];

export const MIN_RENDITIONS = 3;
export const MAX_RENDITIONS = 4;

export interface LadderSource {
  width: number;
  height: number;
  frameRate: number;
}

export function chooseLadder(source: LadderSource, maxRenditions = MAX_RENDITIONS): Rendition[] {
  const short = Math.min(source.width, source.height);
  let rungs = STANDARD_RUNGS.filter((r) => r.rung <= short).slice(0, Math.max(MIN_RENDITIONS, maxRenditions));
  if (rungs.length < MIN_RENDITIONS) {
    // Tiny source: its own size, two thirds and a half, with bitrates scaled by pixel count.
    rungs = [1, 2 / 3, 1 / 2].map((factor) => {
      const rung = floorEven(short * factor);
      const scale = (rung * rung) / (144 * 144);
      return { rung, maxrateKbps: Math.max(100, Math.round(200 * scale)), audioKbps: 64 };
    });
  }
  return rungs.map((r) => sized(r, source));
}

function sized(r: Rung, source: LadderSource): Rendition {
  const landscape = source.width >= source.height;
  const ratio = landscape ? source.width / source.height : source.height / source.width;
  // Rounded to even, but never past the source's own (even-floored) long side.
  const long = Math.min(even(r.rung * ratio), floorEven(Math.max(source.width, source.height)));
  const width = landscape ? long : r.rung;
  const height = landscape ? r.rung : long;
  const { profile, level, codecs } = h264Level(width, height, source.frameRate);
  return {
    rung: r.rung,
    width,
    height,
    maxrateKbps: r.maxrateKbps,
    bufsizeKbps: r.maxrateKbps * 2,
    audioKbps: r.audioKbps,
    profile,
    level,
    codecs,
  };
}

/**
 * The lowest H.264 level whose macroblock rate fits the rendition, so CODECS in the master
 * playlist is truthful and a player can skip renditions its decoder cannot handle.
 */
function h264Level(width: number, height: number, frameRate: number): { profile: "high"; level: string; codecs: string } {
  const macroblocks = Math.ceil(width / 16) * Math.ceil(height / 16);
  const perSecond = macroblocks * Math.max(frameRate || 30, 1);
  const levels: Array<[string, number, number, number]> = [
    // level, idc, max frame size (MBs), max MB rate
    ["3.0", 30, 1620, 40500],
    ["3.1", 31, 3600, 108000],
    ["3.2", 32, 5120, 216000],
    ["4.0", 40, 8192, 245760],
    ["4.2", 42, 8704, 522240],
    ["5.1", 51, 36864, 983040],
  ];
  const [level, idc] = levels.find(([, , frame, rate]) => macroblocks <= frame && perSecond <= rate) ?? ["5.1", 51];
  return { profile: "high", level, codecs: `avc1.6400${idc.toString(16).padStart(2, "0")}` };
}

/**
 * The frame rate we encode at: the source's, halved when above 60 fps (a 120 fps source would
 * double the bitrate for motion few screens show), 30 when ffprobe could not tell.
 */
export function outputFrameRate(sourceFrameRate: number): number {
  if (!Number.isFinite(sourceFrameRate) || sourceFrameRate <= 0) return 30;
  return sourceFrameRate > 60 ? sourceFrameRate / 2 : sourceFrameRate;
}

/** H.264 with 4:2:0 chroma needs even dimensions. */
function even(value: number): number {
  return Math.max(2, Math.round(value / 2) * 2);
}

/** Even and not above `value`: for sizes derived from the source, so they never upscale. */
function floorEven(value: number): number {
  return Math.max(2, Math.floor(value / 2) * 2);
}
