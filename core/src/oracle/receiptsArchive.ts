// The receipts archive: every signed beat the ledger applied up to and including a period, in the
// order it applied them, with the wallet authorizations of the session keys that signed them —
// what an operator replays, with the chain's events, to recompute the period's tally without the
// platform's database. Earlier periods are included because the ledger's state carries over (a
// session's previous beat, the viewer's clock, the day's seconds across a period boundary); see
// the README's oracle section. Deterministic: the same receipts give the same bytes (gzip of
// canonical JSON; then sealed to the operators, sealed.ts).
import { gunzipSync, gzipSync } from "node:zlib";
import type { Address, Hex } from "viem";
import { OracleError } from "./errors.ts";

export const RECEIPTS_ARCHIVE_FORMAT = "ai-films-receipts/1";

/** A session key's wallet authorization, as the server stored it. */
export interface ArchivedKey {
  publicKey: Hex;
  viewer: Address;
  chainId: number;
  expiresAt: number;
  authorizedAt: number;
  walletSignature: Hex;
}

/** One beat, as applied: the signed fields, the key (index into `keys`), and the server's arrival time. */
export interface ArchivedBeat {
  viewer: Address;
  filmId: string;
  sessionId: string;
  seq: number;
  positionSeconds: number | null;
  key: number;
  signature: Hex;
  /** The server's clock, unix seconds: the replay's clock. */
  at: number;
  /** What the server says let the viewer watch; the replay checks it against the chain's events. */
  entitlement: string;
}

export interface ReceiptsArchive {
  format: typeof RECEIPTS_ARCHIVE_FORMAT;
  chainId: number;
  market: Address;
  /** Beats of every period up to and including this one. */
  throughPeriod: number;
  keys: ArchivedKey[];
  beats: ArchivedBeat[];
}

type BeatRow = [Address, string, string, number, number | null, number, Hex, number, string];

/** Compact on the wire: a beat is a row of fields rather than an object with repeated names. */
export function encodeArchive(archive: ReceiptsArchive): Uint8Array {
  const rows: BeatRow[] = archive.beats.map((b) => [
    b.viewer,
    b.filmId,
    b.sessionId,
    b.seq,
    b.positionSeconds,
    b.key,
    b.signature,
    b.at,
    b.entitlement,
  ]);
  const json = JSON.stringify({ ...archive, beats: rows });
  return new Uint8Array(gzipSync(json, { level: 9 }));
}

export function decodeArchive(bytes: Uint8Array): ReceiptsArchive {
  let parsed: Omit<ReceiptsArchive, "beats"> & { beats: BeatRow[] };
  try {
    parsed = JSON.parse(gunzipSync(bytes).toString("utf8"));
  } catch {
    throw new OracleError("The receipts archive is not gzip'd JSON: it was altered or is not an archive.");
  }
  if (parsed?.format !== RECEIPTS_ARCHIVE_FORMAT || !Array.isArray(parsed.beats) || !Array.isArray(parsed.keys)) {
    throw new OracleError(`The receipts archive's format is not ${RECEIPTS_ARCHIVE_FORMAT}.`);
  }
  const beats = parsed.beats.map(([viewer, filmId, sessionId, seq, positionSeconds, key, signature, at, entitlement]) => ({
    viewer,
    filmId,
    sessionId,
    seq,
    positionSeconds,
    key,
    signature,
    at,
    entitlement,
  }));
  return { ...parsed, beats };
}
