/**
 * How a process opens an embedded (PGlite) ledger directory without ever being its second opener.
 *
 * - If a live owner serves the directory, connect to it over the PostgreSQL wire protocol: the
 *   same `pg` code path as a real PostgreSQL deployment. This is what the oracle, the indexer and
 *   the web server do while the platform runs.
 * - If nobody owns it, own it: record the claim (ownership.ts), open PGlite here, and when asked
 *   to share (the platform; a web server started on its own) serve it on 127.0.0.1 and publish the
 *   connection string in the record. A sharing owner goes through its own server too, so every
 *   statement reaches the one PGlite session through the same scheduler.
 * - If another process holds it without sharing (a command run while the platform was stopped)
 *   or is still starting, wait for it; past the wait, say who it is and what to do.
 */
import { mkdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { PGlite } from "@electric-sql/pglite";
import { claimOwnership, describeOwner, displayPath, LedgerOwnedError, readOwner } from "./ownership.ts";
import { serveOverSocket, type SocketServerOptions } from "./socketServer.ts";

export interface EmbeddedOptions {
  /** Who is opening, named in what other openers are told: "the platform", "the oracle". */
  role?: string;
  /** When this process owns the directory, serve it on localhost (port 0: any free port). */
  share?: boolean | SocketServerOptions;
  /**
   * Refuse instead of connecting when another process serves the directory (a second platform);
   * a command holding it is still waited for.
   */
  exclusive?: boolean;
  /** How long to wait for an owner that is starting or does not share. Default 30 s. */
  waitMs?: number;
}

interface Closable {
  close(): Promise<void>;
}

export interface EmbeddedOpeners<D extends Closable> {
  /** PGlite in this process (the directory is ours). */
  direct(dataDir: string): Promise<D>;
  /** A client of the owner's server. */
  connect(url: string): D;
  /** Brings the schema up to date; runs before a sharing owner lets anyone else in. */
  prepare(driver: D): Promise<void>;
}

export async function openEmbedded<D extends Closable>(dataDir: string, options: EmbeddedOptions, open: EmbeddedOpeners<D>): Promise<D> {
  if (dataDir.includes("://")) return prepared(await open.direct(dataDir), open.prepare); // memory://: nothing to share
  const role = options.role ?? "another process";
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    const claim = await claimOwnership(dataDir, { role, shared: Boolean(options.share) });
    if ("release" in claim) {
      try {
        if (!options.share) return withCleanup(await prepared(await open.direct(dataDir), open.prepare), claim.release);
        mkdirSync(dataDir, { recursive: true });
        const pglite = await PGlite.create(dataDir);
        const served = await serveOverSocket(pglite, options.share === true ? {} : options.share).catch(async (error) => {
          await pglite.close();
          throw error;
        });
        const stopServing = async () => {
          await served.close();
          await pglite.close();
        };
        const driver = await prepared(open.connect(served.url), open.prepare).catch(async (error) => {
          await stopServing();
          throw error;
        });
        claim.publish(served.url);
        return withCleanup(driver, async () => {
          await stopServing();
          claim.release();
        });
      } catch (error) {
        claim.release();
        throw error;
      }
    }
    const owner = claim;
    if (options.exclusive && owner.shared) {
      const served = owner.url ? ` and serves it at ${owner.url}` : "";
      throw new LedgerOwnedError(
        `${describeOwner(owner)} already owns ${displayPath(dataDir)}${served}: stop it first (Ctrl-C in its terminal, or \`kill ${owner.pid}\`).`,
        owner,
      );
    }
    if (owner.url) {
      try {
        return await prepared(open.connect(owner.url), open.prepare);
      } catch (error) {
        // An owner that went away meanwhile leaves the directory to us: go round again.
        if (readOwner(dataDir)?.startedAt !== owner.startedAt) continue;
        const reason = error instanceof Error ? error.message : String(error);
        throw new LedgerOwnedError(
          `${describeOwner(owner)} owns ${displayPath(dataDir)}, but its ledger server at ${owner.url} failed: ${reason}`,
          owner,
        );
      }
    }
    if (Date.now() > deadline) {
      const sentence = owner.shared
        ? `${describeOwner(owner)} is still opening ${displayPath(dataDir)}; try again once it is up.`
        : `${describeOwner(owner)} has ${displayPath(dataDir)} open and does not share it: wait for it to finish, or stop it (\`kill ${owner.pid}\`).`;
      throw new LedgerOwnedError(sentence, owner);
    }
    await sleep(200);
  }
}

async function prepared<D extends Closable>(driver: D, prepare: (driver: D) => Promise<void>): Promise<D> {
  try {
    await prepare(driver);
  } catch (error) {
    await driver.close();
    throw error;
  }
  return driver;
}

/** The driver, whose close() also runs `after` (stop serving, release the directory). */
function withCleanup<D extends Closable>(driver: D, after: () => void | Promise<void>): D {
  const close = driver.close.bind(driver);
  return Object.assign(driver, {
    async close() {
      try {
        await close();
      } finally {
        await after();
      }
    },
  });
}
