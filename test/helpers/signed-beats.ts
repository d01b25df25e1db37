// Signed heartbeats as the player and the heartbeat route make them: a P-256 session key authorized
// once by the wallet (EIP-712), each beat signed by it and recorded with the server's time.
import type { Hex } from "viem";
import type { Database } from "@ai-films/core/db";
import type { Entitlement, HeartbeatResult, PeriodClock } from "@ai-films/core/ledger";
import {
  authorizeSessionKey,
  generateSessionKey,
  heartbeatKeyTypedData,
  recordSignedHeartbeat,
  signReceipt,
} from "@ai-films/core/receipts";

const toHex = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes).toString("hex")}`;

/** An ethers signer or anything that signs EIP-712 the same way. */
interface TypedDataSigner {
  address: string;
  signTypedData(domain: object, types: Record<string, { name: string; type: string }[]>, message: object): Promise<string>;
}

/** Authorizes a session key for `wallet` (valid from `now` for two hours) and returns a beat recorder for it. */
export async function signedPlayer(db: Database, chainId: number, clock: PeriodClock, wallet: TypedDataSigner, now: number) {
  const { keyPair, publicKey } = await generateSessionKey();
  const expiresAt = now + 7200;
  const typed = heartbeatKeyTypedData(chainId, { viewer: wallet.address as Hex, publicKey, expiresAt: BigInt(expiresAt) });
  const signature = await wallet.signTypedData(typed.domain, { HeartbeatKey: [...typed.types.HeartbeatKey] }, typed.message);
  await authorizeSessionKey(db, { chainId, viewer: wallet.address, publicKey, expiresAt, signature, now });
  return {
    publicKey,
    /** One session's beats at the given server times, sequence numbers from 0; what the ledger made of each. */
    async watch(
      film: bigint,
      sessionId: string,
      times: readonly number[],
      entitlement: Entitlement,
      filmDurationSeconds: number,
    ): Promise<HeartbeatResult[]> {
      const results: HeartbeatResult[] = [];
      let seq = 0;
      for (const at of times) {
        const fields = { viewer: wallet.address.toLowerCase(), filmId: film, sessionId, seq, positionSeconds: at - times[0] };
        const signature = toHex(await signReceipt(keyPair.privateKey, fields));
        results.push(
          await recordSignedHeartbeat(db, clock, { ...fields, at, entitlement, filmDurationSeconds, publicKey, signature }, { now: at }),
        );
        seq++;
      }
      return results;
    },
  };
}

/** Times from `from` to `to` inclusive, every `step` seconds. */
export function beatTimes(from: number, to: number, step = 10): number[] {
  return Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
}
