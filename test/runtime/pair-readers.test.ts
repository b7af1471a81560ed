/** Shuffle joins read their sides as (key, value) without row arrays: same rows, same errors as before. */
import { describe, expect, test } from "vitest";
import { Context, HashPartitioner } from "../../runtime/index.js";

describe("shuffle and co-partitioned joins through the pair readers", () => {
  test("every join type against a plain nested-loop reference (keys -0/0, NaN, tuples, strings)", async () => {
    const ctx = new Context({ defaultParallelism: 3, progress: false });
    try {
      const keyOf = (i: number): unknown => (i % 9 === 0 ? [i % 2, "t"] : i % 7 === 0 ? NaN : i % 5 === 0 ? -0 : i % 4 === 0 ? `s${i % 3}` : i % 6);
      const left = Array.from({ length: 120 }, (_, i): [unknown, number] => [keyOf(i), i]);
      const right = Array.from({ length: 40 }, (_, i): [unknown, string] => [keyOf(i * 3 + 1), `r${i}`]);
      const same = (a: unknown, b: unknown): boolean =>
        Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => same(x, b[i])) : a === b || (a !== a && b !== b);
      const norm = (rows: [unknown, [unknown, unknown]][]) => rows.map((r) => JSON.stringify([Object.is(r[0], -0) ? 0 : r[0], r[1]], (_, v) => (Number.isNaN(v) ? "NaN" : v))).sort();
      const inner = left.flatMap(([k, v]) => right.filter(([k2]) => same(k, k2)).map(([, w]): [unknown, [unknown, unknown]] => [k, [v, w]]));
      const leftOuter = [...inner, ...left.filter(([k]) => !right.some(([k2]) => same(k, k2))).map(([k, v]): [unknown, [unknown, unknown]] => [k, [v, undefined]])];
      const l = ctx.parallelize(left);
      const r = ctx.parallelize(right);
      expect(norm(await l.join(r, { strategy: "shuffle" }).collect())).toEqual(norm(inner));
      expect(norm(await l.leftOuterJoin(r, { strategy: "shuffle" }).collect())).toEqual(norm(leftOuter));
      const p = new HashPartitioner(3);
      const lp = l.partitionBy(p);
      const rp = r.partitionBy(p);
      expect(norm(await lp.join(rp).collect())).toEqual(norm(inner));
      expect(ctx.lastJob!.joins[0]!.strategy).toBe("co-partitioned");
    } finally {
      await ctx.stop();
    }
  });

  test("a co-partitioned side with a row that is not a pair fails as the join did", async () => {
    const ctx = new Context({ defaultParallelism: 2, progress: false });
    try {
      const p = new HashPartitioner(2);
      const good = ctx.parallelize<[number, number]>([[1, 1], [2, 2]]).partitionBy(p);
      const bad = good.mapPartitions((rows) => [...rows, [1, 2, 3] as unknown as [number, number]], true);
      await expect(bad.join(good).collect()).rejects.toThrow(/join needs pair rows/);
      await expect(good.join(bad).collect()).rejects.toThrow(/join needs pair rows/);
    } finally {
      await ctx.stop();
    }
  });
});
