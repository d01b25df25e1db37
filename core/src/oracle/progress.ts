// Progress of long oracle steps on stderr: a bar on a terminal, one line per step otherwise
// (CI logs, pipes), and nothing when quiet. Stdout stays free for results.
import cliProgress from "cli-progress";

export interface Progress {
  step(label: string): void;
  done(): void;
}

export const silentProgress: Progress = { step() {}, done() {} };

export function stepProgress(title: string, steps: number, options: { quiet?: boolean } = {}): Progress {
  if (options.quiet) return silentProgress;
  if (!process.stderr.isTTY) {
    let n = 0;
    return {
      step: (label) => process.stderr.write(`${title} [${++n}/${steps}] ${label}\n`),
      done: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${title} {bar} {value}/{total} {label}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(steps, 0, { label: "" });
  let n = 0;
  return {
    step: (label) => bar.update(++n, { label }),
    done: () => bar.stop(),
  };
}
