/**
 * MPEG-TS clean-up applied to every segment before it is published: drop the DVB Service
 * Description Table (PID 0x0011).
 *
 * Why: the SDT is broadcast-TV metadata (a "service name" and "provider", which ffmpeg fills with
 * "Service01"/"FFmpeg"); HLS players never read it. Reading it, though, makes ffmpeg's demuxer
 * convert those strings with iconv, and static ffprobe builds — including the 2023 one the npm
 * package @ffprobe-installer/ffprobe ships — crash there (a static glibc cannot load iconv
 * modules). Without the SDT our segments are readable by every tool, a little smaller, and carry
 * no encoder banner. Removing whole packets of one PID leaves every other PID's continuity
 * counters untouched, so the stream stays valid.
 */
import { readFile, writeFile } from "node:fs/promises";

const PACKET = 188;
const SYNC = 0x47;
const SDT_PID = 0x0011;

/** The segment without SDT packets; unchanged when it is not a well-formed TS stream. */
export function stripSdt(ts: Buffer): Buffer {
  if (ts.length % PACKET !== 0) return ts;
  const kept: Buffer[] = [];
  let dropped = 0;
  for (let at = 0; at < ts.length; at += PACKET) {
    if (ts[at] !== SYNC) return ts;
    const pid = ((ts[at + 1] & 0x1f) << 8) | ts[at + 2];
    if (pid === SDT_PID) dropped++;
    else kept.push(ts.subarray(at, at + PACKET));
  }
  return dropped === 0 ? ts : Buffer.concat(kept);
}

export async function stripSdtInPlace(path: string): Promise<void> {
  const before = await readFile(path);
  const after = stripSdt(before);
  if (after !== before) await writeFile(path, after);
}
