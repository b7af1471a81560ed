/** Narrow and shuffling transformations against plain-array references. */
import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSameMultiset } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

const nums = Array.from({ length: 50 }, (_, i) => (i * 37) % 23);

describe("narrow transformations", () => {
  it("map, flatMap and filter match Array methods, including empty partitions", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize([1, 2, 3], 6); // three partitions are empty
    expect(await rdd.map((x) => x * 10).collect()).toEqual([10, 20, 30]);
    expect(await rdd.flatMap((x) => Array.from({ length: x }, () => x)).collect()).toEqual([1, 2, 2, 3, 3, 3]);
    expect(await rdd.filter((x) => x !== 2).collect()).toEqual([1, 3]);
    expect(await ctx.parallelize<number>([], 3).map((x) => x + 1).collect()).toEqual([]);
  });

  it("flatMap accepts any iterable, such as a generator or a Set", async () => {
    const ctx = testContext();
    const out = await ctx
      .parallelize(["a b", "c"], 2)
      .flatMap(function* (line) {
        yield* line.split(" ");
      })
      .flatMap((w) => new Set([w, w.toUpperCase()]))
      .collect();
    expect(out).toEqual(["a", "A", "b", "B", "c", "C"]);
  });

  it("keeps partition order for narrow chains (collect is ordered without a shuffle)", async () => {
    const ctx = testContext();
    const out = await ctx.parallelize(nums, 5).map((x) => x + 1).filter((x) => x % 2 === 0).collect();
    expect(out).toEqual(nums.map((x) => x + 1).filter((x) => x % 2 === 0));
  });

  it("mapPartitions and mapPartitionsWithIndex see whole partitions with their index", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(nums, 4);
    const sums = await rdd.mapPartitions((rows) => [rows.reduce((a, b) => a + b, 0)]).collect();
    expect(sums).toEqual(ref.chunk(nums, 4).map((c) => c.reduce((a, b) => a + b, 0)));
    const tagged = await rdd.mapPartitionsWithIndex((i, rows) => rows.map((r) => [i, r] as const)).collect();
    expect(tagged).toEqual(ref.chunk(nums, 4).flatMap((c, i) => c.map((r) => [i, r])));
    expect(await ctx.parallelize<number>([], 3).mapPartitions((rows) => [rows.length]).collect()).toEqual([0, 0, 0]);
  });

  it("mapPartitions keeps the partitioner only when asked to", async () => {
    const ctx = testContext();
    const byKey = ctx.parallelize([[1, "a"] as [number, string]], 2).reduceByKey((a) => a);
    expect(byKey.mapPartitions((r) => r).partitioner).toBeUndefined();
    expect(byKey.mapPartitions((r) => r, true).partitioner?.equals(byKey.partitioner)).toBe(true);
  });

  it("keyBy pairs each row with its key", async () => {
    const ctx = testContext();
    const rows = [{ id: 2, n: "x" }, { id: 1, n: "y" }];
    expect(await ctx.parallelize(rows, 2).keyBy((r) => r.id).collect()).toEqual(rows.map((r) => [r.id, r]));
  });

  it("union concatenates partitions, including a union with itself", async () => {
    const ctx = testContext();
    const a = ctx.parallelize([1, 2], 2);
    const b = ctx.parallelize([3], 3);
    const u = a.union(b);
    expect(u.getNumPartitions()).toBe(5);
    expect(await u.collect()).toEqual([1, 2, 3]);
    expect(await a.union(a).collect()).toEqual([1, 2, 1, 2]);
    expect(await ctx.union([a, b, a]).count()).toBe(5);
  });
});

describe("distinct", () => {
  it("keeps one of each value, with keys by value (tuples, -0/0, NaN, bigint, null/undefined)", async () => {
    const ctx = testContext();
    const rows: unknown[] = [1, 1, 0, -0, NaN, NaN, "1", 1n, 1n, null, undefined, undefined, [1, "a"], [1, "a"], [1, "b"], true, true, "é", "é"];
    const out = await ctx.parallelize(rows, 4).distinct(3).collect();
    expect(out.map(ref.keyId).sort()).toEqual(ref.distinct(rows).map(ref.keyId).sort());
    expect(out).toHaveLength(11);
  });

  it("of an empty RDD is empty", async () => {
    const ctx = testContext();
    expect(await ctx.parallelize<number>([], 2).distinct().collect()).toEqual([]);
  });
});

