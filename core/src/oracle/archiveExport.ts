// The platform's side of the receipts archive: `oracle tally` reads the ledger's kept receipts, seals
// them to the registered operators and adds them to IPFS; the tally file names the CID. Sealing is
// randomised, so a sidecar (receipts.json, local only, never published) remembers which CID holds
// which plaintext: tallying again with the same receipts and operators reuses the same archive.
import { createHash } from "node:crypto";
import type { Address, Hex } from "viem";
import type { ChainContext } from "../chain/context.ts";
import type { Queryable } from "../db/index.ts";
import { signerSet } from "./chainReads.ts";
import { OracleError } from "./errors.ts";
import { encodeArchive, RECEIPTS_ARCHIVE_FORMAT, type ArchivedKey, type ReceiptsArchive } from "./receiptsArchive.ts";
import { operatorAddress, seal } from "./sealed.ts";
import type { TallyStore } from "./store.ts";
import { periodFiles, readJsonIfExists, writeAtomic } from "./workdir.ts";

/**
 * The receipts a replay of `period` needs, in the order the ledger applied them: every kept receipt
 * up to the period of each viewer who has one in the period. The ledger's state is per viewer (its
 * sessions, clock, day seconds and counters), and earlier beats matter through it (a session's
 * previous beat, the clock, a day straddling the period's start), so a viewer's history comes whole;
 * a viewer with no beat in the period cannot change its counters and is left out.
 */
export async function exportReceipts(
  ctx: Pick<ChainContext, "chainId" | "market">,
  db: Queryable,
  period: number,
): Promise<ReceiptsArchive> {
  const rows = await db.query<{
    viewer: Address;
    film_id: string;
    session_id: string;
    seq: string;
    position_seconds: number | null;
    public_key: Hex;
    signature: Hex;
    at: string;
    entitlement: string;
  }>(
    `SELECT viewer, film_id::text, session_id, seq::text, position_seconds, public_key, signature, at::text, entitlement
       FROM heartbeat_receipts
      WHERE period <= $1 AND viewer IN (SELECT viewer FROM heartbeat_receipts WHERE period = $1)
      ORDER BY arrival`,
    [period],
  );
  const keyRows = await db.query<{
    public_key: Hex;
    viewer: Address;
    chain_id: string;
    expires_at: string;
    authorized_at: string;
    wallet_signature: Hex;
  }>(
    `SELECT public_key, viewer, chain_id::text, expires_at::text, authorized_at::text, wallet_signature FROM heartbeat_keys
      WHERE public_key IN (
        SELECT DISTINCT public_key FROM heartbeat_receipts
         WHERE period <= $1 AND viewer IN (SELECT viewer FROM heartbeat_receipts WHERE period = $1))
      ORDER BY public_key`,
    [period],
  );
  const keys: ArchivedKey[] = keyRows.map((k) => ({
    publicKey: k.public_key,
    viewer: k.viewer,
    chainId: Number(k.chain_id),
    expiresAt: Number(k.expires_at),
    authorizedAt: Number(k.authorized_at),
    walletSignature: k.wallet_signature,
  }));
  const index = new Map(keys.map((k, i) => [k.publicKey, i]));
  return {
    format: RECEIPTS_ARCHIVE_FORMAT,
    chainId: ctx.chainId,
    market: ctx.market,
    throughPeriod: period,
    keys,
    beats: rows.map((r) => ({
      viewer: r.viewer,
      filmId: r.film_id,
      sessionId: r.session_id,
      seq: Number(r.seq),
      positionSeconds: r.position_seconds,
      key: index.get(r.public_key)!,
      signature: r.signature,
      at: Number(r.at),
      entitlement: r.entitlement,
    })),
  };
}

/** Parses ORACLE_OPERATOR_KEYS: comma-separated uncompressed secp256k1 public keys of the operators. */
export function parseOperatorKeys(value: string | undefined): Hex[] {
  const keys = (value ?? "")
    .split(",")
    .map((k) => k.trim().toLowerCase())
    .filter(Boolean) as Hex[];
  for (const k of keys) operatorAddress(k);
  return keys;
}

interface Sidecar {
  cid: string;
  sha256: string;
  recipients: Address[];
}

/**
 * Seals the period's archive to `operatorKeys` (each must belong to a signer registered on the
 * market) and adds it to IPFS; returns its CID and what it holds.
 */
export async function writeReceiptsArchive(
  ctx: ChainContext,
  db: Queryable,
  store: TallyStore,
  period: number,
  operatorKeys: readonly Hex[],
  filesRoot?: string,
): Promise<{ cid: string; beats: number; bytes: number }> {
  if (operatorKeys.length === 0) {
    throw new OracleError(
      "No operator keys to seal the receipts archive to: set ORACLE_OPERATOR_KEYS to the registered operators' public keys (0x04…, comma-separated).",
    );
  }
  const recipients = operatorKeys.map(operatorAddress);
  const { registered } = await signerSet(ctx, recipients);
  const strangers = recipients.filter((a) => !registered.includes(a));
  if (strangers.length)
    throw new OracleError(`ORACLE_OPERATOR_KEYS names ${strangers.join(", ")}, not a registered oracle signer of ${ctx.market}.`);
  const archive = await exportReceipts(ctx, db, period);
  const plain = encodeArchive(archive);
  const sha256 = createHash("sha256").update(plain).digest("hex");
  const sidecarPath = periodFiles(ctx.chainId, period, filesRoot).receipts;
  const previous = await readJsonIfExists<Sidecar>(sidecarPath);
  if (previous && previous.sha256 === sha256 && previous.recipients.join() === recipients.join()) {
    return { cid: previous.cid, beats: archive.beats.length, bytes: plain.length };
  }
  const sealed = seal(plain, operatorKeys);
  const cid = await store.addBytes(sealed);
  await writeAtomic(sidecarPath, JSON.stringify({ cid, sha256, recipients } satisfies Sidecar, null, 2) + "\n");
  return { cid, beats: archive.beats.length, bytes: sealed.length };
}
