/** Actions against plain-array references. */
import { afterEach, describe, expect, it } from "vitest";
import { RddError } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

const data = Array.from({ length: 40 }, (_, i) => (i * 13) % 17);

describe("actions", () => {
  it("collect and count, with empty partitions", async () => {
    const ctx = testContext();
    expect(await ctx.parallelize(data, 7).collect()).toEqual(data);
    expect(await ctx.parallelize(data, 7).count()).toBe(data.length);
    expect(await ctx.parallelize([1], 5).count()).toBe(1);
    expect(await ctx.parallelize([], 3).collect()).toEqual([]);
    expect(await ctx.parallelize([], 3).count()).toBe(0);
  });

  it("take returns the first n rows and scans as few partitions as it can", async () => {
    const ctx = testContext();
    const computed = new Set<number>();
    const rdd = ctx.parallelize(data, 8).mapPartitionsWithIndex((i, rows) => {
      computed.add(i);
      return rows;
    });
    expect(await rdd.take(3)).toEqual(data.slice(0, 3));
    expect([...computed]).toEqual([0]); // 5 rows per partition: one partition is enough
    expect(await rdd.take(0)).toEqual([]);
    expect(await rdd.take(100)).toEqual(data);
    computed.clear();
    // Partitions 0 and 1 are empty: rounds scan 1 partition, then 4 more (as Spark), and stop there.
    const sparse = ctx
      .parallelize(Array.from({ length: 16 }, (_, i) => i), 16)
      .mapPartitionsWithIndex((i, rows) => {
        computed.add(i);
        return rows;
      })
      .filter((x) => x >= 2);
    expect(await sparse.take(1)).toEqual([2]);
    expect([...computed].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
  });

  it("first returns the first row; on an empty RDD it is a clear error", async () => {
    const ctx = testContext();
    expect(await ctx.parallelize(data, 3).first()).toBe(data[0]);
    expect(await ctx.parallelize([undefined], 2).first()).toBeUndefined();
    const err = await ctx.parallelize([], 4).first().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RddError);
    expect((err as Error).message).toMatch(/empty/);
  });

  it("reduce combines all rows; on an empty RDD it is a clear error", async () => {
    const ctx = testContext();
    expect(await ctx.parallelize(data, 5).reduce((a, b) => a + b)).toBe(data.reduce((a, b) => a + b));
    expect(await ctx.parallelize([7], 5).reduce((a, b) => a + b)).toBe(7);
    await expect(ctx.parallelize<number>([], 4).reduce((a, b) => a + b)).rejects.toThrow(/empty RDD.*fold/);
  });

  it("fold and aggregate start every partition from a fresh zero", async () => {
    const ctx = testContext();
    expect(await ctx.parallelize(data, 5).fold(0, (a, b) => a + b)).toBe(data.reduce((a, b) => a + b));
    expect(await ctx.parallelize<number>([], 3).fold(0, (a, b) => a + b)).toBe(0);
    // A mutable zero must not leak between partitions.
    const lists = await ctx.parallelize([[1], [2], [3]], 3).fold([] as number[], (acc, row) => (acc.push(...row), acc));
    expect(lists.sort()).toEqual([1, 2, 3]);
    const stats = await ctx.parallelize(data, 4).aggregate(
      { n: 0, sum: 0 },
      (acc, x) => ({ n: acc.n + 1, sum: acc.sum + x }),
      (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
    );
    expect(stats).toEqual({ n: data.length, sum: data.reduce((a, b) => a + b) });
    const seen = await ctx.parallelize([1, 2, 3, 4], 2).aggregate(
      new Set<number>(),
      (s, x) => s.add(x),
      (a, b) => new Set([...a, ...b]),
    );
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
  });

  it("a class-instance zero keeps its methods in fold and aggregate, fresh per partition", async () => {
    class Stats {
      n = 0;
      sum = 0;
      add(x: number): Stats {
        this.n++;
        this.sum += x;
        return this;
      }
      merge(o: Stats): Stats {
        this.n += o.n;
        this.sum += o.sum;
        return this;
      }
    }
    const ctx = testContext();
    const zero = new Stats();
    const stats = await ctx.parallelize(data, 4).aggregate(zero, (s, x) => s.add(x), (a, b) => a.merge(b));
    expect(stats).toBeInstanceOf(Stats);
    expect({ n: stats.n, sum: stats.sum }).toEqual({ n: data.length, sum: data.reduce((a, b) => a + b) });
    expect(zero.n).toBe(0); // the caller's zero is never mutated
    const wrapped = data.map((x) => new Stats().add(x));
    const folded = await ctx.parallelize(wrapped, 3).fold(new Stats(), (a, b) => a.merge(b));
    expect(folded.sum).toBe(data.reduce((a, b) => a + b));
  });

  it("foreach runs on every row", async () => {
    const ctx = testContext();
    const seen: number[] = [];
    await ctx.parallelize(data, 6).foreach((x) => void seen.push(x));
    expect(seen).toEqual(data);
  });

  it("countByValue counts values by value, including tuples", async () => {
    const ctx = testContext();
    const counts = await ctx.parallelize(data, 4).countByValue();
    expect([...counts].sort((a, b) => a[0] - b[0])).toEqual(
      ref.countByKey(data.map((d) => [d, 1] as [number, number])).sort((a, b) => a[0] - b[0]),
    );
    const tuples: [number, string][] = [[1, "a"], [1, "a"], [2, "a"]];
    expectSamePairs([...(await ctx.parallelize(tuples, 2).countByValue())], [[[1, "a"], 2], [[2, "a"], 1]]);
  });

  it("isEmpty", async () => {
    const ctx = testContext();
    expect(await ctx.parallelize([], 3).isEmpty()).toBe(true);
    expect(await ctx.parallelize([0], 3).isEmpty()).toBe(false);
  });
});
