// The receipts part of `npm run bench:oracle` (issue 13): how fast an operator verifies signed
// heartbeats, and how big a period's sealed receipts archive gets.
//
//   receiptsPerSecondPerCore   verifyReceipt (WebCrypto ECDSA P-256 over the receipt's bytes) of real
//                              signed beats, one after another (one verification in flight: one core)
//   keyAuthorizationsPerSecond the wallets' EIP-712 HeartbeatKey signatures recovered (secp256k1)
//   archiveMbPerMillionBeats   the sealed archive (gzip'd JSON, AES-256-GCM, wrapped for 3 operators) of a
//                              generated archive of --archive-beats beats, extrapolated linearly to 10^6
//                              beats (the per-beat part dominates: keys are one per viewer per day)
import { getAddress, recoverTypedDataAddress, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { generateSessionKey, heartbeatKeyTypedData, signReceipt, verifyReceipt } from "@ai-films/core/receipts";
import {
  encodeArchive,
  RECEIPTS_ARCHIVE_FORMAT,
  type ArchivedBeat,
  type ArchivedKey,
  type ReceiptsArchive,
} from "@ai-films/core/oracle/receiptsArchive";
import { seal } from "@ai-films/core/oracle/sealed";

const CHAIN_ID = 31337;
const MARKET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const T0 = 1_704_067_200;
const toHex = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes).toString("hex")}`;

export interface ReceiptFigures {
  receiptsVerified: number;
  receiptsPerSecondPerCore: number;
  keyAuthorizationsPerSecond: number;
  archiveBeats: number;
  archiveViewers: number;
  archiveBytes: number;
  archiveMbPerMillionBeats: number;
  bytesPerBeat: number;
}

/**
 * A realistic archive: `viewers` viewers, one session key each (authorized for a day), watching
 * hour-long sessions (360 beats every 10 s) of films picked from 20,000, every beat really signed.
 */
async function generateArchive(beats: number, viewers: number): Promise<ReceiptsArchive> {
  const keys: ArchivedKey[] = [];
  const signers: CryptoKey[] = [];
  for (let v = 0; v < viewers; v++) {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { keyPair, publicKey } = await generateSessionKey();
    const expiresAt = T0 + 86_400;
    const walletSignature = await wallet.signTypedData(
      heartbeatKeyTypedData(CHAIN_ID, { viewer: wallet.address, publicKey, expiresAt: BigInt(expiresAt) }),
    );
    keys.push({ publicKey, viewer: wallet.address.toLowerCase() as Hex, chainId: CHAIN_ID, expiresAt, authorizedAt: T0, walletSignature });
    signers.push(keyPair.privateKey);
  }
  const out: ArchivedBeat[] = [];
  for (let i = 0; i < beats; i++) {
    const v = i % viewers;
    const n = Math.floor(i / viewers); // this viewer's n-th beat
    const session = Math.floor(n / 360);
    const filmId = String(1 + ((v * 7919 + session * 104_729) % 20_000));
    const fields = {
      viewer: keys[v].viewer,
      filmId: BigInt(filmId),
      sessionId: `s${v}-${session}`,
      seq: n % 360,
      positionSeconds: (n % 360) * 10,
    };
    const signature = toHex(await signReceipt(signers[v], fields));
    out.push({
      viewer: keys[v].viewer,
      filmId,
      sessionId: fields.sessionId,
      seq: fields.seq,
      positionSeconds: fields.positionSeconds,
      key: v,
      signature,
      at: T0 + 60 + n * 10,
      entitlement: "subscription",
    });
  }
  return { format: RECEIPTS_ARCHIVE_FORMAT, chainId: CHAIN_ID, market: MARKET, throughPeriod: 0, keys, beats: out };
}

export async function measureReceipts(options: {
  verify: number;
  archiveBeats: number;
  log: (m: string) => void;
}): Promise<ReceiptFigures> {
  const viewers = Math.max(1, Math.ceil(options.archiveBeats / 720)); // two hours of watching each
  options.log(`bench:oracle: signing ${options.archiveBeats} beats of ${viewers} viewers…`);
  const archive = await generateArchive(options.archiveBeats, viewers);

  options.log(`bench:oracle: verifying ${Math.min(options.verify, archive.beats.length)} receipts…`);
  const sample = archive.beats.slice(0, options.verify);
  // Warm the key import cache as an operator's replay would (one import per key, then many beats).
  for (const k of archive.keys)
    await verifyReceipt(k.publicKey, { viewer: k.viewer, filmId: 1n, sessionId: "warm", seq: 0 }, `0x${"00".repeat(64)}`);
  let started = performance.now();
  for (const b of sample) {
    const k = archive.keys[b.key];
    const ok = await verifyReceipt(
      k.publicKey,
      { viewer: b.viewer, filmId: BigInt(b.filmId), sessionId: b.sessionId, seq: b.seq, positionSeconds: b.positionSeconds },
      b.signature,
    );
    if (!ok) throw new Error("bench: a real receipt did not verify");
  }
  const receiptsPerSecondPerCore = sample.length / ((performance.now() - started) / 1000);

  started = performance.now();
  for (const k of archive.keys) {
    const signer = await recoverTypedDataAddress({
      ...heartbeatKeyTypedData(CHAIN_ID, { viewer: getAddress(k.viewer), publicKey: k.publicKey, expiresAt: BigInt(k.expiresAt) }),
      signature: k.walletSignature,
    });
    if (signer.toLowerCase() !== k.viewer) throw new Error("bench: a real key authorization did not recover");
  }
  const keyAuthorizationsPerSecond = archive.keys.length / ((performance.now() - started) / 1000);

  const operators = [0, 1, 2].map(() => privateKeyToAccount(generatePrivateKey()).publicKey);
  const sealed = seal(encodeArchive(archive), operators);
  return {
    receiptsVerified: sample.length,
    receiptsPerSecondPerCore,
    keyAuthorizationsPerSecond,
    archiveBeats: archive.beats.length,
    archiveViewers: viewers,
    archiveBytes: sealed.length,
    archiveMbPerMillionBeats: (sealed.length * (1_000_000 / archive.beats.length)) / 1e6,
    bytesPerBeat: sealed.length / archive.beats.length,
  };
}
