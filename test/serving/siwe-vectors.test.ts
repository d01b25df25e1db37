// EIP-4361 conformance of our sign-in. The vectors are written here from the EIP's ABNF grammar and
// cover the defects the reference implementation's (spruceid/siwe) parsing and verification vectors
// exercise: fields out of order, a non-EIP-55 address, a statement with a line break, resources not
// one per line or not URIs, and so on. Each is adapted to this site (our domain, URI and chain, a
// fresh nonce from our server, the signer's address, current times) so that its one defect is the
// only thing wrong, then signed by a real key and posted to the sign-in handler.
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { openDatabase, type Database } from "@ai-films/core/db";
import { createAuth, ledgerAuthStore, type Auth } from "@ai-films/core/serving";
import { DOMAIN, ORIGIN, signInRequest } from "./helpers.ts";

const { provider } = await network.create();
const publicClient = createPublicClient({ transport: custom(provider) }) as PublicClient;
const CHAIN_ID = await publicClient.getChainId();
const SECRET = new TextEncoder().encode("test-secret-test-secret-test-secret!");

/** What a vector is built from: the values only our server and the signer can supply. */
interface Site {
  address: string;
  nonce: string;
  issuedAt: string;
  /** An hour from now, for Expiration Time. */
  later: string;
  /** A minute ago, for Not Before. */
  earlier: string;
}
type Vector = (s: Site) => string;

const HEADER = `${DOMAIN} wants you to sign in with your Ethereum account:`;
/** The required fields after the statement block, in the grammar's order. */
const required = (s: Site) => [`URI: ${ORIGIN}`, "Version: 1", `Chain ID: ${CHAIN_ID}`, `Nonce: ${s.nonce}`, `Issued At: ${s.issuedAt}`];
const lines = (...parts: (string | string[])[]) => parts.flat().join("\n");
/** header, address, blank, [statement], blank, fields — the grammar's layout. */
const message = (s: Site, statement: string | null, fields: string[]) =>
  lines(HEADER, s.address, "", statement === null ? [] : [statement], "", fields);

const POSITIVE: Record<string, Vector> = {
  "required fields only, no statement": (s) => message(s, null, required(s)),
  "with a statement": (s) => message(s, "Sign in to AI Films.", required(s)),
  "a statement with URI-reserved characters": (s) =>
    message(s, "Read the terms: https://localhost:3000/terms?a=1&b=2 (v1); ok!", required(s)),
  "every optional field, in order": (s) =>
    message(s, "Sign in to AI Films.", [
      ...required(s),
      `Expiration Time: ${s.later}`,
      `Not Before: ${s.earlier}`,
      "Request ID: 7f3c-41a9",
      "Resources:",
      "- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
      `- ${ORIGIN}/films/1`,
    ]),
  "with the scheme of our origin": (s) => lines(`http://${HEADER}`, s.address, "", "", required(s)),
  "times with an offset and without fractional seconds": (s) =>
    message(s, null, [
      ...required(s).slice(0, 4),
      `Issued At: ${offsetTime(s.issuedAt)}`,
      `Expiration Time: ${s.later.replace(/\.\d+Z$/, "Z")}`,
    ]),
  "an empty request id": (s) => message(s, null, [...required(s), "Request ID: "]),
};

