// An operator's signing key, from the environment or an encrypted keystore file. The key is
// never printed or written anywhere by the oracle.
import { readFile } from "node:fs/promises";
import { Wallet } from "ethers";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { OracleError } from "./errors.ts";

export interface KeySource {
  privateKey?: string;
  keystorePath?: string;
  keystorePassword?: string;
}

export function keySourceFromEnv(env = process.env): KeySource {
  return { privateKey: env.ORACLE_PRIVATE_KEY, keystorePath: env.ORACLE_KEYSTORE, keystorePassword: env.ORACLE_KEYSTORE_PASSWORD };
}

export async function loadAccount(source: KeySource): Promise<PrivateKeyAccount> {
  return privateKeyToAccount(await loadPrivateKey(source));
}

/** The raw key, for opening the receipts archive sealed to this operator (sealed.ts). */
export async function loadPrivateKey(source: KeySource): Promise<`0x${string}`> {
  if (source.privateKey) {
    const hex = source.privateKey.startsWith("0x") ? source.privateKey : `0x${source.privateKey}`;
    if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new OracleError("ORACLE_PRIVATE_KEY is not a 32-byte hex key.");
    return hex as `0x${string}`;
  }
  if (source.keystorePath) {
    if (source.keystorePassword === undefined) throw new OracleError("ORACLE_KEYSTORE is set but ORACLE_KEYSTORE_PASSWORD is not.");
    let json: string;
    try {
      json = await readFile(source.keystorePath, "utf8");
    } catch {
      throw new OracleError(`Cannot read the keystore file ${source.keystorePath}.`);
    }
    try {
      const wallet = await Wallet.fromEncryptedJson(json, source.keystorePassword);
      return wallet.privateKey as `0x${string}`;
    } catch {
      throw new OracleError(`Cannot decrypt ${source.keystorePath}: wrong password or not an Ethereum keystore.`);
    }
  }
  throw new OracleError("No signing key: set ORACLE_PRIVATE_KEY, or ORACLE_KEYSTORE and ORACLE_KEYSTORE_PASSWORD.");
}
