/**
 * Every join strategy returns the reference's multiset, for every join type:
 * shuffle, broadcast (either side), co-partitioned, auto at any threshold,
 * and a broadcast that passes the hard cap and falls back to a shuffle.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { HashPartitioner, type Context, type ContextOptions, type JoinOptions, type RDD } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

type P = [unknown, unknown];
type JoinType = ref.JoinType;

const JOIN_TYPES: JoinType[] = ["inner", "leftOuter", "rightOuter", "fullOuter"];
const BROADCAST_STRATEGY: Record<Exclude<JoinType, "fullOuter">, string[]> = {
  inner: ["broadcast-left", "broadcast-right"],
  leftOuter: ["broadcast-right"],
  rightOuter: ["broadcast-left"],
};

function runJoin(left: RDD<P>, right: RDD<P>, type: JoinType, options: JoinOptions): Promise<unknown[]> {
  switch (type) {
    case "inner":
      return left.join(right, options).collect();
    case "leftOuter":
      return left.leftOuterJoin(right, options).collect();
    case "rightOuter":
      return left.rightOuterJoin(right, options).collect();
    case "fullOuter":
      return left.fullOuterJoin(right, options).collect();
  }
}

/** Few distinct keys, so duplicates on both sides (full cross products) are common. */
const keyArb = fc.oneof(
  fc.integer({ min: -3, max: 6 }),
  fc.constantFrom<unknown>(-0, NaN, 0.5, 1n, "a", "é", "😀", true, null, undefined),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom("x", "y")),
);
const valueArb = fc.oneof(fc.integer(), fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 3 }), fc.tuple(fc.double(), fc.boolean()));
const pairsArb = fc.array(fc.tuple(keyArb, valueArb) as fc.Arbitrary<P>, { maxLength: 25 });

interface Input {
  left: P[];
  right: P[];
  leftParts: number;
  rightParts: number;
  /** Hide a side's size behind a map, so the estimator must compute it. */
  hideLeft: boolean;
  hideRight: boolean;
}

const inputArb: fc.Arbitrary<Input> = fc.record({
  left: pairsArb,
  right: pairsArb,
  leftParts: fc.integer({ min: 1, max: 4 }),
  rightParts: fc.integer({ min: 1, max: 4 }),
  hideLeft: fc.boolean(),
  hideRight: fc.boolean(),
});

function sides(ctx: Context, input: Input): [RDD<P>, RDD<P>] {
  let left = ctx.parallelize(input.left, input.leftParts);
  let right = ctx.parallelize(input.right, input.rightParts);
  if (input.hideLeft) left = left.map((r) => r);
  if (input.hideRight) right = right.filter(() => true);
  return [left, right];
}

async function check(ctx: Context, input: Input, type: JoinType, options: JoinOptions, allowed: string[], prepare?: (rdd: RDD<P>) => RDD<P>): Promise<void> {
  let [left, right] = sides(ctx, input);
  if (prepare) [left, right] = [prepare(left), prepare(right)];
  const out = await runJoin(left, right, type, options);
  expectSamePairs(out, ref.join(input.left, input.right, type));
  const joins = ctx.lastJob!.joins;
  expect(joins).toHaveLength(1);
  expect(allowed).toContain(joins[0]!.strategy);
  expect(joins[0]!.reason.length).toBeGreaterThan(0);
}

const ctxFor = (options: ContextOptions = {}) => testContext({ defaultParallelism: 3, ...options });

