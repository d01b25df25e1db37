import { expect } from "chai";
import { get } from "node:http";
import { fileURLToPath } from "node:url";
import { parseWebWorkers, startWebCluster, WebWorkersSettingError, type WebCluster } from "@ai-films/core/platform";
import { isAiFilmsError } from "@ai-films/core/errors";

const WORKER = fileURLToPath(new URL("./fixtures/worker-server.mjs", import.meta.url));
const PORT = 4181;

interface Answer {
  pid: number;
  slot: string;
  background: string;
}

/** One request on a connection of its own (no keep-alive pool choosing the worker for us). */
function ask(): Promise<Answer | null> {
  return new Promise((resolve) => {
    const request = get({ host: "127.0.0.1", port: PORT, path: "/", agent: false, timeout: 2_000 }, (response) => {
      let body = "";
      response.on("data", (d) => (body += d));
      response.on("end", () => resolve(JSON.parse(body) as Answer));
      response.on("error", () => resolve(null));
    });
    request.on("error", () => resolve(null));
    request.on("timeout", () => request.destroy());
  });
}

/** The distinct workers that answered `n` requests (the primary hands connections round-robin). */
async function workersAnswering(n = 20): Promise<Map<number, Answer>> {
  const seen = new Map<number, Answer>();
  for (let i = 0; i < n; i++) {
    const answer = await ask();
    if (answer) seen.set(answer.pid, answer);
  }
  return seen;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("WEB_WORKERS", () => {
  it("is one by default, one per core with auto, and refuses anything else with a sentence naming the setting", () => {
    expect(parseWebWorkers(undefined)).to.equal(1);
    expect(parseWebWorkers("")).to.equal(1);
    expect(parseWebWorkers(" 3 ")).to.equal(3);
    expect(parseWebWorkers("auto", 2)).to.equal(2);
    for (const bad of ["0", "-1", "1.5", "two", "65", "1e2"]) {
      const error = (() => {
        try {
          parseWebWorkers(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error, bad).to.be.instanceOf(WebWorkersSettingError);
      expect(isAiFilmsError(error) && error.code).to.equal("INVALID_SETTING");
      expect((error as Error).message).to.include("WEB_WORKERS");
    }
  });
});

describe("the web cluster (several server processes on one port)", function () {
  this.timeout(60_000);
  let cluster: WebCluster | undefined;
  afterEach(async () => {
    await cluster?.stop(2_000);
    cluster = undefined;
  });

  it("serves from every worker on one port, gives the background role to exactly one, and keeps it filled when that worker dies", async () => {
    cluster = startWebCluster({ nextBin: WORKER, appDir: ".", port: PORT, workers: 3, log: () => undefined });
    const first = await until(async () => {
      const seen = await workersAnswering();
      return seen.size === 3 ? seen : undefined;
    });
    const background = [...first.values()].filter((w) => w.background === "1");
    expect(background, "workers with the background role").to.have.length(1);
    expect(background[0].slot).to.equal("0");

    process.kill(background[0].pid, "SIGKILL");
    const replaced = await until(async () => {
      const seen = await workersAnswering();
      const roles = [...seen.values()].filter((w) => w.background === "1");
      return seen.size === 3 && roles.length === 1 && roles[0].pid !== background[0].pid ? roles[0] : undefined;
    });
    expect(replaced.slot).to.equal("0");
  });

  it("stops every worker on stop(), leaving the port free", async () => {
    cluster = startWebCluster({ nextBin: WORKER, appDir: ".", port: PORT, workers: 2, log: () => undefined });
    await until(async () => ((await workersAnswering(6)).size === 2 ? true : undefined));
    await cluster.stop(2_000);
    expect(await cluster.done).to.equal(0);
    cluster = undefined;
    expect(await ask()).to.equal(null);
  });

  it("gives up, with exit code 1, when a worker cannot start", async () => {
    cluster = startWebCluster({
      nextBin: fileURLToPath(new URL("./fixtures/worker-fails.mjs", import.meta.url)),
      appDir: ".",
      port: PORT,
      workers: 1,
      log: () => undefined,
    });
    expect(await cluster.done).to.equal(1);
  });
});
