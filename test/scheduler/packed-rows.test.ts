import { describe, expect, it } from "vitest";
import { parsePackedInts } from "../../src/db/store/packed-rows.js";

describe("parsePackedInts", () => {
  it("reads rows of integers into one column each", () => {
    expect(parsePackedInts("1,2,3;40,-5,0;2147483647,-2147483648,7", 3).map((c) => [...c])).toEqual([
      [1, 40, 2147483647],
      [2, -5, -2147483648],
      [3, 0, 7],
    ]);
  });

  it("reads one column, and no rows from an empty result", () => {
    expect([...parsePackedInts("5;6;7", 1)[0]!]).toEqual([5, 6, 7]);
    expect(parsePackedInts("", 2).map((c) => c.length)).toEqual([0, 0]);
  });

  it("refuses a row with too few or too many values, or anything but integers", () => {
    for (const bad of ["1,2;3", "1,2;3,4,5", "1,,2", "1,2;", "1,x", "1.5,2", "--1,2"]) expect(() => parsePackedInts(bad, 2), bad).toThrow(/packed rows/);
  });
});
