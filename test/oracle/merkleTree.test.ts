// The tally's own tree builder must give exactly what OpenZeppelin's StandardMerkleTree gives: the
// published tally files, their roots and every claim proof depend on it.
import { expect } from "chai";
import fc from "fast-check";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { standardTreeDump } from "@ai-films/core/oracle/merkleTree";
import { LEAF_ENCODING } from "@ai-films/core/oracle/tallyFile";

type Leaf = [string, string, string];
const U64_MAX = (1n << 64n) - 1n;

const leaf = fc
  .tuple(
    fc.oneof(fc.bigInt({ min: 0n, max: 50n }), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n })),
    fc.bigInt({ min: 0n, max: U64_MAX }),
    fc.bigInt({ min: 0n, max: U64_MAX }),
  )
  .map((fields): Leaf => [fields[0].toString(), fields[1].toString(), fields[2].toString()]);

const library = (values: Leaf[]) => StandardMerkleTree.of(values, [...LEAF_ENCODING], { sortLeaves: true }).dump();

describe("the tally's Merkle tree", () => {
  it("equals StandardMerkleTree.of(…, { sortLeaves: true }).dump(), duplicates included", () => {
    fc.assert(
      fc.property(fc.array(leaf, { minLength: 1, maxLength: 40 }), fc.nat(), (values, seed) => {
        // Repeat a leaf now and then: equal hashes must keep their input order, as in the library.
        const withDuplicate = seed % 3 === 0 ? [...values, values[seed % values.length]] : values;
        expect(JSON.stringify(standardTreeDump(withDuplicate, LEAF_ENCODING))).to.equal(JSON.stringify(library(withDuplicate)));
      }),
      { numRuns: 200 },
    );
  });

  it("gives trees the library loads and proves leaves of", () => {
    const values: Leaf[] = Array.from({ length: 1000 }, (_, i) => [String(i + 1), String(i % 7), String(600 + i * 13)]);
    const tree = StandardMerkleTree.load(standardTreeDump(values, LEAF_ENCODING));
    for (const i of [0, 1, 499, 999]) {
      expect(StandardMerkleTree.verify(tree.root, [...LEAF_ENCODING], values[i], tree.getProof(i))).to.equal(true);
    }
  });

  it("refuses what the library refuses: no leaves, a value too big for its type", () => {
    expect(() => standardTreeDump([], LEAF_ENCODING)).to.throw(/at least one leaf/);
    expect(() => library([])).to.throw();
    const tooBig: Leaf[] = [["1", (U64_MAX + 1n).toString(), "0"]];
    expect(() => standardTreeDump(tooBig, LEAF_ENCODING)).to.throw();
    expect(() => library(tooBig)).to.throw();
  });

  it("refuses leaf fields that are not decimal strings", () => {
    expect(() => standardTreeDump([[1 as unknown as string, "2", "3"]], LEAF_ENCODING)).to.throw(/not a decimal string/);
    expect(() => standardTreeDump([["-1", "2", "3"]], LEAF_ENCODING)).to.throw(/not a decimal string/);
  });
});
