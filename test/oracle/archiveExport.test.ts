// What a period's receipts archive holds (archiveExport.ts): every receipt up to the period of each
// wallet that watched in it, in the order the ledger applied them, with those wallets' key
// authorizations — and nothing of a wallet that did not watch in the period (the ledger's state is
// per wallet, so its history cannot change the period's counts).
import { expect } from "chai";
import { Wallet } from "ethers";
import { openDatabase, type Database } from "@ai-films/core/db";
import { exportReceipts } from "@ai-films/core/oracle";
import { beatTimes, signedPlayer } from "../helpers/signed-beats.ts";

const PERIOD = 30 * 86_400;
const clock = { genesis: 1_000_000, periodLength: PERIOD };
const place = { chainId: 31337, market: "0x00000000000000000000000000000000000000aa" as const };

describe("Receipts archive export", function () {
  this.timeout(120_000);
  let db: Database;
  const regular = Wallet.createRandom();
  const lapsed = Wallet.createRandom();

  before(async () => {
    db = await openDatabase({ dataDir: "memory://" });
    const g = clock.genesis;
    // Period 0: both watch. Period 1: only `regular`.
    for (const wallet of [regular, lapsed]) {
      const player = await signedPlayer(db, place.chainId, clock, wallet, g + 10);
      await player.watch(1n, "p0", beatTimes(g + 100, g + 200), "subscription", 600);
    }
    const later = await signedPlayer(db, place.chainId, clock, regular, g + PERIOD + 10);
    await later.watch(1n, "p1", beatTimes(g + PERIOD + 100, g + PERIOD + 150), "subscription", 600);
  });

  after(() => db?.close());

  it("holds every wallet that watched in period 0, with its key authorizations", async () => {
    const archive = await exportReceipts(place, db, 0);
    expect(archive.throughPeriod).to.equal(0);
    expect(archive.beats).to.have.length(22);
    expect(new Set(archive.beats.map((b) => b.viewer))).to.deep.equal(
      new Set([regular.address, lapsed.address].map((a) => a.toLowerCase())),
    );
    expect(archive.keys).to.have.length(2);
  });

  it("leaves out a wallet that did not watch in the period, and keeps the earlier history of one that did", async () => {
    const archive = await exportReceipts(place, db, 1);
    expect(archive.beats.map((b) => [b.viewer, b.sessionId])).to.deep.equal([
      ...Array(11).fill([regular.address.toLowerCase(), "p0"]),
      ...Array(6).fill([regular.address.toLowerCase(), "p1"]),
    ]);
    expect(archive.keys.map((k) => k.viewer)).to.deep.equal([regular.address.toLowerCase(), regular.address.toLowerCase()]);
    const indexed = new Set(archive.beats.map((b) => b.key));
    expect(indexed).to.deep.equal(new Set([0, 1]));
  });
});
