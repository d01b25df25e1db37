/**
 * Serves an embedded PGlite over the PostgreSQL wire protocol on localhost, so the platform's
 * other processes (web server, oracle, indexer) reach the one ledger through the `pg` driver.
 *
 * pglite-socket does the protocol framing per connection (PGLiteSocketHandler); the scheduling
 * across connections is ours. PGlite is ONE backend session, and pglite-socket 0.2.17's queue
 * hands it to another connection between the messages of one extended-protocol exchange
 * (Parse/Bind/Execute/Sync): a second client's Parse replaces the first one's unnamed statement,
 * which gives bind errors or, worse, another client's rows (electric-sql/pglite#1046, seen here
 * with three pg pools). So a connection keeps the session from its first message until the
 * backend answers ReadyForQuery with status idle: whole exchanges and whole transactions run
 * alone, the way they would on a backend of their own. The price is that a client idling inside
 * an open transaction holds up everyone; the ledger's transactions never wait on anything else.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from "@electric-sql/pglite-socket";

export interface SocketServerOptions {
  host?: string;
  /** 0 lets the system pick a free port. */
  port?: number;
}

export interface ServedDatabase {
  /** How clients connect: postgres://postgres@host:port/postgres (PGlite asks for no password). */
  readonly url: string;
  /** Stops accepting, drops every connection (rolling back their open work), then resolves. */
  close(): Promise<void>;
}

export async function serveOverSocket(db: PGlite, options: SocketServerOptions = {}): Promise<ServedDatabase> {
  const host = options.host ?? "127.0.0.1";
  const session = new SessionScheduler(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server: Server = createServer((socket: Socket) => {
    // The handler calls exactly enqueue, clearQueueForHandler and clearTransactionIfNeeded on its
    // queue; SessionScheduler provides those (the library does not export its queue's type).
    const handler = new PGLiteSocketHandler({
      queryQueue: session as unknown as PGLiteSocketHandlerOptions["queryQueue"],
      closeOnDetach: true,
    });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener("close", forget);
    handler.addEventListener("error", forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as { port: number };
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map((handler) => handler.detach(true)));
      handlers.clear();
      await closed;
    },
  };
}

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/** ReadyForQuery ('Z', length 5, status): the backend is between exchanges. Status 'I' = no transaction. */
const READY_FOR_QUERY = [0x5a, 0, 0, 0, 5];
const IDLE = 0x49;
const TERMINATE = 0x58; // 'X': the client says goodbye and expects no answer

/** Frontend messages for cleaning up after a client that vanished mid-exchange. */
const frontend = {
  query(sql: string): Uint8Array {
    const body = Buffer.from(sql + "\0");
    const message = Buffer.alloc(5 + body.length);
    message.write("Q", 0);
    message.writeInt32BE(4 + body.length, 1);
    body.copy(message, 5);
    return message;
  },
  sync: (): Uint8Array => Uint8Array.from([0x53, 0, 0, 0, 4]),
};

/**
 * Gives the one PGlite session to one connection at a time, for as long as its exchange or
 * transaction lasts (see the module comment). Messages of other connections wait in arrival order.
 */
class SessionScheduler {
  private readonly waiting: Pending[] = [];
  private holder: number | null = null;
  private draining = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  /** The connection closed: its queued messages will never be answered. */
  clearQueueForHandler(handlerId: number): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i].handlerId !== handlerId) continue;
      this.waiting.splice(i, 1)[0].reject(new Error("the connection closed"));
    }
  }

  /**
   * The connection closed while holding the session: end whatever it left open, as a backend does
   * when its client goes away (ROLLBACK ends a transaction or a half-sent statement; Sync ends a
   * failed exchange, after which a failed transaction block needs its own ROLLBACK).
   */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.holder !== handlerId) return;
    const discard = { onRawData: () => undefined };
    await this.db.runExclusive(async () => {
      if (this.holder !== handlerId) return; // its last exchange finished cleanly meanwhile
      await this.db.execProtocolRawStream(frontend.query("ROLLBACK"), discard);
      await this.db.execProtocolRawStream(frontend.sync(), discard);
      if (this.db.isInTransaction()) await this.db.execProtocolRawStream(frontend.query("ROLLBACK"), discard);
      this.holder = null;
    });
    void this.drain();
  }

  private next(): Pending | undefined {
    const index = this.holder === null ? 0 : this.waiting.findIndex((p) => p.handlerId === this.holder);
    return index < 0 ? undefined : this.waiting.splice(index, 1)[0];
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        this.holder = item.handlerId;
        const tail: number[] = [];
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item!.message, {
              onRawData: (data) => {
                bytes += data.length;
                tail.push(...data.subarray(-6));
                tail.splice(0, tail.length - 6);
                item!.onData(data);
              },
            }),
          );
        } catch (error) {
          // PGlite itself failed: the handler drops this connection, whose cleanup frees the session.
          item.reject(error);
          continue;
        }
        if (item.message[0] === TERMINATE || endsIdle(tail)) this.holder = null;
        item.resolve(bytes);
      }
    } finally {
      this.draining = false;
    }
  }
}

/**
 * A response ends with ReadyForQuery exactly when its exchange is over; no other message can end a
 * response with those six bytes (the ones that may end in arbitrary bytes, DataRow, CopyData and
 * BackendKeyData, are always followed by another).
 */
function endsIdle(tail: readonly number[]): boolean {
  return tail.length === 6 && READY_FOR_QUERY.every((byte, i) => tail[i] === byte) && tail[5] === IDLE;
}
