/**
 * The EIP-712 domain an EIP-2612 `permit` must be signed under, for any payment token. Tokens
 * publish it in different ways: OpenZeppelin's ERC20Permit (our TestDollar) answers EIP-5267's
 * `eip712Domain()`; Circle's USDC does not, and offers only `name()`, `version()` ("2") and
 * `DOMAIN_SEPARATOR()`. A permit signed under the wrong domain reverts on-chain after the wallet
 * has already asked, so a domain is only returned once it hashes to the token's own
 * `DOMAIN_SEPARATOR()`; when nothing matches, the caller falls back to approve + buy.
 * Browser-safe (no Node imports): the purchase panel uses it as well as the scripts and tests.
 */
import { domainSeparator, getAddress, hexToNumber, parseAbi, type Address, type Hex, type PublicClient } from "viem";

/** The domain to pass to `signTypedData` for a `Permit` on this token. */
export interface PermitDomain {
  name?: string;
  version?: string;
  chainId?: number;
  verifyingContract?: Address;
  salt?: Hex;
}

export type PermitDomainResolution =
  | { ok: true; domain: PermitDomain; source: "eip5267" | "name-version" }
  | { ok: false; reason: "no-domain-separator" | "no-match" | "unsupported-extensions" };

/** The reads this module makes: EIP-5267, EIP-2612's `DOMAIN_SEPARATOR()`, ERC-20's `name()` and the common `version()`. */
export const permitDomainAbi = parseAbi([
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
  "function name() view returns (string)",
  "function version() view returns (string)",
]);

/** A read the token may not implement: its value, or undefined when the call reverts or returns nothing. */
async function optionalRead<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/** The domain EIP-5267 describes: only the fields its bitmap names (name, version, chainId, verifyingContract, salt). */
function fromEip5267(answer: readonly [Hex, string, string, bigint, Address, Hex, readonly bigint[]]): PermitDomain {
  const [fieldsHex, name, version, chainId, verifyingContract, salt] = answer;
  const fields = hexToNumber(fieldsHex);
  return {
    ...(fields & 0x01 ? { name } : {}),
    ...(fields & 0x02 ? { version } : {}),
    ...(fields & 0x04 ? { chainId: Number(chainId) } : {}),
    ...(fields & 0x08 ? { verifyingContract: getAddress(verifyingContract) } : {}),
    ...(fields & 0x10 ? { salt } : {}),
  };
}

const matches = (domain: PermitDomain, separator: Hex) => domainSeparator({ domain }).toLowerCase() === separator.toLowerCase();

/**
 * Resolves `token`'s permit domain on `client`'s chain. With EIP-5267 its answer is used (and, when
 * the token also has `DOMAIN_SEPARATOR()`, checked against it); without it, the domain is built
 * from `name()`, `version()` (or "1", the EIP-2612 default, when the token has no `version()`),
 * the chain id and the token address, and kept only if it hashes to `DOMAIN_SEPARATOR()`.
 */
export async function resolvePermitDomain(client: PublicClient, token: Address): Promise<PermitDomainResolution> {
  const read = <F extends "eip712Domain" | "DOMAIN_SEPARATOR" | "name" | "version">(functionName: F) =>
    optionalRead(() => client.readContract({ address: token, abi: permitDomainAbi, functionName }));
  const [described, separator] = await Promise.all([read("eip712Domain"), read("DOMAIN_SEPARATOR")]);

  if (described) {
    if (described[6].length > 0) return { ok: false, reason: "unsupported-extensions" };
    const domain = fromEip5267(described);
    if (separator === undefined || matches(domain, separator)) return { ok: true, domain, source: "eip5267" };
  }
  if (separator === undefined) return { ok: false, reason: "no-domain-separator" };

  const [name, version, chainId] = await Promise.all([read("name"), read("version"), client.getChainId()]);
  if (name === undefined) return { ok: false, reason: "no-match" };
  const verifyingContract = getAddress(token);
  const candidates: PermitDomain[] = [
    ...(version !== undefined ? [{ name, version, chainId, verifyingContract }] : []),
    { name, version: "1", chainId, verifyingContract },
    { name, chainId, verifyingContract },
  ];
  const domain = candidates.find((candidate) => matches(candidate, separator));
  return domain ? { ok: true, domain, source: "name-version" } : { ok: false, reason: "no-match" };
}

/** EIP-2612's `Permit` type, the same for every token. */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;
