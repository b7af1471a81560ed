/**
 * Values a mapValues builds with an array literal are fresh (runtime/closure.ts returnsFreshArray): the shuffle
 * writer skips their per-array exactness check. Checked: which functions count as fresh (read from the source,
 * so a plain tsc build gets it too), and that shuffles over fresh and not-fresh values give the plain-array
 * reference, extra array properties and holes included where a function does not build a literal.
 */
import { afterEach, describe, expect, it } from "vitest";
import { returnsFreshArray } from "../../runtime/closure.js";
import { HashPartitioner, InvalidArgumentError } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import { adaptiveCombine } from "../../runtime/shuffle/exchange.js";

afterEach(stopContexts);
const defaults = { ...adaptiveCombine };
afterEach(() => Object.assign(adaptiveCombine, defaults));

describe("returnsFreshArray", () => {
  const method = { f(v: number) { return [v]; } }.f;
  const cases: [string, Function, boolean][] = [
    ["an arrow returning a literal", (v: number) => [v, 1], true],
    ["a parenthesised literal", (v: number) => ([v]), true],
    ["a literal with spread elements", (v: number[]) => [...v, 1], true],
    ["a function whose body is one return of a literal", function (v: number) { return [v]; }, true],
    ["a literal with a hole", (v: number) => [v, , 2], false], // eslint-disable-line no-sparse-arrays
    ["the value itself", (v: number[]) => v, false],
    ["a literal changed before it is returned", (v: number) => { const a: number[] & { x?: number } = [v]; a.x = 1; return a; }, false],
    ["Object.assign over a literal", (v: number) => Object.assign([v], { x: 1 }), false],
    ["an async arrow", async (v: number) => [v], false],
    ["a generator", function* (v: number) { yield [v]; }, false],
    ["a bound function", ((v: number) => [v]).bind(null), false],
    ["a method", method, false],
    ["a native function", Array.of, false],
  ];
  it.each(cases)("%s: %s", (_, fn, fresh) => {
    expect(returnsFreshArray(fn)).toBe(fresh);
  });
});

describe("shuffles of mapValues values", () => {
  type Row = [number, number];
  const rows: Row[] = Array.from({ length: 3000 }, (_, i) => [i % 997, i / 8]);
  const sums = (f: (v: number) => number[]) => {
    const byKey = new Map<number, number[]>();
    for (const [k, v] of rows) {
      const w = f(v);
      const c = byKey.get(k);
      byKey.set(k, c ? [c[0]! + w[0]!, c[1]! + w[1]!] : w);
    }
    return [...byKey];
  };

  for (const raw of [false, true]) {
    it(`reduceByKey over fresh literals gives the reference (${raw ? "map tasks writing raw rows" : "combined on the map side"})`, async () => {
      if (raw) Object.assign(adaptiveCombine, { probeRows: 10, rawAboveDistinctShare: -1 });
      const ctx = testContext();
      const out = await ctx
        .parallelize(rows, 4)
        .mapValues((v) => [v, 1])
        .reduceByKey((a, b) => [a[0]! + b[0]!, a[1]! + b[1]!], 3)
        .collect();
      expectSamePairs(out, sums((v) => [v, 1]));
    });
  }

  it("values with extra properties or holes keep them through a shuffle (their function builds no literal)", async () => {
    const ctx = testContext();
    // (later rows only: a batch whose first value has extra properties or holes takes the general path anyway)
    const tagged = (v: number) => (v > 5 ? Object.assign([v, 1], { tag: `t${v}` }) : [v, 1]);
    const holey = (v: number) => {
      const a: number[] = [];
      if (v > 5) a[1] = v;
      else a.push(v, v);
      return a;
    };
    const withTag = await ctx.parallelize(rows, 4).mapValues(tagged).groupByKey(3).collect();
    for (const [, vs] of withTag) for (const v of vs) expect((v as unknown as { tag?: string }).tag).toBe(v[0]! > 5 ? `t${v[0]}` : undefined);
    const withHole = await ctx.parallelize(rows, 4).mapValues(holey).partitionBy(new HashPartitioner(3)).collect();
    expect(withHole).toHaveLength(rows.length);
    for (const [, v] of withHole) expect(0 in v).toBe(!(v[1]! > 5));
  });

  it("partitionBy of a number names the fix", () => {
    const ctx = testContext();
    expect(() => ctx.parallelize(rows, 2).partitionBy(3 as never)).toThrow(InvalidArgumentError);
    expect(() => ctx.parallelize(rows, 2).partitionBy(3 as never)).toThrow(/new HashPartitioner\(n\).*repartition\(n\)/);
  });

  it("a persisted mapValues is not taken as fresh: a consumer may have changed its cached values", async () => {
    const ctx = testContext();
    const cached = ctx.parallelize(rows.slice(0, 100), 2).mapValues((v) => [v, 1]).persist();
    // (not the first rows: a batch whose first value has extra properties takes the general path anyway)
    await cached.foreach(([, v]) => void (v[0]! > 5 && Object.assign(v, { seen: true })));
    const out = await cached.partitionBy(new HashPartitioner(2)).collect();
    for (const [, v] of out) expect((v as unknown as { seen?: boolean }).seen).toBe(v[0]! > 5 ? true : undefined);
  });
});
