import { describe, expect, it } from "vitest";
import { inSlices } from "../../src/db/store/scheduling.js";

describe("inSlices", () => {
  it("collects a slice that returns hundreds of thousands of rows (the 30k-member matches job crashed here)", async () => {
    // 5,000 member ids with 50 ties each: one slice's result alone is 250,000 rows.
    const ids = Array.from({ length: 6_000 }, (_, i) => i + 1);
    const rows = await inSlices(ids, (slice) => Promise.resolve(slice.flatMap((id) => Array.from({ length: 50 }, (_, k) => id * 100 + k))));
    expect(rows).toHaveLength(300_000);
    expect(rows[0]).toBe(100);
    expect(rows.at(-1)).toBe(600_049);
  });

  it("queries in slices of at most 5,000 ids, in order", async () => {
    const seen: number[][] = [];
    const rows = await inSlices(Array.from({ length: 12_001 }, (_, i) => i), (slice) => {
      seen.push(slice);
      return Promise.resolve(slice);
    });
    expect(seen.map((s) => s.length)).toEqual([5000, 5000, 2001]);
    expect(rows).toEqual(Array.from({ length: 12_001 }, (_, i) => i));
  });
});
