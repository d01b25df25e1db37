import { expect } from "chai";
import { MAX_FILM_ID, isFilmId, toFilmId } from "@ai-films/core/domain";

describe("domain: film ids (FilmListings numbers them from 1)", () => {
  it("accepts every id FilmListings can mint, as bigint, safe integer or decimal text", () => {
    expect(toFilmId(1n)).to.equal(1n);
    expect(toFilmId(42)).to.equal(42n);
    expect(toFilmId("42")).to.equal(42n);
    expect(toFilmId(MAX_FILM_ID)).to.equal(MAX_FILM_ID);
    expect(toFilmId(MAX_FILM_ID.toString())).to.equal(MAX_FILM_ID);
    expect(MAX_FILM_ID).to.equal(2n ** 256n - 1n);
  });

  it("refuses 0, which is never minted", () => {
    for (const zero of [0n, 0, "0"]) expect(toFilmId(zero), String(zero)).to.equal(null);
    expect(isFilmId(0n)).to.equal(false);
  });

  it("refuses what cannot be a uint256 token id", () => {
    for (const bad of [-1n, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, 2n ** 256n, (2n ** 256n).toString(), Number.NaN]) {
      expect(toFilmId(bad), String(bad)).to.equal(null);
    }
  });

  it("gives an id one spelling in text: no sign, leading zero, hex, exponent or spaces", () => {
    for (const bad of ["", "01", "+1", "-1", "0x10", "1e3", " 1", "1 ", "1.0", "٣", "9".repeat(79)]) {
      expect(toFilmId(bad), JSON.stringify(bad)).to.equal(null);
    }
  });

  it("refuses other types", () => {
    for (const bad of [null, undefined, true, {}, [1], () => 1]) expect(toFilmId(bad)).to.equal(null);
    expect(isFilmId(1)).to.equal(false);
    expect(isFilmId("1")).to.equal(false);
    expect(isFilmId(1n)).to.equal(true);
  });
});
