import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { ABIS_FILE, renderAbis } from "../../scripts/generate-abis.ts";

describe("Generated ABIs", () => {
  it("core/src/chain/abis.ts matches the compiled contracts (run `npm run abis` after changing them)", async () => {
    expect(await readFile(ABIS_FILE, "utf8")).to.equal(await renderAbis());
  });
});
