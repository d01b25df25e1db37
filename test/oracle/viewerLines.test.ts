// The tally's viewer tree (issue 13 point 5): one salted line per (viewer, film), built like
// OpenZeppelin's StandardMerkleTree and checked in the browser without the library; the public
// file carries only the root and sums (format 3, format 2 still read); the lines, salts and proofs
// live in the platform database and are read back per viewer, for the latest posted tally only.
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import type { Hex } from "viem";
import { openDatabase, type Database } from "@ai-films/core/db";
import type { ViewerFilmCount } from "@ai-films/core/domain";
import { openIpfs } from "@ai-films/core/ipfs";
import {
  buildTallyFile,
  bytesMatchCid,
  commitViewerLines,
  parseTallyFile,
  selfCheck,
  serializeTallyFile,
  storeViewerLines,
  verifyViewerLine,
  viewerCountsOf,
  viewerLeafValue,
  viewerSalt,
  viewerSaltKey,
  TALLY_FORMAT,
  TALLY_FORMAT_V2,
  VIEWER_LEAF_ENCODING,
  ZERO_ROOT,
  type TallyContext,
  type TallyFile,
  type ViewerLineProof,
} from "@ai-films/core/oracle";
import { proofFromTree, standardTreeDump } from "@ai-films/core/oracle/merkleTree";

const KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(8);
const [alice, bob, carol] = ["0x" + "a1".repeat(20), "0x" + "b2".repeat(20), "0x" + "c3".repeat(20)];
const context: TallyContext = {
  chainId: 31337,
  market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  period: 3,
  revision: 0,
  periodStart: 1_000,
  periodEnd: 2_000,
  viewWeightBps: 5_000,
  pool: 1_000_000n,
};
const place = { chainId: context.chainId, market: context.market, period: context.period, revision: context.revision };
const counts: ViewerFilmCount[] = [
  { viewer: alice, filmId: 1n, views: 1n, seconds: 1_020n },
  { viewer: alice, filmId: 2n, views: 0n, seconds: 20n },
  { viewer: bob, filmId: 1n, views: 1n, seconds: 300n },
];
/** Method 1 leaves: the per-film sums of `counts`. */
const filmLeaves = [
  { filmId: 1n, views: 2n, seconds: 1_320n },
  { filmId: 2n, views: 0n, seconds: 20n },
];

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
const line = fc
  .record({
    viewer: address,
    filmId: fc.bigInt({ min: 1n, max: (1n << 256n) - 1n }),
    seconds: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    views: fc.constantFrom("0", "1"),
    salt: hex32,
  })
  .map((l) => [l.viewer, l.filmId.toString(), l.seconds.toString(), l.views, l.salt] as string[]);

