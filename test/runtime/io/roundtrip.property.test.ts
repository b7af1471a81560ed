/** Property: writing random rows and reading them back gives the same rows (CSV strings, JSON values, Parquet columns). */
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { testContext } from "../../helpers/context.js";
import { scratch, sorted } from "./helpers.js";

const text = fc.string({ unit: fc.constantFrom("a", "Z", " ", ",", '"', "\n", "\r\n", "é", "😀", ";", "\t", "'"), maxLength: 8 });

describe("round trips (property)", () => {
  it("CSV: any strings, including quotes, delimiters, newlines and padding, read back as written", async () => {
    const ctx = testContext();
    const base = scratch();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ a: text, b: text, n: fc.integer({ min: -1e6, max: 1e6 }) }), { maxLength: 12 }), fc.integer({ min: 1, max: 3 }), async (rows, parts) => {
        const dir = path.join(base, `c${run++}`);
        await ctx.parallelize(rows, parts).saveAsCsv(dir, { columns: ["a", "b", "n"] });
        const back = await ctx.readCsv<{ a: string; b: string; n: number }>(dir, { schema: { n: "number" } }).collect();
        expect(sorted(back)).toEqual(sorted(rows));
      }),
      { numRuns: 40 },
    );
  });

  it("JSON Lines: any JSON values read back as written", async () => {
    const ctx = testContext();
    const base = scratch();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 10 }), async (rows) => {
        const dir = path.join(base, `j${run++}`);
        await ctx.parallelize(rows, 2).saveAsJsonLines(dir);
        // -0 is written as 0 by JSON: compare as JSON does
        expect(await ctx.readJsonLines(dir, { maxSplitBytes: 7 }).collect()).toEqual(JSON.parse(JSON.stringify(rows)));
      }),
      { numRuns: 40 },
    );
  });

  it("Parquet: numbers, strings, booleans and nulls per column read back as written", async () => {
    const ctx = testContext();
    const base = scratch();
    let run = 0;
    const cell = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ s: cell(text), d: cell(fc.double({ noNaN: true, noDefaultInfinity: true })), i: cell(fc.integer()), b: cell(fc.boolean()) }), { minLength: 1, maxLength: 15 }),
        async (rows) => {
          const dir = path.join(base, `p${run++}`);
          await ctx.parallelize(rows, 1).saveAsParquet(dir, { rowGroupSize: 4 });
          expect(await ctx.readParquet(dir).collect()).toEqual(rows.map((r) => ({ ...r, d: Object.is(r.d, -0) ? -0 : r.d })));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("Parquet: -0 and 0 in one column keep their signs (a dictionary would fold them into one entry)", async () => {
    const ctx = testContext();
    const dir = path.join(scratch(), "zeros");
    const rows = [{ d: -0 }, { d: 0 }, { d: null }, { d: 0 }, { d: -0 }];
    await ctx.parallelize(rows, 1).saveAsParquet(dir);
    const back = await ctx.readParquet<{ d: number | null }>(dir).collect();
    expect(back.map((r) => (Object.is(r.d, -0) ? "-0" : String(r.d)))).toEqual(["-0", "0", "null", "0", "-0"]);
  });
});
