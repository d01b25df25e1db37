// `npm start` when something is in the way: a port in use stops it with a sentence naming the
// port and its setting, and a step that fails after the chain started stops the chain too — no
// process left holding a port.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { assertPortFree } from "@ai-films/core/platform/ports";

function runStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("npm start when something is in the way", function () {
  this.timeout(120_000);
  const webPort = 4291 + Math.floor(Math.random() * 4) * 2;
  const rpcPort = webPort + 1;
  let dataDir: string;
  const env = () => ({
    AI_FILMS_DATA_DIR: dataDir,
    PORT: String(webPort),
    RPC_PORT: String(rpcPort),
    AI_FILMS_DEPLOYMENT_ID: `platform-start-test-${webPort}`,
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "start-"));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(path.join("ignition/deployments", env().AI_FILMS_DEPLOYMENT_ID), { recursive: true, force: true });
  });

  it("names the web port in use (PORT) and starts nothing", async () => {
    const server = await occupy(webPort);
    try {
      const { code, output } = await runStart(env());
      expect(code).to.equal(1);
      expect(output).to.include(`start: port ${webPort} (PORT, the web app) is already in use`);
      expect(output).not.to.include("starting the local chain");
    } finally {
      server.close();
    }
  });

  it("refuses a WEB_WORKERS it cannot use with a sentence naming it, and starts nothing", async () => {
    const { code, output } = await runStart({ ...env(), WEB_WORKERS: "0" });
    expect(code).to.equal(1);
    expect(output).to.include('start: WEB_WORKERS must be a whole number from 1 to 64 or "auto" (one per core), got "0"');
    expect(output).not.to.include("starting the local chain");
  });

  it("names the chain's port in use (RPC_PORT) and leaves no chain behind", async () => {
    const server = await occupy(rpcPort);
    try {
      const { code, output } = await runStart(env());
      expect(code).to.equal(1);
      expect(output).to.include(`start: port ${rpcPort} (RPC_PORT, the local chain) is already in use`);
      expect(existsSync(path.join(dataDir, "chain/anvil.pid"))).to.equal(false);
    } finally {
      server.close();
    }
  });

  it("stops the chain it started when a later step fails", async () => {
    // Ignition refuses this deployment id, after the chain is up.
    const { code, output } = await runStart({ ...env(), AI_FILMS_DEPLOYMENT_ID: "not a valid id" });
    expect(code).to.equal(1);
    expect(output).to.include("deploying the contracts");
    expect(output).to.match(/start: hardhat ignition deploy failed/);
    await assertPortFree(rpcPort, "the local chain"); // nothing listens there any more
    expect(existsSync(path.join(dataDir, "chain/anvil.pid"))).to.equal(false);
  });
});