describe("the tally's viewer lines", () => {
  it("builds exactly StandardMerkleTree's tree and proofs for the viewer leaf encoding", () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), (values) => {
        const library = StandardMerkleTree.of(values, [...VIEWER_LEAF_ENCODING], { sortLeaves: true });
        const ours = standardTreeDump(values, VIEWER_LEAF_ENCODING);
        expect(JSON.stringify(ours)).to.equal(JSON.stringify(library.dump()));
        values.forEach((_, i) => expect(proofFromTree(ours.tree, ours.values[i].treeIndex)).to.deep.equal(library.getProof(i)));
      }),
      { numRuns: 60 },
    );
  });

  it("verifies in the browser's way exactly what StandardMerkleTree.verify accepts", () => {
    const { summary, lines } = commitViewerLines(counts, KEY, place);
    for (const l of lines) {
      expect(verifyViewerLine(summary.root, l)).to.equal(true);
      expect(StandardMerkleTree.verify(summary.root, [...VIEWER_LEAF_ENCODING], viewerLeafValue(l), l.proof)).to.equal(true);
    }
  });

  it("refuses every tampered line or proof", () => {
    const { summary, lines } = commitViewerLines(counts, KEY, place);
    const good = lines[0];
    const flip = (h: Hex): Hex => `0x${(h[2] === "0" ? "1" : "0") + h.slice(3)}`;
    const tampered: [string, ViewerLineProof][] = [
      ["more seconds", { ...good, seconds: String(BigInt(good.seconds) + 1n) }],
      ["fewer seconds", { ...good, seconds: "0" }],
      ["a view claimed", { ...lines[1], views: "1" }],
      ["another wallet", { ...good, viewer: carol }],
      ["another film", { ...good, filmId: "9" }],
      ["another salt", { ...good, salt: flip(good.salt) }],
      ["a changed proof node", { ...good, proof: [flip(good.proof[0]), ...good.proof.slice(1)] }],
      ["a shortened proof", { ...good, proof: good.proof.slice(1) }],
      ["bob's proof", { ...good, proof: lines[2].proof }],
      ["a proof node that is not 32 bytes", { ...good, proof: ["0x1234"] }],
      ["a field out of range", { ...good, views: "2" }],
    ];
    for (const [what, l] of tampered) expect(verifyViewerLine(summary.root, l), what).to.equal(false);
    expect(verifyViewerLine(flip(summary.root), good), "another root").to.equal(false);
    expect(verifyViewerLine("not a root", good)).to.equal(false);
  });

  it("salts each line with a secret: same inputs give the same root, another key or place another", () => {
    const a = commitViewerLines(counts, KEY, place);
    expect(commitViewerLines(counts, KEY, place).summary.root).to.equal(a.summary.root);
    expect(commitViewerLines(counts, OTHER_KEY, place).summary.root).to.not.equal(a.summary.root);
    expect(commitViewerLines(counts, KEY, { ...place, revision: 1 }).summary.root).to.not.equal(a.summary.root);
    const salts = new Set(a.lines.map((l) => l.salt));
    expect(salts.size).to.equal(3);
    expect(viewerSalt(KEY, place, alice, 1n)).to.equal(viewerSalt(KEY, place, alice.toUpperCase().replace("0X", "0x"), 1n));
    expect(viewerSalt(KEY, place, alice, 1n)).to.not.equal(viewerSalt(KEY, place, bob, 1n));
    // Without the salt, a guessed line (who watched what, for how long) cannot be tested against the root.
    const unsalted = { ...a.lines[0], salt: ZERO_ROOT };
    expect(verifyViewerLine(a.summary.root, unsalted)).to.equal(false);
  });

  it("keeps the viewer-salt key in the oracle folder, created once and private, or takes it from the environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ai-films-salt-"));
    const saved = process.env.ORACLE_VIEWER_SALT_KEY;
    try {
      delete process.env.ORACLE_VIEWER_SALT_KEY;
      const [first, again] = [await viewerSaltKey(31337, dir), await viewerSaltKey(31337, dir)];
      expect(first).to.have.length(32);
      expect(Buffer.from(again).equals(Buffer.from(first))).to.equal(true);
      expect(statSync(join(dir, "chain-31337", "viewer-salt.key")).mode & 0o077).to.equal(0);
      process.env.ORACLE_VIEWER_SALT_KEY = "ab".repeat(32);
      expect(Buffer.from(await viewerSaltKey(31337, dir)).toString("hex")).to.equal("ab".repeat(32));
      process.env.ORACLE_VIEWER_SALT_KEY = "short";
      await viewerSaltKey(31337, dir).then(
        () => expect.fail("a short key was taken"),
        (e: Error) => expect(e.message).to.match(/64 hex digits/),
      );
    } finally {
      if (saved === undefined) delete process.env.ORACLE_VIEWER_SALT_KEY;
      else process.env.ORACLE_VIEWER_SALT_KEY = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the tally file's viewer root", () => {
  const commitment = commitViewerLines(counts, KEY, place);
  const file = buildTallyFile(context, filmLeaves, { version: 1 }, commitment);
  const tamper = (change: (f: TallyFile) => void) => {
    const copy = JSON.parse(serializeTallyFile(file)) as TallyFile;
    change(copy);
    return selfCheck(copy);
  };

  it("is format 3, carries the root and sums but no wallet, salt or line", () => {
    expect(file.format).to.equal(TALLY_FORMAT);
    expect(file.viewers).to.deep.include({ root: commitment.summary.root, lines: 3, views: "2", seconds: "1340" });
    const text = serializeTallyFile(file).toLowerCase();
    for (const who of [alice, bob]) expect(text).to.not.include(who.slice(2));
    for (const l of commitment.lines) expect(text).to.not.include(l.salt.slice(2));
    expect(selfCheck(file)).to.deep.equal([]);
    expect(parseTallyFile(serializeTallyFile(file)).viewers?.root).to.equal(commitment.summary.root);
  });

  it("self-check catches a tampered viewer root or its sums", () => {
    expect(tamper((f) => (f.viewers!.root = "0x1234" as Hex)).join()).to.match(/not 32 bytes/);
    expect(tamper((f) => (f.viewers!.root = ZERO_ROOT)).join()).to.match(/does not fit its 3 viewer lines/);
    expect(tamper((f) => (f.viewers!.lines = 1)).join()).to.match(/cannot cover its 2 films/);
    expect(tamper((f) => (f.viewers!.seconds = "9999")).join()).to.match(/add up to/);
    expect(tamper((f) => (f.viewers!.leafEncoding = ["address"])).join()).to.match(/leaf encoding/);
    expect(tamper((f) => delete f.viewers).join()).to.match(/no viewer root/);
    expect(tamper((f) => (f.format = TALLY_FORMAT_V2)).join()).to.match(/ai-films-tally\/2 tally carries a viewer root/);
    expect(() => parseTallyFile(JSON.stringify({ ...file, viewers: { ...file.viewers, root: ZERO_ROOT } }))).to.throw(/tampered/);
  });

  it("an empty period commits to the zero root; a format 2 file (no viewer root) is still read", () => {
    const empty = buildTallyFile(context, [], { version: 1 }, commitViewerLines([], KEY, place));
    expect(empty.viewers).to.deep.include({ root: ZERO_ROOT, lines: 0 });
    expect(selfCheck(empty)).to.deep.equal([]);
    const old = buildTallyFile(context, filmLeaves);
    expect(old.format).to.equal(TALLY_FORMAT_V2);
    expect(old.viewers).to.equal(undefined);
    expect(parseTallyFile(serializeTallyFile(old)).root).to.equal(file.root);
  });

  it("checks a file's bytes against its CID as IPFS computed it, and says when it cannot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ai-films-cid-"));
    const ipfs = await openIpfs({ dataDir: join(dir, "ipfs") });
    try {
      const bytes = new TextEncoder().encode(serializeTallyFile(file));
      const cid = await ipfs.addBytes(bytes);
      expect(await bytesMatchCid(cid, bytes)).to.equal(true);
      const altered = bytes.slice();
      altered[10] ^= 1;
      expect(await bytesMatchCid(cid, altered)).to.equal(false);
      expect(await bytesMatchCid("not a cid", bytes)).to.equal(false);
      // A multi-block file's CID is a dag-pb node: not checkable from the bytes alone.
      const big = await ipfs.addBytes(new Uint8Array(300_000).fill(1));
      expect(await bytesMatchCid(big, new Uint8Array(300_000).fill(1))).to.equal(null);
      expect(await bytesMatchCid(CID.create(1, 0x55, await sha256.digest(bytes)).toString(), bytes)).to.equal(true);
    } finally {
      await ipfs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("viewer lines in the platform database", () => {
  let db: Database;
  const commitment = commitViewerLines(counts, KEY, place);
  const tallyRoot = buildTallyFile(context, filmLeaves, { version: 1 }, commitment).root;
  let log = 0;
  const post = (period: number, root: string, status = "posted") =>
    db.query(
      `INSERT INTO tallies (tx_hash, log_index, block_number, block_time, period, root, total_views, total_seconds, leaf_count,
                            view_weight_bps, data_cid, signers, claimable_at, status)
       VALUES ($1, 0, $2, 0, $3, $4, 0, 0, 0, 5000, 'bafkreitest', '{}', 99, $5)`,
      [`0x${(++log).toString(16).padStart(64, "0")}`, log, period, root, status],
    );

  before(async () => {
    db = await openDatabase({ dataDir: "memory://" });
  });
  after(async () => {
    await db?.close();
  });

  it("nothing before the tally is posted; once posted, each wallet reads its own lines and nobody else's", async () => {
    await storeViewerLines(db, 3, tallyRoot, commitment);
    await storeViewerLines(db, 3, tallyRoot, commitment); // idempotent
    expect(await viewerCountsOf(db, alice)).to.deep.equal([]);
    await post(3, tallyRoot);
    const [mine] = await viewerCountsOf(db, alice.toUpperCase().replace("0X", "0x"));
    expect(mine).to.include({ period: 3, root: tallyRoot, dataCid: "bafkreitest", claimableAt: 99 });
    expect(mine.lines.map((l) => [l.viewer, l.filmId, l.seconds, l.views])).to.deep.equal([
      [alice, "1", "1020", "1"],
      [alice, "2", "20", "0"],
    ]);
    for (const l of mine.lines) expect(verifyViewerLine(commitment.summary.root, l)).to.equal(true);
    const bobs = await viewerCountsOf(db, bob);
    expect(bobs[0].lines.map((l) => l.viewer)).to.deep.equal([bob]);
    expect(await viewerCountsOf(db, carol)).to.deep.equal([]);
    expect(await viewerCountsOf(db, alice, { period: 4 })).to.deep.equal([]);
    expect(await viewerCountsOf(db, alice, { period: 3 })).to.have.length(1);
  });

  it("serves only the latest posted tally's lines: none once it is disputed, the replacement's after", async () => {
    await post(3, tallyRoot, "disputed");
    expect(await viewerCountsOf(db, alice)).to.deep.equal([]);
    const revised = commitViewerLines(counts.slice(0, 1), KEY, { ...place, revision: 1 });
    const revisedRoot = buildTallyFile({ ...context, revision: 1 }, filmLeaves.slice(0, 1), { version: 1 }, revised).root;
    await storeViewerLines(db, 3, revisedRoot, revised);
    await post(3, revisedRoot);
    const [mine] = await viewerCountsOf(db, alice);
    expect(mine.lines).to.have.length(1);
    expect(mine.lines[0].viewerRoot).to.equal(revised.summary.root);
    expect(verifyViewerLine(revised.summary.root, mine.lines[0])).to.equal(true);
  });
});
