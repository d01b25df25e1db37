/**
 * Signed heartbeats, tried as an attacker would: forged, tampered, replayed, reordered, signed by
 * an expired key, by another wallet's key or by a key nobody authorized. Each is refused with its
 * reason and adds nothing; honest beats are credited and their receipts kept.
 */
import { expect } from "chai";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { Hex } from "viem";
import type { Database } from "@ai-films/core/db";
import { isAiFilmsError } from "@ai-films/core/errors";
import { errorResponse } from "@ai-films/core/serving";
import {
  ReceiptError,
  SESSION_KEY_MAX_LIFETIME_SECONDS,
  authorizeSessionKey,
  generateSessionKey,
  heartbeatKeyTypedData,
  recordSignedHeartbeat,
  signReceipt,
  type SignedHeartbeat,
} from "@ai-films/core/receipts";
import { describeEachBackend } from "../helpers/ledger-backends.ts";
import { CLOCK, NOW, T0, beat, counter } from "../helpers/ledger-fixtures.ts";

const CHAIN_ID = 31337;
const toHex = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes).toString("hex")}`;

interface Player {
  wallet: PrivateKeyAccount;
  viewer: string;
  keyPair: CryptoKeyPair;
  publicKey: Hex;
}

async function player(db: Database, options: { expiresAt?: number; wallet?: PrivateKeyAccount } = {}): Promise<Player> {
  const wallet = options.wallet ?? privateKeyToAccount(generatePrivateKey());
  const { keyPair, publicKey } = await generateSessionKey();
  const expiresAt = options.expiresAt ?? T0 + 3_600;
  const signature = await wallet.signTypedData(
    heartbeatKeyTypedData(CHAIN_ID, { viewer: wallet.address, publicKey, expiresAt: BigInt(expiresAt) }),
  );
  await authorizeSessionKey(db, { chainId: CHAIN_ID, viewer: wallet.address, publicKey, expiresAt, signature, now: T0 - 60 });
  return { wallet, viewer: wallet.address.toLowerCase(), keyPair, publicKey };
}

/** A beat of `p` signed by `signer` (default its own key) over the given fields. */
async function signed(
  p: Player,
  fields: { at: number; seq: number; filmId?: bigint; sessionId?: string; positionSeconds?: number },
  signer = p,
) {
  const base = beat({
    viewer: p.viewer,
    at: fields.at,
    filmId: fields.filmId ?? 1n,
    sessionId: fields.sessionId ?? "s1",
    positionSeconds: fields.positionSeconds,
  });
  const signature = await signReceipt(signer.keyPair.privateKey, {
    viewer: p.viewer,
    filmId: base.filmId as bigint,
    sessionId: base.sessionId,
    seq: fields.seq,
    positionSeconds: base.positionSeconds,
  });
  return { ...base, seq: fields.seq, publicKey: signer.publicKey, signature: toHex(signature) } satisfies SignedHeartbeat;
}

const send = (db: Database, b: SignedHeartbeat) => recordSignedHeartbeat(db, CLOCK, b, { now: NOW });

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAiFilmsError(error)) return `${error.module}.${error.code}`;
    throw error;
  }
  throw new Error("expected a refusal");
}

async function receipts(db: Database, viewer: string): Promise<{ seq: string; added_seconds: string }[]> {
  return db.query("SELECT seq::text, added_seconds::text FROM heartbeat_receipts WHERE viewer = $1 ORDER BY seq", [viewer]);
}

describeEachBackend("signed heartbeats (receipts)", (backend) => {
  it("credits beats signed by the wallet's session key and keeps each one's receipt", async () => {
    const db = await backend.open();
    const alice = await player(db);
    for (let i = 0; i < 4; i++) await send(db, await signed(alice, { at: T0 + i * 10, seq: i, positionSeconds: i * 10 }));
    expect((await counter(db, 0, alice.viewer, 1n))?.seconds).to.equal(30);
    expect(await receipts(db, alice.viewer)).to.deep.equal([
      { seq: "0", added_seconds: "0" },
      { seq: "1", added_seconds: "10" },
      { seq: "2", added_seconds: "10" },
      { seq: "3", added_seconds: "10" },
    ]);
  });

  it("refuses a forged signature and a tampered field, adding nothing", async () => {
    const db = await backend.open();
    const alice = await player(db);
    const mallory = await player(db);
    await send(db, await signed(alice, { at: T0, seq: 0 }));
    // Signed by Mallory's key but presented as Alice's key.
    const forged = { ...(await signed(alice, { at: T0 + 10, seq: 1 }, mallory)), publicKey: alice.publicKey };
    expect(await refusal(send(db, forged))).to.equal("receipts.bad-signature");
    // A genuine receipt for another film, sent for film 2.
    const tampered = { ...(await signed(alice, { at: T0 + 10, seq: 1 })), filmId: 2n };
    expect(await refusal(send(db, tampered))).to.equal("receipts.bad-signature");
    const repositioned = { ...(await signed(alice, { at: T0 + 10, seq: 1, positionSeconds: 5 })), positionSeconds: 500 };
    expect(await refusal(send(db, repositioned))).to.equal("receipts.bad-signature");
    expect(await counter(db, 0, alice.viewer, 1n)).to.equal(undefined);
    expect(await receipts(db, alice.viewer)).to.have.length(1);
    // The refused beats consumed nothing: the honest seq 1 still counts.
    expect((await send(db, await signed(alice, { at: T0 + 10, seq: 1 }))).addedSeconds).to.equal(10);
  });

  it("refuses a replayed receipt, even later, adding nothing", async () => {
    const db = await backend.open();
    const alice = await player(db);
    await send(db, await signed(alice, { at: T0, seq: 0 }));
    const second = await signed(alice, { at: T0 + 10, seq: 1 });
    await send(db, second);
    expect(await refusal(send(db, { ...second, at: T0 + 20 }))).to.equal("receipts.replayed");
    expect((await counter(db, 0, alice.viewer, 1n))?.seconds).to.equal(10);
    expect(await receipts(db, alice.viewer)).to.have.length(2);
  });

  it("refuses a reordered receipt (a lower sequence number after a higher one), adding nothing", async () => {
    const db = await backend.open();
    const alice = await player(db);
    await send(db, await signed(alice, { at: T0, seq: 0 }));
    await send(db, await signed(alice, { at: T0 + 10, seq: 5 }));
    expect(await refusal(send(db, await signed(alice, { at: T0 + 20, seq: 3 })))).to.equal("receipts.out-of-order");
    expect((await counter(db, 0, alice.viewer, 1n))?.seconds).to.equal(10);
    expect((await receipts(db, alice.viewer)).map((r) => r.seq)).to.deep.equal(["0", "5"]);
  });

  it("refuses a beat signed by an expired key, adding nothing", async () => {
    const db = await backend.open();
    const alice = await player(db, { expiresAt: T0 + 15 });
    await send(db, await signed(alice, { at: T0, seq: 0 }));
    await send(db, await signed(alice, { at: T0 + 10, seq: 1 }));
    expect(await refusal(send(db, await signed(alice, { at: T0 + 20, seq: 2 })))).to.equal("receipts.key-expired");
    expect((await counter(db, 0, alice.viewer, 1n))?.seconds).to.equal(10);
  });

  it("measures a key's lifetime on the wall clock it was set by when asked to (a local chain's clock runs ahead)", async () => {
    const db = await backend.open();
    const alice = await player(db, { expiresAt: T0 + 15 });
    // The beat's chain time is a month past the key's expiry; on the wall clock the key is live.
    const ahead = T0 + 30 * 86_400;
    const beat = await signed(alice, { at: ahead, seq: 0 });
    expect(await refusal(recordSignedHeartbeat(db, CLOCK, beat, { now: ahead }))).to.equal("receipts.key-expired");
    await recordSignedHeartbeat(db, CLOCK, beat, { now: ahead, keyNow: T0 });
    expect((await receipts(db, alice.viewer)).map((r) => r.seq)).to.deep.equal(["0"]);
    expect(
      await refusal(
        recordSignedHeartbeat(db, CLOCK, await signed(alice, { at: ahead + 10, seq: 1 }), { now: ahead + 10, keyNow: T0 + 15 }),
      ),
    ).to.equal("receipts.key-expired");
  });

  it("refuses a beat signed by another wallet's key, or a key nobody authorized, adding nothing", async () => {
    const db = await backend.open();
    const alice = await player(db);
    const bob = await player(db);
    // Bob's key, Bob's valid signature, but over Alice's beat: the key does not speak for Alice.
    const withBobsKey = await signed(alice, { at: T0, seq: 0 }, bob);
    expect(await refusal(send(db, withBobsKey))).to.equal("receipts.key-unknown");
    const stray = { ...alice, ...(await generateSessionKey()) };
    expect(await refusal(send(db, await signed(alice, { at: T0, seq: 0 }, stray)))).to.equal("receipts.key-unknown");
    expect(await db.query("SELECT 1 FROM heartbeat_sessions")).to.have.length(0);
    expect(await receipts(db, alice.viewer)).to.have.length(0);
  });

  describe("key authorization", () => {
    async function authorize(
      db: Database,
      over: { signer?: PrivateKeyAccount; viewer?: string; expiresAt?: number; publicKey?: Hex } = {},
    ) {
      const wallet = privateKeyToAccount(generatePrivateKey());
      const publicKey = over.publicKey ?? (await generateSessionKey()).publicKey;
      const viewer = (over.viewer ?? wallet.address) as Hex;
      const expiresAt = over.expiresAt ?? T0 + 600;
      const signature = await (over.signer ?? wallet).signTypedData(
        heartbeatKeyTypedData(CHAIN_ID, { viewer, publicKey, expiresAt: BigInt(expiresAt) }),
      );
      return authorizeSessionKey(db, { chainId: CHAIN_ID, viewer, publicKey, expiresAt, signature, now: T0 });
    }

    it("refuses an authorization signed by another wallet", async () => {
      const db = await backend.open();
      const other = privateKeyToAccount(generatePrivateKey());
      expect(await refusal(authorize(db, { signer: other }))).to.equal("receipts.key-authorization");
    });

    it("refuses a lifetime that is over or longer than the rules allow", async () => {
      const db = await backend.open();
      expect(await refusal(authorize(db, { expiresAt: T0 }))).to.equal("receipts.key-lifetime");
      expect(await refusal(authorize(db, { expiresAt: T0 + SESSION_KEY_MAX_LIFETIME_SECONDS + 1 }))).to.equal("receipts.key-lifetime");
    });

    it("refuses a key another wallet already authorized", async () => {
      const db = await backend.open();
      const { publicKey } = await generateSessionKey();
      await authorize(db, { publicKey });
      expect(await refusal(authorize(db, { publicKey }))).to.equal("receipts.key-taken");
    });

    it("refuses a malformed key", async () => {
      const db = await backend.open();
      expect(await refusal(authorize(db, { publicKey: `0x02${"ab".repeat(32)}` }))).to.equal("receipts.key-malformed");
    });
  });
});

describe("signed heartbeats: refusals over HTTP", () => {
  const codes = [
    "key-malformed",
    "key-lifetime",
    "key-authorization",
    "key-taken",
    "key-unknown",
    "key-expired",
    "bad-signature",
    "replayed",
    "out-of-order",
  ] as const;
  for (const code of codes) {
    it(`receipts.${code} answers a 4xx JSON reason`, async () => {
      const response = errorResponse(new ReceiptError(code, "refused"));
      expect(response.status).to.be.within(400, 499);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.message).to.equal("refused");
      expect(body.error).to.match(code === "key-malformed" ? /^malformed$/ : /^receipt-/);
    });
  }
});