describe("sample", () => {
  const data = Array.from({ length: 2000 }, (_, i) => i);

  it("is repeatable with a seed and differs across seeds", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(data, 4);
    const a = await rdd.sample(false, 0.3, 7).collect();
    const b = await rdd.sample(false, 0.3, 7).collect();
    const c = await rdd.sample(false, 0.3, 8).collect();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("without replacement takes a subset near the fraction; 0 and 1 are exact", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(data, 4);
    const s = await rdd.sample(false, 0.25, 1).collect();
    expect(new Set(s).size).toBe(s.length);
    expect(s.every((x) => data.includes(x))).toBe(true);
    expect(s.length).toBeGreaterThan(400);
    expect(s.length).toBeLessThan(600);
    expect(await rdd.sample(false, 0, 1).count()).toBe(0);
    expect(await rdd.sample(false, 1, 1).collect()).toEqual(data);
  });

  it("with replacement can repeat rows and averages the fraction", async () => {
    const ctx = testContext();
    const s = await ctx.parallelize(data, 4).sample(true, 2, 3).collect();
    expect(s.length).toBeGreaterThan(3600);
    expect(s.length).toBeLessThan(4400);
    expect(new Set(s).size).toBeLessThan(s.length);
  });

  it("rejects fractions out of bounds", () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(data, 4);
    expect(() => rdd.sample(false, 1.5)).toThrow(InvalidArgumentError);
    expect(() => rdd.sample(false, -0.1)).toThrow(InvalidArgumentError);
    expect(() => rdd.sample(true, -1)).toThrow(InvalidArgumentError);
    expect(() => rdd.sample(false, NaN)).toThrow(InvalidArgumentError);
  });
});

describe("sortBy and sortByKey", () => {
  it("sorts globally across partitions, ascending and descending", async () => {
    const ctx = testContext();
    const data = Array.from({ length: 300 }, (_, i) => (i * 7919) % 1000);
    const rdd = ctx.parallelize(data, 5);
    const asc = await rdd.sortBy((x) => x, true, 4).collect();
    expect(asc).toEqual([...data].sort((a, b) => a - b));
    const desc = await rdd.sortBy((x) => x, false, 4).collect();
    expect(desc).toEqual([...data].sort((a, b) => b - a));
    // every partition holds a contiguous range
    const parts = await rdd.sortBy((x) => x, true, 4).glom().collect();
    expect(parts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
    for (let i = 1; i < parts.length; i++) {
      if (parts[i - 1]!.length && parts[i]!.length) expect(parts[i - 1]!.at(-1)!).toBeLessThanOrEqual(parts[i]![0]!);
    }
  });

  it("sortByKey orders composite keys, strings with unicode, NaN last, and mixed types by type", async () => {
    const ctx = testContext();
    const keys: unknown[] = [[2, "b"], [1, "z"], [2, "a"], [1, "a"], [2], [1, "a", 0]];
    const pairs = keys.map((k, i) => [k, i] as [unknown, number]);
    const sorted = await ctx.parallelize(pairs, 3).sortByKey(true, 3).keys().collect();
    expect(sorted).toEqual(ref.sortWith(keys, ref.compareKeys));
    const strs = ["b", "ä", "a", "😀", "z", "Z", ""];
    expect(await ctx.parallelize(strs, 2).sortBy((s) => s).collect()).toEqual(ref.sortWith(strs, ref.compareKeys));
    const mixed: unknown[] = [3, NaN, -1, "x", 2n, null, undefined, true, -Infinity, [0]];
    const out = await ctx.parallelize(mixed, 3).sortBy((x) => x, true, 2).collect();
    expect(out.map(ref.keyId)).toEqual(ref.sortWith(mixed, ref.compareKeys).map(ref.keyId));
    const down = await ctx.parallelize(mixed, 3).sortBy((x) => x, false, 2).collect();
    expect(down.map(ref.keyId)).toEqual(ref.sortWith(mixed, (a, b) => ref.compareKeys(b, a)).map(ref.keyId));
  });

  it("sorts an empty RDD and an RDD with one repeated key", async () => {
    const ctx = testContext();
    expect(await ctx.parallelize<[number, number]>([], 2).sortByKey().collect()).toEqual([]);
    const same = Array.from({ length: 40 }, (_, i) => [5, i] as [number, number]);
    const out = await ctx.parallelize(same, 4).sortByKey(false, 3).collect();
    expect(out.map((r) => r[1]).sort((a, b) => a - b)).toEqual(same.map((r) => r[1]));
  });

  it("rejects numPartitions <= 0", () => {
    const ctx = testContext();
    expect(() => ctx.parallelize([[1, 1] as [number, number]]).sortByKey(true, 0)).toThrow(InvalidArgumentError);
    expect(() => ctx.parallelize([1]).sortBy((x) => x, true, -2)).toThrow(/positive integer/);
  });
});

describe("repartition and coalesce", () => {
  it("repartition keeps the multiset and sets the partition count, up or down", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(nums, 3);
    for (const n of [1, 2, 7]) {
      const r = rdd.repartition(n);
      expect(r.getNumPartitions()).toBe(n);
      expectSameMultiset(await r.collect(), nums);
    }
    // Rows are dealt round-robin: every partition gets its share (within one row per source partition).
    const many = ctx.parallelize(Array.from({ length: 300 }, (_, i) => i), 3);
    for (const n of [2, 5, 8, 16]) {
      const sizes = (await many.repartition(n).glom().collect()).map((p) => p.length);
      expect(sizes).toHaveLength(n);
      for (const size of sizes) expect(Math.abs(size - 300 / n)).toBeLessThanOrEqual(3);
    }
  });

  it("coalesce merges neighbours without a shuffle and never grows", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(nums, 6);
    const c = rdd.coalesce(2);
    expect(c.getNumPartitions()).toBe(2);
    expect(await c.collect()).toEqual(nums); // contiguous groups keep the order
    expect(ctx.lastJob!.shuffleBytesWritten).toBe(0);
    expect(rdd.coalesce(10).getNumPartitions()).toBe(6);
    expect(rdd.coalesce(10, true).getNumPartitions()).toBe(10);
    expectSameMultiset(await rdd.coalesce(3, true).collect(), nums);
  });

  it("rejects numPartitions <= 0", () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(nums, 3);
    expect(() => rdd.repartition(0)).toThrow(InvalidArgumentError);
    expect(() => rdd.coalesce(-1)).toThrow(InvalidArgumentError);
    expect(() => rdd.coalesce(1.5)).toThrow(InvalidArgumentError);
  });
});

