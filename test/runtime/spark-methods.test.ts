/**
 * The Spark methods of issue 13 against plain-array references (test/helpers/spark-reference.ts): examples
 * with empty RDDs, empty partitions and odd values, then fast-check properties over several partition counts.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { HashPartitioner, JobFailedError, RddError, StatCounter } from "../../runtime/index.js";
import { keyArb } from "../helpers/arbitraries.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { canon, expectSameMultiset, expectSamePairs } from "../helpers/multiset.js";
import * as spark from "../helpers/spark-reference.js";
import { chunk } from "../helpers/reference.js";

afterEach(stopContexts);

const keyCanon = (row: unknown) => canon(row, { zeroIsZero: true });
const words = ["ant", "bee", "cat", "bat", "eel", "ape", "cow", "", "ant"];

describe("groupBy", () => {
  it("groups rows by the function's key, with the partitions asked for", async () => {
    const ctx = testContext();
    const grouped = ctx.parallelize(words, 3).groupBy((w) => w.slice(0, 1), 2);
    expect(grouped.getNumPartitions()).toBe(2);
    expectSamePairs(await grouped.collect(), spark.groupBy(words, (w) => w.slice(0, 1)), { unorderedValue: true });
    const byPartitioner = ctx.parallelize(words, 3).groupBy((w) => w.length, new HashPartitioner(5));
    expect(byPartitioner.partitioner?.numPartitions).toBe(5);
    expectSamePairs(await byPartitioner.collect(), spark.groupBy(words, (w) => w.length), { unorderedValue: true });
  });

  it("keys compare by value: -0 and 0, NaN, undefined, nested arrays", async () => {
    const ctx = testContext();
    const rows = [0, -0, NaN, NaN, 1, 2, 3, 4];
    const key = (x: number) => (x === 1 ? undefined : x === 2 ? [[1, 2], "a"] : x === 3 ? [[1, 2], "a"] : x === 4 ? [[1, 2], "b"] : x);
    const actual = await ctx.parallelize(rows, 4).groupBy(key).collect();
    expectSamePairs(actual, spark.groupBy(rows, key), { unorderedValue: true });
    expect(actual).toHaveLength(5);
    expect(await ctx.parallelize<number>([], 3).groupBy((x) => x).collect()).toEqual([]);
  });

  it("an exception in the function names groupBy; numPartitions 0 names groupBy", async () => {
    const ctx = testContext();
    const failed = await ctx
      .parallelize([1, 2], 2)
      .groupBy((x) => {
        if (x === 2) throw new Error("boom");
        return x;
      })
      .collect()
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(JobFailedError);
    expect((failed as JobFailedError).operation).toBe("groupBy");
    expect(() => ctx.parallelize([1]).groupBy((x) => x, 0)).toThrow(/^groupBy numPartitions must be a positive integer, got 0/);
  });
});

describe("top and takeOrdered", () => {
  const data = [5, 3, 9, 1, 7, 3, 8, -2, 0];

  it("take the n smallest / largest rows in order, across empty partitions", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(data, 12); // most partitions empty
    for (const n of [0, 1, 3, 9, 20]) {
      expect(await rdd.takeOrdered(n)).toEqual(spark.takeOrdered(data, n));
      expect(await rdd.top(n)).toEqual(spark.top(data, n));
    }
    expect(await ctx.parallelize<number>([], 3).top(2)).toEqual([]);
    expect(await ctx.parallelize<number>([], 3).takeOrdered(2)).toEqual([]);
  });

  it("a comparator orders by anything; the default is the key order (strings, tuples, NaN last)", async () => {
    const ctx = testContext();
    const people: [string, number][] = [["ada", 36], ["lin", 29], ["bo", 41], ["cy", 29]];
    const byAge = (a: [string, number], b: [string, number]) => a[1] - b[1] || a[0].localeCompare(b[0]);
    expect(await ctx.parallelize(people, 3).takeOrdered(2, byAge)).toEqual([["cy", 29], ["lin", 29]]);
    expect(await ctx.parallelize(people, 3).top(2, byAge)).toEqual([["bo", 41], ["ada", 36]]);
    expect(await ctx.parallelize(people, 2).top(2)).toEqual([["lin", 29], ["cy", 29]]);
    expect(await ctx.parallelize([2, NaN, -Infinity, 1], 2).top(2)).toEqual([NaN, 2]);
    expect(await ctx.parallelize([2, NaN, -Infinity, 1], 2).takeOrdered(2)).toEqual([-Infinity, 1]);
  });

  it("n must be a whole number >= 0; a comparator that throws names the method", async () => {
    const ctx = testContext();
    await expect(ctx.parallelize([1]).top(-1)).rejects.toThrow(/top n must be a whole number >= 0, got -1/);
    await expect(ctx.parallelize([1]).takeOrdered(1.5)).rejects.toThrow(/takeOrdered n must be/);
    const failed = await ctx
      .parallelize([1, 2, 3], 1)
      .takeOrdered(2, () => {
        throw new Error("bad compare");
      })
      .catch((e: unknown) => e);
    expect((failed as JobFailedError).operation).toBe("takeOrdered");
  });

  it("rows with no key order (objects) need a comparator: the error says so", async () => {
    const ctx = testContext();
    const items = ctx.parallelize([{ price: 3 }, { price: 1 }], 1);
    await expect(items.top(1)).rejects.toThrow(/top without a comparator orders rows by the key order .* but a row is a plain object\. Pass a comparator: rdd\.top\(n, /);
    await expect(items.max()).rejects.toThrow(/max without a comparator .* Pass a comparator: rdd\.max\(\(a, b\)/);
    expect(await items.top(1, (a, b) => a.price - b.price)).toEqual([{ price: 3 }]);
  });

  it("keeps only n rows per partition (bounded heaps, not a full sort)", async () => {
    const ctx = testContext();
    let comparisons = 0;
    const rows = Array.from({ length: 4000 }, (_, i) => (i * 7919) % 4000);
    const smallest = await ctx.parallelize(rows, 4).takeOrdered(3, (a, b) => (comparisons++, a - b));
    expect(smallest).toEqual([0, 1, 2]);
    // a sort of 1000 rows per partition takes ~10,000 comparisons each; a 3-row heap about 1-2 per row
    expect(comparisons).toBeLessThan(3 * rows.length);
  });
});

describe("max and min", () => {
  it("by the key order or a comparator; an empty RDD is a clear error", async () => {
    const ctx = testContext();
    expect(await ctx.parallelize([3, 1, 4, 1, 5], 3).max()).toBe(5);
    expect(await ctx.parallelize([3, 1, 4, 1, 5], 3).min()).toBe(1);
    expect(await ctx.parallelize(["pear", "apple", "fig"], 2).max()).toBe("pear");
    expect(await ctx.parallelize(["pear", "apple", "fig"], 2).max((a, b) => a.length - b.length)).toBe("apple");
    expect(await ctx.parallelize([[1, "b"], [1, "a"], [0, "z"]], 2).max()).toEqual([1, "b"]);
    expect(await ctx.parallelize([1, NaN, 2], 3).max()).toBeNaN(); // NaN is the largest number, as Spark's Double ordering
    expect(await ctx.parallelize([1, NaN, 2], 3).min()).toBe(1);
    const empty = await ctx.parallelize<number>([], 3).max().catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(RddError);
    expect((empty as Error).message).toBe("max() of an empty RDD: there is no row to return. Check isEmpty() first, or use stats().max for numbers (-Infinity when empty).");
    await expect(ctx.parallelize<number>([], 3).min()).rejects.toThrow(/^min\(\) of an empty RDD/);
  });

  it("returns the first of rows equal under the comparator, in partition order", async () => {
    const ctx = testContext();
    const rows: [number, string][] = [[1, "first"], [2, "a"], [2, "b"], [0, "c"]];
    expect(await ctx.parallelize(rows, 2).max((a, b) => a[0] - b[0])).toEqual([2, "a"]);
    expect(await ctx.parallelize(rows, 4).min((a, b) => a[0] - b[0])).toEqual([0, "c"]);
  });
});

describe("numeric actions (RDD<number>)", () => {
  const values = [2, 4, 4, 4, 5, 5, 7, 9];

  it("sum, mean, variance, stdev (population, as Spark) and the sample versions", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(values, 3);
    expect(await rdd.sum()).toBe(40);
    expect(await rdd.mean()).toBe(5);
    expect(await rdd.variance()).toBe(4);
    expect(await rdd.stdev()).toBe(2);
    expect(await rdd.sampleVariance()).toBeCloseTo(32 / 7, 12);
    expect(await rdd.sampleStdev()).toBeCloseTo(Math.sqrt(32 / 7), 12);
    const s = await rdd.stats();
    expect(s).toBeInstanceOf(StatCounter);
    expect(s.toJSON()).toEqual({ count: 8, mean: 5, stdev: 2, variance: 4, max: 9, min: 2, sum: 40 });
    expect(String(s)).toBe("(count: 8, mean: 5, stdev: 2, max: 9, min: 2)");
  });

  it("empty RDDs and empty partitions behave as Spark's", async () => {
    const ctx = testContext();
    const empty = ctx.parallelize<number>([], 4);
    expect(await empty.sum()).toBe(0);
    expect(await empty.mean()).toBeNaN();
    expect(await empty.variance()).toBeNaN();
    expect(await empty.stdev()).toBeNaN();
    expect(await empty.sampleStdev()).toBeNaN();
    const s = await empty.stats();
    expect([s.count, s.sum, s.max, s.min]).toEqual([0, 0, -Infinity, Infinity]);
    const one = ctx.parallelize([7], 5);
    expect([await one.mean(), await one.variance(), await one.sampleVariance()]).toEqual([7, 0, NaN]);
  });

  it("NaN propagates into mean, variance, max and min (Math.max/min, as Spark's StatCounter); -0 sums as 0", async () => {
    const ctx = testContext();
    const s = await ctx.parallelize([1, NaN, 3], 2).stats();
    expect([s.count, s.mean, s.variance, s.max, s.min]).toEqual([3, NaN, NaN, NaN, NaN]);
    expect(Object.is(await ctx.parallelize([-0, -0], 2).sum(), 0)).toBe(true); // 0 + -0 is 0, as in Spark's fold(0.0)
    expect(await ctx.parallelize([Infinity, 1], 2).mean()).toBe(Infinity);
  });

  it("rows that are not numbers are a clear error naming the method", async () => {
    const ctx = testContext();
    const strings = ctx.parallelize(["1", "2"]) as unknown as ReturnType<typeof ctx.range>; // a type that lies
    const failed = await strings.sum().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(JobFailedError);
    expect((failed as Error).message).toMatch(/sum\(\) needs number rows, but a row is 1 \(string\)\. Map rows to numbers first/);
    await expect(strings.stats()).rejects.toThrow(/stats\(\) needs number rows/);
  });
});

describe("zipWithIndex and zipWithUniqueId", () => {
  it("zipWithIndex numbers rows in partition order, across empty partitions, with one counting job", async () => {
    const ctx = testContext();
    const rows = ["a", "b", "c", "d", "e"];
    let counted = 0;
    ctx.addListener({ onJobStart: () => counted++ });
    const zipped = ctx.parallelize(rows, 8).zipWithIndex();
    expect(await zipped.collect()).toEqual(spark.zipWithIndex(rows));
    expect(await zipped.collect()).toEqual(spark.zipWithIndex(rows)); // starts are kept: no second count
    expect(counted).toBe(2); // the count runs inside the first job (as a nested job), not as a job of its own
    expect(await ctx.parallelize([], 3).zipWithIndex().collect()).toEqual([]);
    expect(await ctx.parallelize([1], 1).zipWithIndex().collect()).toEqual([[1, 0]]);
    // after a shuffle: indices follow the shuffled partitions' order, every index once
    const shuffled = await ctx.parallelize(rows, 3).repartition(4).zipWithIndex().collect();
    expect(shuffled.map(([, i]) => i)).toEqual([0, 1, 2, 3, 4]);
    expectSameMultiset(shuffled.map(([r]) => r), rows);
  });

  it("zipWithUniqueId gives row i of partition p of n the id i * n + p, with no extra job", async () => {
    const ctx = testContext();
    const rows = Array.from({ length: 11 }, (_, i) => i * 10);
    for (const n of [1, 3, 20]) {
      expect(await ctx.parallelize(rows, n).zipWithUniqueId().collect()).toEqual(spark.zipWithUniqueId(rows, n));
      expect(ctx.lastJob!.stages).toBe(1);
    }
  });
});

describe("subtract, intersection, cartesian", () => {
  it("subtract keeps the left's duplicates of rows missing on the right; intersection is distinct", async () => {
    const ctx = testContext();
    const left = [1, 1, 2, 3, 3, 4, -0, NaN];
    const right = [3, 5, 0, NaN, 4, 4];
    const subtracted = ctx.parallelize(left, 3).subtract(ctx.parallelize(right, 2));
    expect(subtracted.getNumPartitions()).toBe(3); // Spark: this RDD's partition count by default
    expectSameMultiset(await subtracted.collect(), spark.subtract(left, right), keyCanon);
    expectSameMultiset(await ctx.parallelize(left, 3).intersection(ctx.parallelize(right, 2)).collect(), spark.intersection(left, right), keyCanon);
    expect(ctx.parallelize(left, 3).intersection(ctx.parallelize(right), 5).getNumPartitions()).toBe(5);
    expect(await ctx.parallelize<number>([], 2).subtract(ctx.parallelize(right)).collect()).toEqual([]);
    expectSameMultiset(await ctx.parallelize(left, 2).subtract(ctx.parallelize<number>([], 2)).collect(), left, keyCanon);
    expect(await ctx.parallelize(left).intersection(ctx.parallelize<number>([])).collect()).toEqual([]);
  });

  it("rows compare by value: tuples, nested arrays, undefined, null", async () => {
    const ctx = testContext();
    const left: unknown[] = [[1, "a"], [1, "b"], [[1, [2]], "x"], undefined, null, [1, "a"]];
    const right: unknown[] = [[1, "a"], [[1, [2]], "x"], null];
    expectSameMultiset(await ctx.parallelize(left, 2).subtract(ctx.parallelize(right, 3)).collect(), spark.subtract(left, right), keyCanon);
    expectSameMultiset(await ctx.parallelize(left, 2).intersection(ctx.parallelize(right, 3)).collect(), spark.intersection(left, right), keyCanon);
  });

  it("object rows are a clear error naming the method", async () => {
    const ctx = testContext();
    const objects = ctx.parallelize([{ id: 1 }]);
    await expect(objects.subtract(objects).collect()).rejects.toThrow(/subtract compares whole rows by value, but a row is a plain object/);
    await expect(objects.intersection(objects).collect()).rejects.toThrow(/intersection compares whole rows by value/);
    expect(() => objects.subtract(objects, 0)).toThrow(/^subtract numPartitions/);
    expect(() => objects.intersection(objects, 0)).toThrow(/^intersection numPartitions/);
  });

  it("cartesian pairs every row with every row, in n * m partitions, with no shuffle", async () => {
    const ctx = testContext();
    const a = [1, 2, 3];
    const b = ["x", "y"];
    const product = ctx.parallelize(a, 2).cartesian(ctx.parallelize(b, 3));
    expect(product.getNumPartitions()).toBe(6);
    expectSameMultiset(await product.collect(), spark.cartesian(a, b));
    // partition i * 3 + j pairs left partition i with right partition j (parallelize splits as ref.chunk does)
    const expected = chunk(a, 2).flatMap((left) => chunk(b, 3).map((right) => spark.cartesian(left, right)));
    expect(await product.glom().collect()).toEqual(expected);
    expect(ctx.lastJob!.stages).toBe(1);
    expect(ctx.lastJob!.shuffleBytesWritten).toBe(0);
    expect(await ctx.parallelize(a).cartesian(ctx.parallelize<string>([], 2)).collect()).toEqual([]);
    expect(await ctx.parallelize<number>([], 2).cartesian(ctx.parallelize(b)).count()).toBe(0);
  });
});

describe("foreachPartition", () => {
  it("is called once per partition, empty partitions included", async () => {
    const ctx = testContext();
    const seen: number[][] = [];
    await ctx.parallelize([1, 2, 3], 5).foreachPartition((rows) => void seen.push(rows));
    expect(seen).toHaveLength(5);
    expectSameMultiset(seen.flat(), [1, 2, 3]);
    expect(seen.filter((rows) => rows.length === 0)).toHaveLength(2);
  });

  it("awaits the promises it returns; a rejection fails the action naming foreachPartition", async () => {
    const ctx = testContext();
    const written: number[] = [];
    await ctx.parallelize([1, 2, 3, 4], 2).foreachPartition(async (rows) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      written.push(...rows);
    });
    expectSameMultiset(written, [1, 2, 3, 4]);
    const failed = await ctx
      .parallelize([1, 2], 2)
      .foreachPartition(async (rows) => {
        if (rows[0] === 2) throw new Error("db down");
      })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(JobFailedError);
    expect((failed as Error).message).toMatch(/foreachPartition .*partition 1 rejected: db down/);
    const thrown = await ctx
      .parallelize([1], 1)
      .foreachPartition(() => {
        throw new Error("sync");
      })
      .catch((e: unknown) => e);
    expect((thrown as JobFailedError).operation).toBe("foreachPartition");
  });
});

describe("properties against the references", () => {
  const keysArb = fc.array(fc.oneof(keyArb, fc.integer({ min: 0, max: 4 })), { maxLength: 25 });
  const partitionsArb = fc.integer({ min: 1, max: 6 });

  it("subtract, intersection, groupBy and cartesian", async () => {
    await fc.assert(
      fc.asyncProperty(keysArb, keysArb, partitionsArb, partitionsArb, async (left, right, n, m) => {
        const ctx = testContext();
        const a = ctx.parallelize(left, n);
        const b = ctx.parallelize(right, m);
        expectSameMultiset(await a.subtract(b).collect(), spark.subtract(left, right), keyCanon);
        expectSameMultiset(await a.intersection(b, m).collect(), spark.intersection(left, right), keyCanon);
        const key = (row: unknown) => (Array.isArray(row) ? row[0] : typeof row);
        expectSamePairs(await a.groupBy(key, n).collect(), spark.groupBy(left, key), { unorderedValue: true });
        expectSameMultiset(await a.cartesian(b).collect(), spark.cartesian(left, right));
        await stopContexts();
      }),
      { numRuns: 40 },
    );
  });

  it("top, takeOrdered, max, min, zipWithIndex", async () => {
    await fc.assert(
      fc.asyncProperty(keysArb, partitionsArb, fc.integer({ min: 0, max: 8 }), async (rows, n, k) => {
        const ctx = testContext();
        const rdd = ctx.parallelize(rows, n);
        // rows equal in the key order (0 and -0) may come in either order: compare as keys
        expect((await rdd.takeOrdered(k)).map(keyCanon)).toEqual(spark.takeOrdered(rows, k).map(keyCanon));
        expect((await rdd.top(k)).map(keyCanon)).toEqual(spark.top(rows, k).map(keyCanon));
        if (rows.length > 0) {
          expect(keyCanon(await rdd.max())).toBe(keyCanon(spark.top(rows, 1)[0]));
          expect(keyCanon(await rdd.min())).toBe(keyCanon(spark.takeOrdered(rows, 1)[0]));
        }
        expect((await rdd.zipWithIndex().collect()).map((r) => canon(r))).toEqual(spark.zipWithIndex(rows).map((r) => canon(r)));
        await stopContexts();
      }),
      { numRuns: 40 },
    );
  });

  it("stats merges partial counters as a two-pass computation over all values would", async () => {
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    await fc.assert(
      fc.asyncProperty(fc.array(finite, { maxLength: 40 }), partitionsArb, async (values, n) => {
        const ctx = testContext();
        const s = await ctx.parallelize(values, n).stats();
        const expected = spark.stats(values);
        expect(s.count).toBe(expected.count);
        expect(s.max).toBe(expected.max);
        expect(s.min).toBe(expected.min);
        const close = (actual: number, want: number) => {
          if (Number.isNaN(want)) expect(actual).toBeNaN();
          else expect(Math.abs(actual - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
        };
        close(s.mean, expected.mean);
        close(s.sum, expected.sum);
        close(s.variance, expected.variance);
        close(s.sampleVariance, expected.sampleVariance);
        close(await ctx.parallelize(values, n).sum(), expected.sum);
        await stopContexts();
      }),
      { numRuns: 60 },
    );
  });
});

describe("errors name the method the user called", () => {
  it("a numPartitions of 0 is reported under the method's own name, for every method that takes one", () => {
    const ctx = testContext();
    const pairs = ctx.parallelize<[number, number]>([[1, 2]]);
    const calls: [string, () => unknown][] = [
      ["repartition", () => pairs.repartition(0)],
      ["coalesce", () => pairs.coalesce(0)],
      ["sortBy", () => pairs.sortBy((p) => p[0], true, 0)],
      ["sortByKey", () => pairs.sortByKey(true, 0)],
      ["distinct", () => pairs.distinct(0)],
      ["reduceByKey", () => pairs.reduceByKey((a, b) => a + b, 0)],
      ["foldByKey", () => pairs.foldByKey(0, (a, b) => a + b, 0)],
      ["aggregateByKey", () => pairs.aggregateByKey(0, (a, b) => a + b, (a, b) => a + b, 0)],
      ["combineByKey", () => pairs.combineByKey((v) => v, (c, v) => c + v, (a, b) => a + b, 0)],
      ["groupByKey", () => pairs.groupByKey(0)],
      ["subtractByKey", () => pairs.subtractByKey(pairs, 0)],
      ["cogroup", () => pairs.cogroup(pairs, 0)],
      ["join", () => pairs.join(pairs, { numPartitions: 0 })],
      ["groupBy", () => pairs.groupBy((p) => p[0], 0)],
      ["subtract", () => pairs.subtract(pairs, 0)],
      ["intersection", () => pairs.intersection(pairs, 0)],
    ];
    for (const [method, call] of calls) expect(call, method).toThrow(new RegExp(`^${method} numPartitions must be a positive integer, got 0`));
  });
});
