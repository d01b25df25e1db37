// The one error type: every library error is an AiFilmsError with a module and a code, and is
// recognised by its brand, not its class — so an error made by another bundled copy of the
// modules (what Next's production build gives each route) is still understood.
import { expect } from "chai";
import { ChainError } from "@ai-films/core/chain/context";
import { DeploymentExportError } from "@ai-films/core/deployments/export";
import { AiFilmsError, ALL_ERROR_CODES, errorCodeOf, isAiFilmsError } from "@ai-films/core/errors";
import { MetadataInvalidError, QueryInputError } from "@ai-films/core/indexer";
import { IpfsError } from "@ai-films/core/ipfs";
import { LedgerInputError } from "@ai-films/core/ledger";
import { MediaError } from "@ai-films/core/media";
import { OracleError } from "@ai-films/core/oracle/errors";
import { LivepeerError, SessionConfigError, SignInError } from "@ai-films/core/serving";

/** A second, separately loaded copy of a module (a query string makes it a new module instance). */
async function loadCopy<T>(specifier: string): Promise<T> {
  return import(`${import.meta.resolve(specifier)}?copy`) as Promise<T>;
}

describe("errors: one base class, recognised by brand", () => {
  it("recognises an error made by another copy of the module, which instanceof does not", async () => {
    const copy = await loadCopy<typeof import("@ai-films/core/errors")>("@ai-films/core/errors");
    expect(copy.AiFilmsError).to.not.equal(AiFilmsError);

    const foreign = new copy.AiFilmsError("ipfs", "NOT_FOUND", "bafy… is not in the store.");
    expect(foreign).to.not.be.instanceOf(AiFilmsError);
    expect(isAiFilmsError(foreign)).to.equal(true);
    expect(isAiFilmsError(foreign, "ipfs")).to.equal(true);
    expect(isAiFilmsError(foreign, "ipfs.NOT_FOUND")).to.equal(true);
    expect(isAiFilmsError(foreign, "ipfs.BACKEND")).to.equal(false);
    expect(isAiFilmsError(foreign, "media")).to.equal(false);

    // And the other way round: the copy understands this copy's errors.
    const ours = new IpfsError("NOT_A_FILE", "a directory");
    expect(ours).to.not.be.instanceOf(copy.AiFilmsError);
    expect(copy.isAiFilmsError(ours, "ipfs.NOT_A_FILE")).to.equal(true);
  });

  it("goes by the brand alone: a branded object counts, a look-alike without it does not", () => {
    const branded = { [Symbol.for("ai-films.error")]: true, module: "ledger", code: "INVALID_INPUT", message: "bad" };
    expect(isAiFilmsError(branded, "ledger.INVALID_INPUT")).to.equal(true);

    const lookAlike = Object.assign(new Error("not found"), { name: "IpfsError", module: "ipfs", code: "NOT_FOUND" });
    expect(isAiFilmsError(lookAlike)).to.equal(false);
    for (const value of [null, undefined, "ipfs.NOT_FOUND", 42, {}]) expect(isAiFilmsError(value)).to.equal(false);
  });

  it("keeps the brand off the error's own properties, so logs and JSON do not show it", () => {
    const error = new LedgerInputError("filmId must be a non-negative integer");
    expect(Object.getOwnPropertySymbols(error)).to.deep.equal([]);
    expect(JSON.stringify(error)).to.not.include("ai-films.error");
  });

  it("makes every library error an AiFilmsError, keeping its class, name and module code", () => {
    const cases: [Error, new (...args: never[]) => Error, string, string][] = [
      [new IpfsError("NOT_FOUND", "m"), IpfsError, "IpfsError", "ipfs.NOT_FOUND"],
      [new MediaError("TRUNCATED", "m"), MediaError, "MediaError", "media.TRUNCATED"],
      [new OracleError("m"), OracleError, "OracleError", "oracle.FAILED"],
      [new OracleError("m", 3, "CONFLICT"), OracleError, "OracleError", "oracle.CONFLICT"],
      [new LedgerInputError("m"), LedgerInputError, "LedgerInputError", "ledger.INVALID_INPUT"],
      [new ChainError("UNREACHABLE", "m"), ChainError, "ChainError", "chain.UNREACHABLE"],
      [new DeploymentExportError("INCOMPLETE", "m", "detail"), DeploymentExportError, "DeploymentExportError", "deployments.INCOMPLETE"],
      [new QueryInputError("m"), QueryInputError, "QueryInputError", "indexer.INVALID_QUERY"],
      [new MetadataInvalidError("m"), MetadataInvalidError, "MetadataInvalidError", "indexer.INVALID_METADATA"],
      [new SessionConfigError("m"), SessionConfigError, "SessionConfigError", "auth.session-config"],
      [new SignInError("nonce-used", "m"), SignInError, "SignInError", "auth.nonce-used"],
      [new LivepeerError("timeout", "m"), LivepeerError, "LivepeerError", "livepeer.timeout"],
    ];
    for (const [error, cls, name, code] of cases) {
      expect(error, name).to.be.instanceOf(cls).and.instanceOf(AiFilmsError).and.instanceOf(Error);
      expect(error.name).to.equal(name);
      expect(isAiFilmsError(error, code as never), name).to.equal(true);
      expect(errorCodeOf(error as AiFilmsError)).to.equal(code);
      expect(ALL_ERROR_CODES).to.include(code);
    }
    // The module-local codes callers already read stay as they were.
    expect(new MediaError("EMPTY_FILE", "m").code).to.equal("EMPTY_FILE");
    expect(new LivepeerError("asset-failed", "m").code).to.equal("asset-failed");
  });

  it("carries the cause and the details", () => {
    const cause = new Error("ECONNREFUSED");
    const error = new AiFilmsError("chain", "UNREACHABLE", "No RPC answering.", { cause, details: "http://10.0.0.7:8545" });
    expect(error.cause).to.equal(cause);
    expect(error.details).to.equal("http://10.0.0.7:8545");
    expect(new AiFilmsError("chain", "UNREACHABLE", "m")).to.not.have.property("details");
  });
});