describe("join strategies agree with the reference (property)", () => {
  it("shuffle and co-partitioned, all four join types", async () => {
    await fc.assert(
      fc.asyncProperty(inputArb, fc.integer({ min: 1, max: 5 }), async (input, n) => {
        const ctx = ctxFor();
        for (const type of JOIN_TYPES) {
          await check(ctx, input, type, {}, ["shuffle"]);
          await check(ctx, input, type, { strategy: "shuffle", numPartitions: n }, ["shuffle"]);
          const p = new HashPartitioner(n);
          await check(ctx, input, type, {}, ["co-partitioned"], (rdd) => rdd.partitionBy(p));
          // explicit strategies on co-partitioned sides still read them in place
          await check(ctx, input, type, { strategy: "auto", partitioner: p }, ["co-partitioned"], (rdd) => rdd.partitionBy(p));
        }
        await stopContexts();
      }),
      { numRuns: 20 },
    );
  });

  it("explicit broadcast picks an allowed side", async () => {
    await fc.assert(
      fc.asyncProperty(inputArb, async (input) => {
        const ctx = ctxFor();
        for (const type of ["inner", "leftOuter", "rightOuter"] as const) {
          await check(ctx, input, type, { strategy: "broadcast" }, BROADCAST_STRATEGY[type]);
        }
        await stopContexts();
      }),
      { numRuns: 40 },
    );
  });

  it('"auto" at any broadcastThreshold (0, tiny, huge, arbitrary)', async () => {
    await fc.assert(
      fc.asyncProperty(inputArb, fc.oneof(fc.constantFrom(0, 1, 16, 2 ** 40), fc.nat({ max: 4000 })), async (input, threshold) => {
        const ctx = ctxFor({ broadcastThreshold: threshold });
        for (const type of JOIN_TYPES) {
          const allowed = type === "fullOuter" ? ["shuffle"] : ["shuffle", ...BROADCAST_STRATEGY[type]];
          await check(ctx, input, type, { strategy: "auto" }, allowed);
        }
        await stopContexts();
      }),
      { numRuns: 40 },
    );
  });

  it("a broadcast side over maxBroadcastBytes falls back to a shuffle without losing or duplicating rows", async () => {
    await fc.assert(
      fc.asyncProperty(inputArb, fc.constantFrom(1, 64, 300), async (input, cap) => {
        const ctx = ctxFor({ broadcastThreshold: 2 ** 40, maxBroadcastBytes: cap });
        for (const type of ["inner", "leftOuter", "rightOuter"] as const) {
          // An empty side encodes to 0 bytes and may still be broadcast; otherwise a 1-byte cap forces the shuffle.
          const buildSides = type === "inner" ? [input.left, input.right] : type === "leftOuter" ? [input.right] : [input.left];
          const mustShuffle = cap === 1 && buildSides.every((s) => s.length > 0);
          const allowed = mustShuffle ? ["shuffle"] : ["shuffle", ...BROADCAST_STRATEGY[type]];
          await check(ctx, input, type, { strategy: "auto" }, allowed);
          await check(ctx, input, type, { strategy: "broadcast" }, allowed);
        }
        await stopContexts();
      }),
      { numRuns: 25 },
    );
  });
});

describe("join strategies, by example", () => {
  const small: P[] = [[1, "s1"], [2, "s2"], [2, "s2b"], [[1, "x"], "s3"]];
  const big: P[] = Array.from({ length: 400 }, (_, i) => [i % 50, `b${i}`] as P).concat([[[1, "x"], "bx"]]);

  it("broadcast picks the smaller side for inner joins, and the allowed side for outer joins", async () => {
    const ctx = ctxFor();
    const s = ctx.parallelize(small, 2);
    const b = ctx.parallelize(big, 4);
    const cases: [() => Promise<unknown[]>, string, unknown[]][] = [
      [() => s.join(b, { strategy: "broadcast" }).collect(), "broadcast-left", ref.join(small, big, "inner")],
      [() => b.join(s, { strategy: "broadcast" }).collect(), "broadcast-right", ref.join(big, small, "inner")],
      [() => s.leftOuterJoin(b, { strategy: "broadcast" }).collect(), "broadcast-right", ref.join(small, big, "leftOuter")],
      [() => b.rightOuterJoin(s, { strategy: "broadcast" }).collect(), "broadcast-left", ref.join(big, small, "rightOuter")],
      [() => b.join(s, { strategy: "auto" }).collect(), "broadcast-right", ref.join(big, small, "inner")],
      [() => s.join(b.mapValues((v) => v), { strategy: "auto" }).collect(), "broadcast-left", ref.join(small, big, "inner")],
    ];
    for (const [run, strategy, expected] of cases) {
      expectSamePairs(await run(), expected);
      expect(ctx.lastJob!.joins.map((j) => j.strategy)).toEqual([strategy]);
      expect(ctx.lastJob!.broadcastBytes).toBeGreaterThan(0);
      expect(ctx.lastJob!.shuffleBytesWritten).toBe(0);
    }
  });

  it('"auto" over the threshold shuffles and records an estimate; autoBroadcast: false always shuffles', async () => {
    const ctx = ctxFor({ broadcastThreshold: 100 });
    const out = await ctx.parallelize(big, 4).join(ctx.parallelize(big, 3), { strategy: "auto", site: "app.ts:3:7" }).collect();
    expectSamePairs(out, ref.join(big, big, "inner"));
    const [decision] = ctx.lastJob!.joins;
    expect(decision).toMatchObject({ strategy: "shuffle", site: "app.ts:3:7" });
    expect(decision!.estimatedBytes).toBeGreaterThan(100);
    expect(decision!.reason).toMatch(/broadcastThreshold/);
    const off = ctxFor({ autoBroadcast: false });
    await off.parallelize(big, 2).join(off.parallelize(small, 2), { strategy: "auto" }).count();
    expect(off.lastJob!.joins[0]).toMatchObject({ strategy: "shuffle" });
    expect(off.lastJob!.joins[0]!.reason).toMatch(/autoBroadcast/);
  });

  it("an explicit broadcast on a full outer join is a clear error", () => {
    const ctx = ctxFor();
    const a = ctx.parallelize(small);
    expect(() => a.fullOuterJoin(a, { strategy: "broadcast" })).toThrow(/full outer join cannot broadcast.*"shuffle"/);
    expect(() => a.join(a, { strategy: "sideways" as "auto" })).toThrow(/Unknown join strategy/);
  });

  it("duplicate keys on both sides give the full cross product per key", async () => {
    const ctx = ctxFor();
    const l: P[] = Array.from({ length: 6 }, (_, i) => [i % 2 ? "k" : ["k"], `l${i}`] as P);
    const r: P[] = Array.from({ length: 5 }, (_, i) => [i % 2 ? "k" : ["k"], `r${i}`] as P);
    for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
      const out = await ctx.parallelize(l, 2).join(ctx.parallelize(r, 3), { strategy }).collect();
      expect(out).toHaveLength(3 * 2 + 3 * 3);
      expectSamePairs(out, ref.join(l, r, "inner"));
    }
  });

  it("a join of a join, and joins after aggregations, agree with the reference", async () => {
    const ctx = ctxFor({ broadcastThreshold: 200 });
    const a: [number, number][] = Array.from({ length: 60 }, (_, i) => [i % 9, i]);
    const b: [number, string][] = Array.from({ length: 20 }, (_, i) => [i % 12, `b${i}`]);
    const c: [number, boolean][] = [[1, true], [2, false], [20, true]];
    const sums = ref.reduceByKey(a, (x, y) => x + y);
    for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
      const rdd = ctx
        .parallelize(a, 3)
        .reduceByKey((x, y) => x + y)
        .leftOuterJoin(ctx.parallelize(b, 2), { strategy })
        .fullOuterJoin(ctx.parallelize(c, 1), { strategy: strategy === "broadcast" ? "auto" : strategy });
      const expected = ref.join(ref.join(sums, b, "leftOuter"), c, "fullOuter");
      expectSamePairs(await rdd.collect(), expected);
      expect(ctx.lastJob!.joins).toHaveLength(2);
    }
  });
});

