/** Pair operations against plain-array references, over awkward keys and values. */
import { afterEach, describe, expect, it } from "vitest";
import { HashPartitioner, InvalidArgumentError, RangePartitioner, type RDD } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

type P = [unknown, unknown];

/** Keys that are easy to get wrong: SameValueZero numbers, bigints, booleans, null/undefined, unicode, tuples. */
const awkwardKeys: unknown[] = [
  0, -0, NaN, 1, 1.5, -1, 2 ** 40, Infinity, 1n, 2n ** 70n, true, false, null, undefined,
  "", "1", "é", "e\u0301", "😀", "\u{10FFFF}", [1, "a"], [1, "b"], [[1], 2], [0, NaN], [-0, NaN], [null, undefined], [1n, true],
];

/** Pairs with skew (key 0 many times), duplicates, and undefined/null values. */
function awkwardPairs(): P[] {
  const out: P[] = [];
  awkwardKeys.forEach((k, i) => {
    out.push([k, i]);
    if (i % 3 === 0) out.push([k, undefined]);
    if (i % 4 === 0) out.push([k, null]);
  });
  for (let i = 0; i < 30; i++) out.push([i % 2 ? 0 : -0, `skew${i}`]);
  return out;
}

describe("per-value pair operations", () => {
  it("mapValues, flatMapValues, keys and values", async () => {
    const ctx = testContext();
    const pairs = awkwardPairs();
    const rdd = ctx.parallelize(pairs, 5);
    expectSamePairs(await rdd.mapValues((v) => [v]).collect(), pairs.map(([k, v]) => [k, [v]]));
    expectSamePairs(
      await rdd.flatMapValues((v) => (typeof v === "number" ? [v, v] : [])).collect(),
      pairs.flatMap(([k, v]) => (typeof v === "number" ? [[k, v], [k, v]] : [])),
    );
    expect((await rdd.keys().collect()).map(ref.keyId)).toEqual(pairs.map(([k]) => ref.keyId(k)));
    expect(await rdd.values().collect()).toEqual(pairs.map(([, v]) => v));
  });
});