const NEGATIVE: Record<string, Vector> = {
  // fields out of order
  "expiration time after not before": (s) => message(s, null, [...required(s), `Not Before: ${s.earlier}`, `Expiration Time: ${s.later}`]),
  "request id before not before": (s) => message(s, null, [...required(s), "Request ID: 42", `Not Before: ${s.earlier}`]),
  "resources before request id": (s) => message(s, null, [...required(s), "Resources:", `- ${ORIGIN}/a`, "Request ID: 42"]),
  "nonce before chain id": (s) => {
    const [uri, version, chain, nonce, issued] = required(s);
    return message(s, null, [uri, version, nonce, chain, issued]);
  },
  "version before uri": (s) => {
    const [uri, version, ...rest] = required(s);
    return message(s, null, [version, uri, ...rest]);
  },
  "issued at before nonce": (s) => {
    const [uri, version, chain, nonce, issued] = required(s);
    return message(s, null, [uri, version, chain, issued, nonce]);
  },
  // the address
  "address all lower case (not EIP-55)": (s) => message(s, null, required(s)).replace(s.address, s.address.toLowerCase()),
  "address with a wrong checksum": (s) => message(s, null, required(s)).replace(s.address, flipCase(s.address)),
  "address without 0x": (s) => message(s, null, required(s)).replace(s.address, s.address.slice(2)),
  // the statement
  "statement with a line break": (s) => message(s, "Sign in to AI Films.\nAnd approve everything.", required(s)),
  "statement without the blank line after it": (s) => lines(HEADER, s.address, "", "Sign in to AI Films.", required(s)),
  "no blank line between address and statement": (s) => lines(HEADER, s.address, "Sign in to AI Films.", "", required(s)),
  // resources
  "two resources on one line": (s) => message(s, null, [...required(s), "Resources:", `- ${ORIGIN}/a ${ORIGIN}/b`]),
  "a resource that is not a URI": (s) => message(s, null, [...required(s), "Resources:", "- not a uri"]),
  "a resource without its dash": (s) => message(s, null, [...required(s), "Resources:", `${ORIGIN}/a`]),
  "resources on the Resources line": (s) => message(s, null, [...required(s), `Resources: ${ORIGIN}/a`]),
  // other fields
  "a URI that is not a URI": (s) => message(s, null, [`URI: not a uri`, ...required(s).slice(1)]),
  "version 2": (s) => message(s, null, required(s)).replace("Version: 1", "Version: 2"),
  "a chain id that is not a number": (s) => message(s, null, required(s)).replace(`Chain ID: ${CHAIN_ID}`, "Chain ID: 0x7a69"),
  "issued at that is not a date": (s) => message(s, null, required(s)).replace(s.issuedAt, "yesterday"),
  "issued at with an impossible date": (s) => message(s, null, required(s)).replace(/Issued At: \d{4}-\d\d-\d\d/, "Issued At: 2026-13-45"),
  "expiration time that is not a date": (s) => message(s, null, [...required(s), "Expiration Time: soon"]),
  "no issued at": (s) => message(s, null, required(s).slice(0, 4)),
  "no version": (s) =>
    message(
      s,
      null,
      required(s).filter((l) => !l.startsWith("Version")),
    ),
  "an unknown field": (s) => message(s, null, [...required(s), "Admin: true"]),
  "a duplicated field": (s) => message(s, null, [...required(s), `Chain ID: ${CHAIN_ID}`]),
  "a nonce of 7 characters (EIP-4361 wants at least 8)": (s) => message(s, null, required(s)).replace(s.nonce, s.nonce.slice(0, 7)),
  // the header and layout
  "a header without its colon": (s) => message(s, null, required(s)).replace("account:", "account"),
  "a domain with a path": (s) =>
    message(s, null, required(s)).replace(HEADER, `${DOMAIN}/login wants you to sign in with your Ethereum account:`),
  "a scheme that is not a scheme": (s) => lines(`1http://${HEADER}`, s.address, "", "", required(s)),
  "CRLF line endings": (s) => message(s, null, required(s)).replaceAll("\n", "\r\n"),
  "a trailing line break": (s) => message(s, null, required(s)) + "\n",
  "leading whitespace": (s) => " " + message(s, null, required(s)),
};

function flipCase(address: string): string {
  // Swap the case of the first letter in the hex part: still the same address, wrong checksum.
  const i = address.slice(2).search(/[a-fA-F]/) + 2;
  const c = address[i];
  return address.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + address.slice(i + 1);
}

/** The same instant written with a +02:00 offset and whole seconds. */
function offsetTime(iso: string): string {
  const t = new Date(Math.floor(Date.parse(iso) / 1000) * 1000 + 2 * 3_600_000);
  return t.toISOString().replace(/\.\d+Z$/, "+02:00");
}