describe("partitioning of join output", () => {
  const big: P[] = Array.from({ length: 120 }, (_, i) => [i % 30, i] as P);
  const small: P[] = [[1, "a"], [2, "b"], [29, "c"]];

  it("partitionBy after an undecided broadcast/auto join really places every key", async () => {
    const ctx = ctxFor({ defaultParallelism: 4 });
    for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
      const p = new HashPartitioner(4);
      const placed = ctx.parallelize(big, 3).join(ctx.parallelize(small, 1), { strategy }).partitionBy(p);
      const parts = await placed.glom().collect();
      expect(parts).toHaveLength(4);
      parts.forEach((rows, i) => rows.forEach(([k]) => expect(p.getPartition(k)).toBe(i)));
      expectSamePairs(parts.flat(), ref.join(big, small, "inner"));
    }
  });

  it("mapValues, filter and flatMapValues keep co-partitioning (no shuffle at all); map drops it", async () => {
    const ctx = ctxFor();
    const p = new HashPartitioner(3);
    const l = ctx.parallelize(big, 2).partitionBy(p);
    const r = ctx.parallelize(small, 2).partitionBy(p);
    await Promise.all([l.count(), r.count()]); // run the two partitionBy shuffles up front
    const cases: [RDD<P>, string, number][] = [
      [l.mapValues((v) => v), "co-partitioned", 0],
      [l.filter(() => true), "co-partitioned", 0],
      [l.flatMapValues((v) => [v]), "co-partitioned", 0],
      [l.map((row) => row), "shuffle", 1],
    ];
    for (const [left, strategy, shuffles] of cases) {
      for (const type of JOIN_TYPES) {
        expectSamePairs(await runJoin(left, r, type, {}), ref.join(big, small, type));
        expect(ctx.lastJob!.joins.map((j) => j.strategy)).toEqual([strategy]);
        expect(ctx.lastJob!.stages).toBe(1 + shuffles);
        if (shuffles === 0) expect(ctx.lastJob!.shuffleBytesWritten).toBe(0);
      }
    }
  });

  it("a join with a sorted (range-partitioned) side agrees with the reference", async () => {
    const ctx = ctxFor();
    const sorted = ctx.parallelize(big, 3).sortByKey(false, 3);
    for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
      expectSamePairs(await sorted.join(ctx.parallelize(small, 2), { strategy }).collect(), ref.join(big, small, "inner"));
      expectSamePairs(await sorted.fullOuterJoin(ctx.parallelize(small, 2)).collect(), ref.join(big, small, "fullOuter"));
    }
  });
});