describe("by-key aggregation", () => {
  it("reduceByKey, groupByKey, foldByKey, aggregateByKey and combineByKey agree with the reference", async () => {
    const ctx = testContext();
    const pairs: P[] = awkwardPairs().map(([k], i) => [k, i]);
    const rdd = ctx.parallelize(pairs as [unknown, number][], 6);
    const sum = (a: number, b: number) => a + b;
    expectSamePairs(await rdd.reduceByKey(sum).collect(), ref.reduceByKey(pairs as [unknown, number][], sum));
    expectSamePairs(await rdd.reduceByKey(sum, 3).collect(), ref.reduceByKey(pairs as [unknown, number][], sum));
    expectSamePairs(await rdd.groupByKey().collect(), ref.groupByKey(pairs), { unorderedValue: true });
    expectSamePairs(await rdd.foldByKey(0, sum).collect(), ref.reduceByKey(pairs as [unknown, number][], sum));
    const lists = await rdd
      .aggregateByKey([] as number[], (acc, v) => (acc.push(v), acc), (a, b) => a.concat(b), 4)
      .collect();
    expectSamePairs(lists, ref.groupByKey(pairs), { unorderedValue: true });
    const combined = await rdd
      .combineByKey(
        (v) => ({ n: 1, sum: v }),
        (c, v) => ({ n: c.n + 1, sum: c.sum + v }),
        (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
      )
      .collect();
    expectSamePairs(
      combined,
      ref.groupByKey(pairs as [unknown, number][]).map(([k, vs]) => [k, { n: vs.length, sum: vs.reduce(sum) }]),
    );
  });

  it("a mutable zero in foldByKey/aggregateByKey is fresh for every key", async () => {
    const ctx = testContext();
    const pairs: [string, number][] = [["a", 1], ["b", 2], ["a", 3], ["b", 4], ["c", 5]];
    const out = await ctx
      .parallelize(pairs, 1)
      .aggregateByKey([] as number[], (acc, v) => (acc.push(v), acc), (a, b) => a.concat(b))
      .collect();
    expectSamePairs(out, ref.groupByKey(pairs), { unorderedValue: true });
    const folded = await ctx.parallelize(pairs.map(([k, v]) => [k, [v]] as [string, number[]]), 2).foldByKey([], (a, b) => a.concat(b)).collect();
    expectSamePairs(folded, ref.groupByKey(pairs), { unorderedValue: true });
  });

  it("foldByKey adds the zero once per key per map partition (Spark semantics)", async () => {
    const ctx = testContext();
    const pairs: [string, number][] = [["a", 1], ["a", 2], ["a", 3], ["a", 4]];
    const [[, v]] = await ctx.parallelize(pairs, 2).foldByKey(10, (a, b) => a + b).collect();
    expect(v).toBe(10 + 10 + 1 + 2 + 3 + 4);
  });

  it("combineByKey without map-side combine gives the same result", async () => {
    const ctx = testContext();
    const pairs: [number, number][] = Array.from({ length: 60 }, (_, i) => [i % 7, i]);
    const out = await ctx
      .parallelize(pairs, 4)
      .combineByKey((v) => [v], (c, v) => [...c, v], (a, b) => [...a, ...b], 3, false)
      .collect();
    expectSamePairs(out, ref.groupByKey(pairs), { unorderedValue: true });
  });

  it("countByKey, collectAsMap and lookup", async () => {
    const ctx = testContext();
    const pairs = awkwardPairs();
    const rdd = ctx.parallelize(pairs, 4);
    expectSamePairs([...(await rdd.countByKey())], ref.countByKey(pairs));
    const asMap = await rdd.collectAsMap();
    expect(asMap.size).toBe(ref.groupByKey(pairs).length); // one entry per distinct key, composite keys by value
    expect(asMap.get(-0)).toBe("skew29"); // SameValueZero: 0 and -0 are one key; the last value wins
    for (const k of [0, -0, NaN, 1n, null, undefined, "😀", [1, "a"], [0, NaN]]) {
      const expected = pairs.filter(([pk]) => ref.keyId(pk) === ref.keyId(k)).map(([, v]) => v);
      expect(await rdd.lookup(k)).toEqual(expected);
      expect(await rdd.partitionBy(new HashPartitioner(3)).lookup(k).then((vs) => vs.length)).toBe(expected.length);
    }
    expect(await rdd.lookup("missing")).toEqual([]);
  });

  it("lookup reads only the key's partition when the partitioner is known", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(awkwardPairs(), 4).partitionBy(new HashPartitioner(5));
    await rdd.count();
    await rdd.lookup(1);
    expect(ctx.lastJob!.tasks).toBe(1);
  });
});

describe("partitionBy and partitioner propagation", () => {
  it("places keys by the partitioner; mapValues/filter/flatMapValues keep it, map/keys drop it", async () => {
    const ctx = testContext();
    const p = new HashPartitioner(3);
    const rdd = ctx.parallelize(awkwardPairs(), 4).partitionBy(p);
    expect(rdd.getNumPartitions()).toBe(3);
    const parts = await rdd.glom().collect();
    parts.forEach((rows, i) => rows.forEach(([k]) => expect(p.getPartition(k)).toBe(i)));
    expectSamePairs(parts.flat(), awkwardPairs());
    expect(rdd.mapValues((v) => v).partitioner).toBe(p);
    expect(rdd.filter(() => true).partitioner).toBe(p);
    expect(rdd.flatMapValues((v) => [v]).partitioner).toBe(p);
    expect(rdd.map((r) => r).partitioner).toBeUndefined();
    expect(rdd.keyBy((r) => r[0]).partitioner).toBeUndefined();
    expect(rdd.partitionBy(new HashPartitioner(3))).toBe(rdd); // already placed: no new shuffle
    expect(rdd.partitionBy(new HashPartitioner(4))).not.toBe(rdd);
  });

  it("partitioners compare by value and hash stably", () => {
    expect(new HashPartitioner(4).equals(new HashPartitioner(4))).toBe(true);
    expect(new HashPartitioner(4).equals(new HashPartitioner(5))).toBe(false);
    expect(new HashPartitioner(4).equals(undefined)).toBe(false);
    expect(new RangePartitioner([1, 5]).equals(new RangePartitioner([1, 5]))).toBe(true);
    expect(new RangePartitioner([1, 5]).equals(new RangePartitioner([1, 6]))).toBe(false);
    expect(new RangePartitioner([1, 5]).equals(new HashPartitioner(3))).toBe(false);
    const h = new HashPartitioner(7);
    expect(h.getPartition(0)).toBe(h.getPartition(-0));
    expect(h.getPartition(NaN)).toBe(h.getPartition(Number("x")));
    expect(h.getPartition([1, "a"])).toBe(h.getPartition([1, "a"]));
    expect(h.getPartition([-0, 2.5])).toBe(h.getPartition([0, 2.5]));
    expect(() => new HashPartitioner(0)).toThrow(InvalidArgumentError);
  });

  it("reduceByKey on a partitioned RDD with the same partitioner keeps it and does not shuffle again", async () => {
    const ctx = testContext();
    const p = new HashPartitioner(3);
    const rdd = ctx.parallelize(awkwardPairs().map(([k], i) => [k, i] as [unknown, number]), 4).partitionBy(p);
    const reduced = rdd.reduceByKey((a, b) => a + b);
    expect(reduced.partitioner?.equals(p)).toBe(true);
  });
});

