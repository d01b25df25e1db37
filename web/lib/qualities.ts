/**
 * The player's quality menu. Livepeer's player knows six quality names (1080p … 144p) and plays,
 * for a name, the HLS rendition nearest to it in size. A film's own ladder need not use those
 * heights (a 480×270 source gets 270p, 180p and 134p), so each choice is offered under the height
 * it really plays, once: a name whose nearest rendition another name already reaches adds nothing.
 */
export const PLAYER_QUALITIES = ["1080p", "720p", "480p", "360p", "240p", "144p"] as const;
export type PlayerQuality = (typeof PLAYER_QUALITIES)[number];

export interface QualityChoice {
  /** What the player is told. */
  value: PlayerQuality;
  /** What the viewer reads: the rendition's own height. */
  label: string;
}

/** Highest first; with no known renditions (an older film), Livepeer's names as they are. */
export function qualityChoices(renditions: readonly number[]): QualityChoice[] {
  const heights = renditions.filter((h) => Number.isInteger(h) && h > 0);
  if (heights.length === 0) return PLAYER_QUALITIES.map((q) => ({ value: q, label: q }));
  const reached = new Map<number, PlayerQuality>();
  for (const quality of PLAYER_QUALITIES) {
    const asked = Number.parseInt(quality, 10);
    const nearest = heights.reduce((best, h) => (Math.abs(h - asked) < Math.abs(best - asked) ? h : best));
    if (!reached.has(nearest)) reached.set(nearest, quality);
  }
  return [...reached].sort(([a], [b]) => b - a).map(([height, value]) => ({ value, label: `${height}p` }));
}
