/**
 * The format of an EVM address: `0x` and 40 hex digits, in any case. This is a shape check only:
 * verifying an EIP-55 checksum needs keccak, so callers that want the checksummed spelling use
 * viem's `getAddress` on top. Stored addresses (ledger, indexer) are lowercase, their one spelling.
 */

export type HexAddress = `0x${string}`;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Whether `value` is written as an address (any case; the checksum is not checked). */
export function isAddressFormat(value: unknown): value is HexAddress {
  return typeof value === "string" && ADDRESS.test(value);
}

/** `value` in lowercase if it is written as an address, else null. */
export function normaliseAddress(value: unknown): HexAddress | null {
  return isAddressFormat(value) ? (value.toLowerCase() as HexAddress) : null;
}