describe("subtractByKey and cogroup", () => {
  const left: P[] = [[1, "a"], [1, "b"], [2, "c"], [[1, 2], "d"], [NaN, "e"], [-0, "f"], [undefined, "g"]];
  const right: P[] = [[1, 10], [3, 30], [[1, 2], 40], [NaN, 50], [0, 60], [0, 61]];

  it("subtractByKey drops left pairs whose key is on the right", async () => {
    const ctx = testContext();
    const out = await ctx.parallelize(left, 3).subtractByKey(ctx.parallelize(right, 2)).collect();
    expectSamePairs(out, ref.subtractByKey(left, right));
    expectSamePairs(await ctx.parallelize(left, 3).subtractByKey(ctx.parallelize<P>([], 2), 5).collect(), left);
  });

  it("cogroup of two and three inputs", async () => {
    const ctx = testContext();
    const third: P[] = [[2, true], [4, false], [undefined, null]];
    const [l, r, t] = [ctx.parallelize(left, 3), ctx.parallelize(right, 2), ctx.parallelize(third, 1)] as RDD<P>[];
    expectSamePairs(await l!.cogroup(r!).collect(), ref.cogroup(left, right), { unorderedValue: true });
    expectSamePairs(await l!.cogroup(r!, t!).collect(), ref.cogroup(left, right, third), { unorderedValue: true });
    expectSamePairs(await l!.cogroup(r!, 7).collect(), ref.cogroup(left, right), { unorderedValue: true });
    expect(l!.cogroup(r!, t!, 5).getNumPartitions()).toBe(5);
  });

  it("cogroup of co-partitioned inputs needs no shuffle for them", async () => {
    const ctx = testContext();
    const p = new HashPartitioner(3);
    const l = ctx.parallelize(left, 3).partitionBy(p);
    const r = ctx.parallelize(right, 2).partitionBy(p);
    await l.count();
    await r.count();
    const before = ctx.totals.shuffleBytesWritten;
    expectSamePairs(await l.cogroup(r).collect(), ref.cogroup(left, right), { unorderedValue: true });
    expect(ctx.totals.shuffleBytesWritten).toBe(before);
  });
});

describe("argument checks", () => {
  it("numPartitions <= 0 is rejected by every by-key operation", () => {
    const ctx = testContext();
    const rdd = ctx.parallelize([[1, 1] as [number, number]]);
    const bad = [0, -1, 2.5];
    for (const n of bad) {
      expect(() => rdd.reduceByKey((a) => a, n)).toThrow(InvalidArgumentError);
      expect(() => rdd.groupByKey(n)).toThrow(InvalidArgumentError);
      expect(() => rdd.distinct(n)).toThrow(InvalidArgumentError);
      expect(() => rdd.subtractByKey(rdd, n)).toThrow(InvalidArgumentError);
      expect(() => rdd.cogroup(rdd, n)).toThrow(InvalidArgumentError);
      expect(() => rdd.join(rdd, { numPartitions: n })).toThrow(InvalidArgumentError);
    }
  });
});
