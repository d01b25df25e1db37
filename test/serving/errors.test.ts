// The HTTP face of the error codes: one table answers every code, unknown failures answer a
// logged 500 that gives nothing away, and a route (the gateway) understands store errors made by
// another copy of the error module — the situation of Next's per-route production bundles.
import { expect } from "chai";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { AiFilmsError, ALL_ERROR_CODES, ERROR_CODES } from "@ai-films/core/errors";
import { IpfsError, type IpfsErrorCode, type IpfsStore } from "@ai-films/core/ipfs";
import { LedgerInputError } from "@ai-films/core/ledger";
import { MediaError } from "@ai-films/core/media";
import { createGateway, errorResponse, HTTP_ERRORS, methodNotAllowed, refuse } from "@ai-films/core/serving";
import { ORIGIN } from "./helpers.ts";

/** Runs `fn` with console.error captured; returns what was logged. */
async function captureErrors(fn: () => Promise<void> | void): Promise<unknown[][]> {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return logged;
}

describe("serving: error codes → HTTP", () => {
  it("answers every error code, and only those, with an error status and a reason", () => {
    expect(Object.keys(HTTP_ERRORS).sort()).to.deep.equal([...ALL_ERROR_CODES].sort());
    for (const code of ALL_ERROR_CODES) {
      const answer = HTTP_ERRORS[code];
      expect(answer, `${code} has no HTTP answer`).to.not.equal(undefined);
      expect(Number.isInteger(answer.status) && answer.status >= 400 && answer.status <= 599, code).to.equal(true);
      expect(answer.reason, code).to.match(/^[a-z]+(-[a-z]+)*$/);
    }
  });

  it("hides the message of every library error that means the machine failed", () => {
    // Refusals by the serving side (serving.*, auth.*) are written for the client; a 5xx from
    // another module carries operator detail and must answer with the table's sentence.
    for (const module of Object.keys(ERROR_CODES)) {
      if (module === "serving" || module === "auth") continue;
      for (const code of ALL_ERROR_CODES.filter((c) => c.startsWith(`${module}.`))) {
        if (HTTP_ERRORS[code].status >= 500) expect(HTTP_ERRORS[code].message, code).to.be.a("string");
      }
    }
  });

  it("answers a library error by its code, with its own sentence when it is the caller's fault", async () => {
    const response = errorResponse(new LedgerInputError("filmId must be a non-negative integer below 2^256, got -1"));
    expect(response.status).to.equal(400);
    expect(response.headers.get("content-type")).to.match(/^application\/json/);
    expect(response.headers.get("cache-control")).to.equal("no-store");
    expect(await response.json()).to.deep.equal({
      error: "malformed",
      message: "filmId must be a non-negative integer below 2^256, got -1",
    });
    const truncated = errorResponse(new MediaError("TRUNCATED", "The upload is not finished."), { body: { code: "TRUNCATED" } });
    expect(truncated.status).to.equal(409);
    expect(await truncated.json()).to.deep.equal({ error: "truncated", message: "The upload is not finished.", code: "TRUNCATED" });
  });

  it("answers a failing backend with a fixed sentence and logs the real one", async () => {
    let response!: Response;
    const logged = await captureErrors(() => {
      response = errorResponse(new IpfsError("UNREACHABLE", "Kubo RPC at http://10.0.0.7:5001 did not answer (ECONNREFUSED)"));
    });
    expect(response.status).to.equal(503);
    const text = await response.text();
    expect(JSON.parse(text).error).to.equal("ipfs-unavailable");
    expect(text).to.not.include("10.0.0.7");
    expect(String((logged[0]?.[1] as Error)?.message)).to.include("10.0.0.7");
  });

  it("answers anything else 500 internal, logged, with no message or stack of its own", async () => {
    let response!: Response;
    const secret = new Error("password authentication failed for user postgres at /srv/ledger");
    const logged = await captureErrors(() => {
      response = errorResponse(secret);
    });
    expect(response.status).to.equal(500);
    const text = await response.text();
    expect(JSON.parse(text).error).to.equal("internal");
    expect(text).to.not.match(/postgres|\/srv|at .*\.ts/);
    expect(logged.some((args) => args.includes(secret))).to.equal(true);
    // A branded error with a code this copy does not know (a newer module) is unexpected too.
    const unknownCode = { [Symbol.for("ai-films.error")]: true, module: "ipfs", code: "NEW_CODE", message: "m" };
    await captureErrors(() => {
      response = errorResponse(unknownCode);
    });
    expect(response.status).to.equal(500);
  });

  it("refuses with the table's status, keeping headers and extra fields", async () => {
    const tooLarge = refuse("too-large", "The file is 3 GB; the limit is 2 GB.", { body: { maxBytes: 2e9 } });
    expect(tooLarge.status).to.equal(413);
    expect(await tooLarge.json()).to.deep.equal({ error: "too-large", message: "The file is 3 GB; the limit is 2 GB.", maxBytes: 2e9 });
    const methodRefused = refuse("method-refused", "eth_sign is not available.");
    expect([methodRefused.status, (await methodRefused.json()).error]).to.deep.equal([403, "malformed"]);
    const notAllowed = methodNotAllowed(["GET", "HEAD"]);
    expect(notAllowed.status).to.equal(405);
    expect(notAllowed.headers.get("allow")).to.equal("GET, HEAD");
  });

  describe("route: the gateway over a store opened by another bundle", () => {
    let cid: string;
    before(async () => {
      cid = CID.create(1, raw.code, await sha256.digest(new Uint8Array([1, 2, 3]))).toString();
    });

    /** A store whose stat throws what `fail` makes (everything else is unused by these requests). */
    function storeThrowing(fail: () => unknown): IpfsStore {
      const unused = () => Promise.reject(new Error("unused"));
      return {
        backend: "helia",
        addBytes: unused,
        addDirectory: unused,
        cat: () => ({ [Symbol.asyncIterator]: () => ({ next: unused }) }),
        catBytes: unused,
        stat: () => Promise.reject(fail()),
        ls: unused,
        has: unused,
        close: () => Promise.resolve(),
      };
    }

    it("answers by code, though the errors are not instances of this copy's classes", async () => {
      // A whole second copy of the error module, as another route's bundle has.
      const copy = (await import(`${import.meta.resolve("@ai-films/core/errors")}?gateway`)) as typeof import("@ai-films/core/errors");
      const foreign = (code: IpfsErrorCode, message: string) => new copy.AiFilmsError("ipfs", code, message);
      expect(foreign("NOT_FOUND", "m")).to.not.be.instanceOf(AiFilmsError);

      const cases: [() => unknown, number, string][] = [
        [() => foreign("NOT_FOUND", "not found"), 404, "not-found"],
        [() => foreign("NOT_A_FILE", "a directory"), 404, "not-a-file"],
        [() => foreign("NOT_A_DIRECTORY", "through a file"), 404, "not-found"],
        [() => foreign("INVALID_INPUT", "bad path"), 400, "bad-path"],
        [() => foreign("BACKEND", "blockstore corrupt"), 503, "ipfs-unavailable"],
        [() => new Error("a bug"), 500, "internal"],
      ];
      for (const [fail, status, reason] of cases) {
        const gateway = createGateway({ ipfs: storeThrowing(fail) });
        let response!: Response;
        await captureErrors(async () => {
          response = await gateway.handle(new Request(`${ORIGIN}/ipfs/${cid}/master.m3u8`));
        });
        expect({ status: response.status, error: (await response.json()).error }, reason).to.deep.equal({ status, error: reason });
      }
      const missing = await createGateway({ ipfs: storeThrowing(() => foreign("NOT_FOUND", "m")) }).handle(
        new Request(`${ORIGIN}/ipfs/${cid}/master.m3u8`),
      );
      expect((await missing.json()).message).to.equal(`${cid}/master.m3u8 is not in this node's store.`);
    });
  });
});