describe("creation", () => {
  it("ctx.range follows start, end, step and partitions", async () => {
    const ctx = testContext();
    expect(await ctx.range(5).collect()).toEqual([0, 1, 2, 3, 4]);
    expect(await ctx.range(2, 11, 3).collect()).toEqual([2, 5, 8]);
    expect(await ctx.range(10, 0, -4).collect()).toEqual([10, 6, 2]);
    expect(await ctx.range(3, 3).collect()).toEqual([]);
    const r = ctx.range(0, 100, 1, 7);
    expect(r.getNumPartitions()).toBe(7);
    expect(await r.count()).toBe(100);
    expect(() => ctx.range(0, 10, 0)).toThrow(InvalidArgumentError);
    expect(() => ctx.range(0, 10, 1, 0)).toThrow(InvalidArgumentError);
  });

  it("parallelize slices contiguously and rejects bad input", async () => {
    const ctx = testContext();
    expect(await ctx.parallelize(nums, 4).glom().collect()).toEqual(ref.chunk(nums, 4));
    expect(ctx.parallelize(nums).getNumPartitions()).toBe(4); // the test context's default parallelism
    expect(() => ctx.parallelize(nums, 0)).toThrow(InvalidArgumentError);
    expect(() => ctx.parallelize(new Set([1]) as unknown as number[])).toThrow(InvalidArgumentError);
  });

  it("ctx.broadcast shares a value with tasks and counts its bytes", async () => {
    const ctx = testContext();
    const lookupTable = ctx.broadcast(new Map([[1, "one"], [2, "two"]]));
    expect(lookupTable.bytes).toBeGreaterThan(0);
    const out = await ctx.parallelize([1, 2, 3], 2).map((k) => lookupTable.value.get(k) ?? "?").collect();
    expect(out).toEqual(["one", "two", "?"]);
    expect(ctx.totals.broadcastBytes).toBeGreaterThanOrEqual(lookupTable.bytes);
    lookupTable.destroy();
    expect(() => lookupTable.value).toThrow(/destroyed/);
  });
});
