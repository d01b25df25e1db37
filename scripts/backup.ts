// `npm run backup [-- <dir>]` and `npm run restore <dir>`: see core/src/platform/backup.ts for what a
// backup holds and why it is consistent while the platform runs.
import path from "node:path";
import { displayPath, LedgerOwnedError } from "@ai-films/core/db/ownership";
import { BackupError, backupPlatform, restorePlatform } from "@ai-films/core/platform/backup";
import { dataRoot, PROJECT_ROOT } from "@ai-films/core/paths";

const USAGE = `Usage: npm run backup [-- <dir>]   snapshot the platform's state (default backups/ai-films-<time>)
       npm run restore <dir>         bring the stopped platform's data directory back to a backup`;

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

async function main(argv: string[]): Promise<void> {
  const [command, target, ...extra] = argv;
  if (extra.length > 0 || (command !== "backup" && command !== "restore") || (command === "restore" && !target)) {
    console.error(USAGE);
    process.exitCode = 1;
    return;
  }
  const data = displayPath(dataRoot());
  if (command === "backup") {
    const dir = target ?? path.join(PROJECT_ROOT, "backups", `ai-films-${new Date().toISOString().replace(/[:.]/g, "-")}`);
    const manifest = await backupPlatform(dir);
    const rows = Object.values(manifest.ledger).reduce((a, b) => a + b, 0);
    console.log(
      `backup of ${data}/ written to ${displayPath(dir)}: ledger (${rows} rows), ` +
        `${manifest.files} files (${megabytes(manifest.bytes)}: chain, IPFS blocks, sealed film keys, oracle files)` +
        `${manifest.deployments.length ? `, deployments ${manifest.deployments.join(", ")}` : ""}.`,
    );
    console.log(`The media master key is not in it: keep ${data}/media-master-key (or MEDIA_MASTER_KEY) somewhere else.`);
    return;
  }
  const report = await restorePlatform(target!);
  console.log(
    `restored ${data}/ from ${displayPath(target!)} (taken ${report.manifest.createdAt})` +
      (report.setAside ? `; what it held before is in ${displayPath(report.setAside)}` : "") +
      ".",
  );
  if (!report.masterKeyPresent) {
    console.log(
      `No media master key here: put it back in ${data}/media-master-key (or set MEDIA_MASTER_KEY), or the films' keys cannot be opened.`,
    );
  }
}

main(process.argv.slice(2)).catch((error) => {
  const known = error instanceof BackupError || error instanceof LedgerOwnedError;
  console.error(`${process.argv[2] ?? "backup"}: ${known ? error.message : error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
