/**
 * One holder at a time for a named role across processes and machines that share a PostgreSQL
 * database: a session-level advisory lock, held on a connection of its own for as long as the
 * role is held. If the holder dies, its connection drops, PostgreSQL releases the lock, and a
 * waiting process takes over within `retryMs`. (PGlite has one backend session for every client of
 * its owner, so advisory locks there do not tell processes apart: the platform gives the role to
 * one process instead; see core/src/platform/webCluster.ts.)
 */
import { createHash } from "node:crypto";
import pg from "pg";

export interface Leadership {
  /** Stops trying, or gives the role up (closing the lock's connection). */
  release(): Promise<void>;
}

export interface LeadershipOptions {
  /** How often a process that does not hold the role asks again (default 5 s). */
  retryMs?: number;
  log?: (line: string) => void;
}

/** The advisory lock key of a role name: the first 8 bytes of its SHA-256, as a signed bigint. */
export function advisoryKey(name: string): bigint {
  return createHash("sha256").update(`ai-films:${name}`).digest().readBigInt64BE(0);
}

/**
 * Calls `lead` each time this process becomes the holder of `name` and the function it returned
 * (stop the work) when it loses the role (the lock's connection failed) or on release().
 */
export function holdLeadership(
  databaseUrl: string,
  name: string,
  lead: () => Promise<() => Promise<void>>,
  options: LeadershipOptions = {},
): Leadership {
  const retryMs = options.retryMs ?? 5_000;
  const log = options.log ?? (() => undefined);
  const key = advisoryKey(name).toString();
  let released = false;
  let client: pg.Client | undefined;
  let stopWork: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, retryMs);
    });

  const loop = (async () => {
    while (!released) {
      const candidate = new pg.Client({ connectionString: databaseUrl });
      let lost!: () => void;
      const connectionLost = new Promise<void>((resolve) => (lost = resolve));
      candidate.on("error", () => lost());
      candidate.on("end", () => lost());
      try {
        await candidate.connect();
        const rows = await candidate.query<{ held: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS held", [key]);
        if (rows.rows[0]?.held && !released) {
          client = candidate;
          log(`${name}: this process holds the role`);
          stopWork = await lead();
          await Promise.race([connectionLost, new Promise<void>((resolve) => (wake = resolve))]);
          if (!released) log(`${name}: lost the lock's connection; stopping and trying again`);
          await stopWork?.();
          stopWork = undefined;
        }
      } catch (error) {
        log(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
      client = undefined;
      await candidate.end().catch(() => undefined);
      if (!released) await sleep();
    }
  })();

  return {
    async release() {
      released = true;
      clearTimeout(timer);
      wake?.();
      await client?.end().catch(() => undefined);
      await loop;
    },
  };
}
