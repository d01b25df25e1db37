// The tally's Merkle tree, node for node what OpenZeppelin's
// `StandardMerkleTree.of(values, leafEncoding, { sortLeaves: true }).dump()` gives, built with viem.
// The library encodes every leaf through @metamask/abi-utils, which constructs an Error (stack trace
// and all) for each check that passes: two thirds of the time of a 20,000-film tree went there.
// Same hashing (leaf = keccak256(keccak256(abi.encode(value))), node = keccak256 of the pair in
// ascending order), same layout (leaves sorted by hash, stored from the end of the array), same dump,
// so StandardMerkleTree.load, its proofs and the contract read these trees unchanged; a test holds
// this builder equal to the library's.
import type { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { concat, encodeAbiParameters, keccak256, type Hex } from "viem";

export type StandardTreeDump<T extends string[]> = ReturnType<StandardMerkleTree<T>["dump"]>;

const UNSIGNED_TYPE = /^uint\d*$/;
const FIELD_TYPES = /^(uint\d*|address|bytes32)$/;

/**
 * The dump of the standard tree of `values`, leaves whose fields are unsigned integers given as
 * decimal strings (what tally leaves are), addresses or bytes32 given as hex strings (the viewer
 * lines' wallet and salt). Throws, like the library, on an empty list or a value that does not fit
 * its type.
 */
export function standardTreeDump<T extends string[]>(values: readonly T[], leafEncoding: readonly string[]): StandardTreeDump<T> {
  if (values.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
  for (const type of leafEncoding) {
    if (!FIELD_TYPES.test(type)) throw new TypeError(`only unsigned integer, address and bytes32 leaf fields are supported, got ${type}`);
  }
  const params = leafEncoding.map((type) => ({ type }));
  const leafHashes = values.map((value) => keccak256(keccak256(encodeAbiParameters(params, fields(value, leafEncoding)), "bytes")));
  // Hashes are all "0x" + 64 lowercase hex digits, so string order is numeric order. A stable sort
  // keeps equal leaves (duplicate values) in input order, as the library's does.
  const byHash = values.map((_, i) => i).sort((a, b) => (leafHashes[a] < leafHashes[b] ? -1 : leafHashes[a] > leafHashes[b] ? 1 : 0));
  const tree: Hex[] = new Array(2 * values.length - 1);
  const treeIndex: number[] = new Array(values.length);
  byHash.forEach((valueIndex, rank) => {
    treeIndex[valueIndex] = tree.length - 1 - rank;
    tree[tree.length - 1 - rank] = leafHashes[valueIndex];
  });
  for (let i = tree.length - 1 - values.length; i >= 0; i--) {
    const [left, right] = [tree[2 * i + 1], tree[2 * i + 2]];
    tree[i] = keccak256(left <= right ? concat([left, right]) : concat([right, left]));
  }
  return {
    format: "standard-v1",
    leafEncoding: [...leafEncoding],
    tree,
    values: values.map((value, i) => ({ value, treeIndex: treeIndex[i] })),
  };
}

/** A leaf's fields in their ABI types, checked: a value the library would refuse is refused here too. */
function fields(value: readonly string[], leafEncoding: readonly string[]): unknown[] {
  if (value.length !== leafEncoding.length) throw new TypeError(`a leaf has ${value.length} fields, its encoding ${leafEncoding.length}`);
  return leafEncoding.map((type, i) => {
    const field = value[i];
    if (UNSIGNED_TYPE.test(type)) return integer(field);
    const pattern = type === "address" ? /^0x[0-9a-fA-F]{40}$/ : /^0x[0-9a-fA-F]{64}$/;
    if (typeof field !== "string" || !pattern.test(field))
      throw new TypeError(`leaf field ${JSON.stringify(field)} is not a valid ${type}`);
    return field;
  });
}

/**
 * The proof of the leaf at `treeIndex` in a standard tree's node array: its sibling at each level
 * up to the root (what `StandardMerkleTree.getProof` gives, without loading and re-hashing the tree).
 */
export function proofFromTree(tree: readonly string[], treeIndex: number): Hex[] {
  const proof: Hex[] = [];
  for (let i = treeIndex; i > 0; i = Math.floor((i - 1) / 2)) proof.push(tree[i % 2 === 1 ? i + 1 : i - 1] as Hex);
  return proof;
}

/** A leaf field: decimal digits only (a tally file never holds anything else), as a bigint. */
function integer(field: unknown): bigint {
  if (typeof field !== "string" || !/^[0-9]+$/.test(field))
    throw new TypeError(`leaf field ${JSON.stringify(field)} is not a decimal string`);
  return BigInt(field);
}
