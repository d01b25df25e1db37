// Media pipeline benchmark: `npm run bench:media` ingests a generated 60 s 1080p clip (lavfi
// testsrc2 + a sine tone) through the whole pipeline — probe → ladder → encrypt → IPFS → metadata —
// then runs the very same ladder as one plain ffmpeg command on the same machine, and compares.
// Prints a table (unless --json) and one JSON object on its last line.
//
//   pipelineSeconds   wall time of ingestFile, all stages
//   rawFfmpegSeconds  wall time of the same ffmpeg ladder command alone (no probe, poster, encryption, IPFS)
//   overheadRatio     pipelineSeconds / rawFfmpegSeconds (target ≤ 1.15)
//   ipfsAddMBps       output bytes / seconds of the IPFS stage (MB = 10^6 bytes)
//   realtimeFactor    film seconds per pipeline second (> 1 is faster than real time)
//
// Options: --seconds N (default 60), --height N (default 1080), --json. The x264 preset is the
// pipeline's default (MEDIA_X264_PRESET, veryfast) for both runs.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openIpfs } from "@ai-films/core/ipfs";
import { Job, KeyStore, chooseLadder, ingestFile, type IngestResult, probeFile } from "@ai-films/core/media";
import { outputFrameRate } from "@ai-films/core/media/ladder";
import { ladderArgs, renditionName } from "@ai-films/core/media/transcode";
import { runFfmpeg } from "@ai-films/core/media/tools";
import { mkdir } from "node:fs/promises";

const { values } = parseArgs({
  options: { json: { type: "boolean" }, seconds: { type: "string" }, height: { type: "string" } },
});
const json = values.json === true;
const seconds = Number(values.seconds ?? 60);
const height = Number(values.height ?? 1080);
const width = Math.round((height * 16) / 9 / 2) * 2;
const log = (message: string) => {
  if (!json) process.stderr.write(message + "\n");
};

const root = mkdtempSync(join(tmpdir(), "ai-films-bench-media-"));
try {
  const source = join(root, "source.mp4");
  log(`bench:media: generating a ${seconds} s ${width}x${height} clip…`);
  await runFfmpeg([
    "-nostdin",
    "-y",
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${width}x${height}:rate=25:duration=${seconds}`,
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-crf",
    "20",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-shortest",
    `file:${source}`,
  ]);

  log("bench:media: running the same ladder as one plain ffmpeg command…");
  const probe = await probeFile(source);
  const frameRate = outputFrameRate(probe.frameRate);
  const ladder = chooseLadder({ width: probe.width, height: probe.height, frameRate });
  const rawDir = join(root, "raw");
  for (const r of ladder) await mkdir(join(rawDir, renditionName(r)), { recursive: true });
  const rawStarted = performance.now();
  await runFfmpeg(ladderArgs(source, probe, ladder, rawDir, { frameRate }));
  const rawFfmpegSeconds = (performance.now() - rawStarted) / 1000;

  log("bench:media: running the pipeline…");
  const ipfs = await openIpfs({ dataDir: join(root, "ipfs") });
  const job = new Job<IngestResult>({ dir: join(root, "jobs") });
  let result: IngestResult;
  const started = performance.now();
  try {
    result = await ingestFile(
      source,
      { title: "Benchmark", aiTools: ["lavfi"] },
      {
        job,
        ipfs,
        keyStore: new KeyStore({ dir: join(root, "keys") }),
        workDir: join(root, "work"),
      },
    );
  } finally {
    await ipfs.close();
  }
  const pipelineSeconds = (performance.now() - started) / 1000;
  const stages = job.stageSeconds();

  const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
  const ipfsSeconds = stages.ipfs ?? NaN;
  const figures = {
    clip: `${seconds}s ${width}x${height}`,
    cpus: cpus().length,
    preset: process.env.MEDIA_X264_PRESET ?? "veryfast",
    durationSeconds: result.durationSeconds,
    renditions: result.renditions,
    pipelineSeconds: round(pipelineSeconds),
    rawFfmpegSeconds: round(rawFfmpegSeconds),
    overheadRatio: round(pipelineSeconds / rawFfmpegSeconds),
    ipfsAddMBps: round(result.outputBytes / 1e6 / ipfsSeconds, 1),
    realtimeFactor: round(result.durationSeconds / pipelineSeconds),
    outputBytes: result.outputBytes,
    stageSeconds: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v ?? 0)])),
    target: { overheadRatio: 1.15 },
  };

  if (!json) {
    const rows: Array<[string, string]> = [
      ["clip", `${figures.clip}, ${figures.cpus} CPUs, x264 ${figures.preset}`],
      ["renditions", figures.renditions.map((h) => `${h}p`).join(" ")],
      ...Object.entries(figures.stageSeconds).map(([k, v]): [string, string] => [`  ${k}`, `${v.toFixed(3)} s`]),
      ["pipeline", `${figures.pipelineSeconds.toFixed(3)} s`],
      ["raw ffmpeg ladder", `${figures.rawFfmpegSeconds.toFixed(3)} s`],
      ["overhead ratio", `${figures.overheadRatio.toFixed(3)} (target ≤ 1.15)`],
      ["IPFS add", `${figures.ipfsAddMBps} MB/s`],
      ["realtime factor", `${figures.realtimeFactor.toFixed(2)}x`],
      ["output", `${(figures.outputBytes / 1e6).toFixed(1)} MB`],
    ];
    const widest = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(widest)}  ${v}\n`);
  }
  process.stdout.write(JSON.stringify(figures) + "\n");
} finally {
  rmSync(root, { recursive: true, force: true });
}
