// `npm run web:start`: the built web app in production mode, as WEB_WORKERS processes on PORT
// (default 3000) sharing one port through node:cluster (core/src/platform/webCluster.ts). WEB_WORKERS
// unset means one; "auto" one per core. `npm start` runs this too. SIGINT/SIGTERM stop every worker;
// if this process is killed outright, each worker exits when it loses the channel to it.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseWebWorkers, startWebCluster } from "@ai-films/core/platform";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

try {
  const cluster = startWebCluster({
    nextBin: path.join(ROOT, "node_modules/next/dist/bin/next"),
    appDir: path.join(ROOT, "web"),
    port: Number(process.env.PORT ?? 3000),
    workers: parseWebWorkers(process.env.WEB_WORKERS),
  });
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void cluster.stop().then(() => process.exit(0));
    });
  }
  process.exit(await cluster.done);
} catch (error) {
  console.error(`web: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