describe("serving: Sign-In with Ethereum, EIP-4361 vectors", function () {
  this.timeout(120_000);
  let db: Database;
  let auth: Auth;
  const alice = privateKeyToAccount(generatePrivateKey());
  const mallory = privateKeyToAccount(generatePrivateKey());

  before(async () => {
    db = await openDatabase({ dataDir: "memory://" });
    auth = createAuth({ domain: DOMAIN, chainId: CHAIN_ID, publicClient, store: ledgerAuthStore(db), sessionSecret: SECRET });
  });
  after(async () => db?.close());

  async function site(): Promise<Site> {
    const { nonce } = await auth.createNonce();
    const now = Date.now();
    return {
      address: alice.address,
      nonce,
      issuedAt: new Date(now).toISOString(),
      later: new Date(now + 3_600_000).toISOString(),
      earlier: new Date(now - 60_000).toISOString(),
    };
  }
  async function post(vector: Vector, signer = alice) {
    const message = vector(await site());
    const response = await auth.signIn(signInRequest({ message, signature: await signer.signMessage({ message }) }));
    return { status: response.status, body: (await response.json()) as { error?: string; message?: string; address?: string } };
  }

  it(`accepts every positive vector (${Object.keys(POSITIVE).length})`, async () => {
    const refused: string[] = [];
    for (const [name, vector] of Object.entries(POSITIVE)) {
      const { status, body } = await post(vector);
      if (status !== 200 || body.address !== alice.address) refused.push(`${name}: ${status} ${body.error}`);
    }
    expect(refused).to.deep.equal([]);
  });

  it(`refuses every negative vector with 400 and a reason (${Object.keys(NEGATIVE).length})`, async () => {
    const accepted: string[] = [];
    for (const [name, vector] of Object.entries(NEGATIVE)) {
      const { status, body } = await post(vector);
      if (status !== 400 || body.error !== "malformed" || !body.message) accepted.push(`${name}: ${status} ${body.error ?? ""}`);
    }
    expect(accepted).to.deep.equal([]);
  });

  describe("verification vectors: a well-formed message that must still be refused", () => {
    const cases: [string, Vector, number, string, typeof alice?][] = [
      ["signed by another key", (s) => message(s, null, required(s)), 401, "bad-signature", mallory],
      [
        "expired",
        (s) => message(s, null, [...required(s), `Expiration Time: ${new Date(Date.now() - 1_000).toISOString()}`]),
        401,
        "expired",
      ],
      ["not valid before an hour from now", (s) => message(s, null, [...required(s), `Not Before: ${s.later}`]), 401, "not-yet-valid"],
      ["issued in an hour", (s) => message(s, null, required(s)).replace(s.issuedAt, s.later), 401, "not-yet-valid"],
      [
        "for another domain",
        (s) => message(s, null, required(s)).replace(HEADER, HEADER.replace(DOMAIN, "films.evil.example")),
        401,
        "wrong-domain",
      ],
      ["with another scheme than our origin's", (s) => lines(`https://${HEADER}`, s.address, "", "", required(s)), 401, "wrong-domain"],
      [
        "for another URI",
        (s) => message(s, null, required(s)).replace(`URI: ${ORIGIN}`, "URI: https://films.evil.example/"),
        401,
        "wrong-domain",
      ],
      ["for another chain", (s) => message(s, null, required(s)).replace(`Chain ID: ${CHAIN_ID}`, "Chain ID: 1"), 401, "wrong-chain"],
      [
        "with a nonce we never issued",
        (s) => message(s, null, required(s)).replace(s.nonce, "0123456789abcdef0123456789abcdef"),
        401,
        "nonce-unknown",
      ],
    ];
    for (const [name, vector, status, reason, signer] of cases) {
      it(`refuses a message ${name}: ${status} ${reason}`, async () => {
        const { status: got, body } = await post(vector, signer);
        expect({ status: got, error: body.error }).to.deep.equal({ status, error: reason });
        expect(body.message).to.be.a("string").and.not.equal("");
      });
    }

    it("refuses the signature of a different message (the signed text is what is checked)", async () => {
      const s = await site();
      const shown = message(s, "Sign in to AI Films.", required(s));
      const signature = await alice.signMessage({ message: message(s, "Approve everything.", required(s)) });
      const response = await auth.signIn(signInRequest({ message: shown, signature }));
      expect(response.status).to.equal(401);
      expect((await response.json()).error).to.equal("bad-signature");
    });
  });
});
