// A local chain that survives restarts. Hardhat's node keeps its state in memory, so the platform
// runs it behind a small JSON-RPC proxy that journals every state-changing call with the
// timestamp of the block it produced; on the next start the journal is replayed, block time and
// all, into a fresh node, which gives back the same accounts, contracts, hashes and history.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PROJECT_ROOT } from "../paths.ts";

const ROOT = PROJECT_ROOT;

/** Calls that change the chain's state; everything else is forwarded without a record. */
const STATE_CHANGING = new Set([
  "eth_sendTransaction", "eth_sendRawTransaction", "evm_mine", "hardhat_mine",
  "hardhat_setBalance", "hardhat_setCode", "hardhat_setStorageAt", "hardhat_setNonce",
]);

interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export interface JournalEntry {
  method: string;
  params: unknown[];
  /** Timestamp of the latest block after the call: replay sets it back exactly. */
  blockTimestamp: number;
}

export interface LocalChain {
  url: string;
  replayed: number;
  stop(): Promise<void>;
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Hardhat node exited with code ${child.exitCode}`);
    try {
      await rpc(url, "eth_chainId");
      return;
    } catch {
      if (Date.now() - start > timeoutMs) throw new Error(`the Hardhat node did not answer at ${url} within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function readJournal(file: string): Promise<JournalEntry[]> {
  try {
    return (await readFile(file, "utf8")).split("\n").filter(Boolean).map((line) => JSON.parse(line));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/**
 * Starts `hardhat node` on an internal port, replays the journal into it, and serves the proxy on
 * `port`. `onProgress(done, total)` reports the replay.
 */
export async function startLocalChain(options: {
  dataDir: string;
  port?: number;
  internalPort?: number;
  onProgress?: (done: number, total: number) => void;
  log?: (line: string) => void;
}): Promise<LocalChain> {
  const port = options.port ?? 8545;
  const internalPort = options.internalPort ?? port + 1;
  const internalUrl = `http://127.0.0.1:${internalPort}`;
  await mkdir(options.dataDir, { recursive: true });
  const journalFile = path.join(options.dataDir, "journal.jsonl");

  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/hardhat/dist/src/cli.js"), "node", "--hostname", "127.0.0.1", "--port", String(internalPort)], {
    cwd: ROOT, stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (d) => options.log?.(String(d).trimEnd()));
  await waitFor(internalUrl, child);

  const journal = await readJournal(journalFile);
  let done = 0;
  for (const entry of journal) {
    if (entry.method !== "evm_mine" && entry.method !== "hardhat_mine") {
      await rpc(internalUrl, "evm_setNextBlockTimestamp", [entry.blockTimestamp]).catch(() => {});
    }
    const params = entry.method === "evm_mine" ? [entry.blockTimestamp] : entry.params;
    await rpc(internalUrl, entry.method, params);
    options.onProgress?.(++done, journal.length);
  }

  // State-changing calls go through one at a time and are journalled before the next starts, so
  // the journal holds them in the order the node applied them.
  let queue: Promise<unknown> = Promise.resolve();
  const forward = async (request: JsonRpcRequest) => {
    const res = await fetch(internalUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    return (await res.json()) as { error?: unknown };
  };
  const handle = (request: JsonRpcRequest): Promise<unknown> => {
    if (!STATE_CHANGING.has(request.method)) return forward(request);
    const run = queue.then(async () => {
      const body = await forward(request);
      if (!body.error) {
        const block = await rpc(internalUrl, "eth_getBlockByNumber", ["latest", false]);
        const entry: JournalEntry = { method: request.method, params: request.params ?? [], blockTimestamp: Number(BigInt(block.timestamp)) };
        await appendFile(journalFile, JSON.stringify(entry) + "\n");
      }
      return body;
    });
    queue = run.catch(() => {});
    return run;
  };

  const server: Server = createServer(async (req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type", "access-control-allow-methods": "POST" });
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let payload: JsonRpcRequest | JsonRpcRequest[];
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }));
      return;
    }
    // Requests of a batch run in order: the journal must see them as the node did.
    let answer: unknown;
    if (Array.isArray(payload)) {
      answer = [];
      for (const r of payload) (answer as unknown[]).push(await handle(r));
    } else answer = await handle(payload);
    res.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });

  return {
    url: `http://127.0.0.1:${port}`,
    replayed: journal.length,
    stop: async () => {
      await queue;
      await new Promise<void>((r) => server.close(() => r()));
      child.kill("SIGTERM");
    },
  };
}
