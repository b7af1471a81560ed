/**
 * How "auto" and "broadcast" joins pick their side: both sides measured fairly (by bytes, not by partitions),
 * the larger side never broadcast, each side's estimated and actual bytes recorded, nothing computed twice,
 * codec failures reported alike under every strategy, and a broadcast side's values exactly those a shuffle delivers.
 */
import { afterEach, describe, expect, it } from "vitest";
import { JobFailedError, SerializationError, type Context, type JoinDecision, type RDD } from "../../runtime/index.js";
import { broadcastPays } from "../../runtime/join/join-rdd.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";

afterEach(stopContexts);

type P = [number, string];

const rows = (n: number, tag: string, keys: number): P[] => Array.from({ length: n }, (_, i) => [i % keys, `${tag}${i}-${"x".repeat(16)}`]);
const SMALL = rows(100, "s", 100); // a few KiB
const BIG = rows(50_000, "b", 1000); // about 1.3 MiB

/** The reference join (Spark's semantics) by hash on the numeric keys used here: test/helpers/reference.ts loops, too slowly for 50,000 rows. */
function expected<V, W>(left: readonly [number, V][], right: readonly [number, W][], type: "inner" | "leftOuter" | "rightOuter" | "fullOuter"): [number, [V | undefined, W | undefined]][] {
  const byKey = new Map<number, W[]>();
  for (const [k, w] of right) byKey.set(k, [...(byKey.get(k) ?? []), w]);
  const out: [number, [V | undefined, W | undefined]][] = [];
  const matched = new Set<number>();
  for (const [k, v] of left) {
    const ws = byKey.get(k);
    if (ws) {
      matched.add(k);
      for (const w of ws) out.push([k, [v, w]]);
    } else if (type === "leftOuter" || type === "fullOuter") out.push([k, [v, undefined]]);
  }
  if (type === "rightOuter" || type === "fullOuter") for (const [k, w] of right) if (!matched.has(k)) out.push([k, [undefined, w]]);
  return out;
}

/** A side whose size is unknown up front (behind a map), counting how often each partition is computed. */
function counted(rdd: RDD<P>, calls: Map<number, number>): RDD<P> {
  return rdd.mapPartitionsWithIndex((i, part) => {
    calls.set(i, (calls.get(i) ?? 0) + 1);
    return part.map((r) => r);
  });
}

/** The side's exact encoded size, partition by partition, as the decision measures it. */
async function trueBytes(ctx: Context, data: P[], partitions: number): Promise<number> {
  const sizes = await ctx
    .parallelize(data, partitions)
    .mapPartitions((part) => [part.length ? ctx.codec.encode(part).byteLength : 0])
    .collect();
  return sizes.reduce((a, b) => a + b, 0);
}

function decisionOf(ctx: Context): JoinDecision {
  const joins = ctx.lastJob!.joins;
  expect(joins).toHaveLength(1);
  return joins[0]!;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected the job to fail");
    },
    (e: unknown) => e,
  );
}

describe("both sizes unknown: the smaller side is broadcast whatever the partition counts", () => {
  it.each([
    ["small 1 partition, big 8", 1, 8],
    ["small 8 partitions, big 1", 8, 1],
    ["small 1, big 1", 1, 1],
    ["small 8, big 8", 8, 8],
    ["small 3, big 5", 3, 5],
  ] as const)("%s", async (_, smallParts, bigParts) => {
    for (const smallOnLeft of [true, false]) {
      const ctx = testContext({ defaultParallelism: 4 }); // default broadcastThreshold (10 MiB): both sides are under it
      const smallCalls = new Map<number, number>();
      const bigCalls = new Map<number, number>();
      const small = counted(ctx.parallelize(SMALL, smallParts), smallCalls);
      const big = counted(ctx.parallelize(BIG, bigParts), bigCalls);
      const [l, r] = smallOnLeft ? [small, big] : [big, small];
      const out = await l.join(r, { strategy: "auto" }).count();
      expect(out).toBe(expected(smallOnLeft ? SMALL : BIG, smallOnLeft ? BIG : SMALL, "inner").length);

      const d = decisionOf(ctx);
      const smallSide = smallOnLeft ? "left" : "right";
      const bigSide = smallOnLeft ? "right" : "left";
      expect(d.strategy).toBe(`broadcast-${smallSide}`);
      // The small side was measured exactly; the big one only until its bytes passed the small side's total.
      const smallBytes = await trueBytes(ctx, SMALL, smallParts);
      expect(d[smallSide]).toMatchObject({ actualBytes: smallBytes, estimatedBytes: smallBytes, partitionsMeasured: smallParts, source: "measured" });
      expect(d.estimatedBytes).toBe(smallBytes);
      expect(d[bigSide]!.partitionsMeasured).toBeGreaterThanOrEqual(1);
      expect(d[bigSide]!.partitionsMeasured).toBeLessThanOrEqual(Math.max(1, Math.ceil(bigParts / 2)));
      expect(d[bigSide]!.estimatedBytes).toBeGreaterThan(smallBytes);
      // Nothing computed twice: the big side's measured partitions were streamed, not recomputed.
      expect([...smallCalls.values()]).toEqual(Array(smallParts).fill(1));
      expect([...bigCalls.values()]).toEqual(Array(bigParts).fill(1));
      await stopContexts();
    }
  });

  it('"broadcast" also picks the smaller side (the old turn order broadcast the 50,000-row side)', async () => {
    const ctx = testContext();
    const big = ctx.parallelize(BIG, 1).map((r) => r);
    const small = ctx.parallelize(SMALL, 8).map((r) => r);
    expect(await big.join(small, { strategy: "broadcast" }).count()).toBe(expected(BIG, SMALL, "inner").length);
    expect(decisionOf(ctx).strategy).toBe("broadcast-right");
    expect(await small.join(big, { strategy: "broadcast" }).count()).toBe(expected(SMALL, BIG, "inner").length);
    expect(decisionOf(ctx).strategy).toBe("broadcast-left");
  });

  it("equal sizes: one side is broadcast, and it is no larger than the other", async () => {
    const ctx = testContext();
    const a = rows(2000, "a", 500);
    const b = rows(2000, "b", 500);
    const out = await ctx
      .parallelize(a, 3)
      .map((r) => r)
      .join(ctx.parallelize(b, 5).map((r) => r), { strategy: "auto" })
      .collect();
    expectSamePairs(out, expected(a, b, "inner"));
    const d = decisionOf(ctx);
    expect(d.strategy).toMatch(/^broadcast-/);
    const [built, other] = d.strategy === "broadcast-left" ? [d.left!, d.right!] : [d.right!, d.left!];
    expect(built.actualBytes).toBeDefined();
    expect(built.actualBytes!).toBeLessThanOrEqual(other.actualBytes ?? Infinity);
    expect(built.actualBytes!).toBeLessThanOrEqual(await trueBytes(ctx, d.strategy === "broadcast-left" ? b : a, d.strategy === "broadcast-left" ? 5 : 3));
  });

  it("a side first measured from a sample only is encoded exactly before it is broadcast", async () => {
    // The right side's first partition is one row, so the left side's first partition looks large next to it and
    // is only sampled; the right side then turns out larger, and the left side wins after all.
    const ctx = testContext();
    const stages: string[] = [];
    ctx.addListener({ onStageStart: (e) => stages.push(e.name) });
    const leftData = rows(4000, "l", 500);
    const rightData: P[] = [[1, "r"], ...rows(10_000, "r", 500)];
    const lCalls = new Map<number, number>();
    const rCalls = new Map<number, number>();
    const l = counted(ctx.parallelize(leftData, 4), lCalls);
    const r = counted(ctx.parallelize(rightData.slice(0, 1), 1).union(ctx.parallelize(rightData.slice(1), 1)), rCalls);
    const out = await l.join(r, { strategy: "auto" }).collect();
    expectSamePairs(out, expected(leftData, rightData, "inner"));
    const d = decisionOf(ctx);
    const broadcastBytes = ctx.lastJob!.broadcastBytes;
    expect(d.strategy).toBe("broadcast-left");
    expect(stages.some((name) => name.startsWith("measure left side of join"))).toBe(true);
    const leftBytes = await trueBytes(ctx, leftData, 4);
    expect(d.left).toMatchObject({ actualBytes: leftBytes, partitionsMeasured: 4, source: "measured" });
    expect(broadcastBytes).toBe(leftBytes);
    expect([...lCalls.values()]).toEqual(Array(4).fill(1));
    expect([...rCalls.values()]).toEqual(Array(2).fill(1));
  });

  it("the larger side is never broadcast (many sizes and partition counts)", async () => {
    const sizes = [0, 1, 30, 400, 3000];
    for (const nl of sizes) {
      for (const nr of sizes) {
        for (const [pl, pr] of [
          [1, 6],
          [6, 1],
          [4, 4],
        ] as const) {
          const ctx = testContext({ broadcastThreshold: 10 * 2 ** 20 });
          const left = rows(nl, "l", 50);
          const right = rows(nr, "r", 50);
          const out = await ctx
            .parallelize(left, pl)
            .map((r) => r)
            .join(ctx.parallelize(right, pr).map((r) => r), { strategy: "auto" })
            .count();
          expect(out).toBe(expected(left, right, "inner").length);
          const d = decisionOf(ctx);
          const broadcastBytes = ctx.lastJob!.broadcastBytes;
          expect(d.strategy).toMatch(/^broadcast-/);
          const leftBytes = await trueBytes(ctx, left, pl);
          const rightBytes = await trueBytes(ctx, right, pr);
          if (d.strategy === "broadcast-left") expect(leftBytes).toBeLessThanOrEqual(rightBytes);
          else expect(rightBytes).toBeLessThanOrEqual(leftBytes);
          expect(broadcastBytes).toBe(Math.min(leftBytes, rightBytes));
          await stopContexts();
        }
      }
    }
  });
});

describe("sizes known up front", () => {
  it("both known: the smaller wins and the larger is never computed", async () => {
    const ctx = testContext();
    // A parallelized collection's size is known from a sample of its rows.
    const big = ctx.parallelize(BIG, 4);
    const small = ctx.parallelize(SMALL, 2);
    const out = await big.join(small, { strategy: "auto" }).count();
    expect(out).toBe(expected(BIG, SMALL, "inner").length);
    const d = decisionOf(ctx);
    expect(d.strategy).toBe("broadcast-right");
    expect(d.left).toMatchObject({ partitionsMeasured: 0, source: "known" });
    expect(d.left!.estimatedBytes).toBeGreaterThan(d.right!.actualBytes!);
    expect(d.right).toMatchObject({ partitionsMeasured: 2, source: "measured" });
  });

  it("a side known to be well under the other is measured in one job, not one job per partition", async () => {
    const ctx = testContext();
    const big = ctx.parallelize(BIG, 4);
    const small = ctx.parallelize(SMALL, 8);
    expect(await big.join(small, { strategy: "auto" }).count()).toBe(expected(BIG, SMALL, "inner").length);
    expect(decisionOf(ctx)).toMatchObject({ strategy: "broadcast-right", right: { partitionsMeasured: 8, source: "measured" } });
    expect(ctx.lastJob!.stages).toBe(2); // the small side's 8 partitions, then the streamed stage
  });

  it("a known small side against an unknown big one: the big side is computed only until it passes the small side", async () => {
    const ctx = testContext();
    const bigCalls = new Map<number, number>();
    const big = counted(ctx.parallelize(BIG, 8), bigCalls);
    const small = ctx.parallelize(SMALL, 2);
    expect(await small.join(big, { strategy: "auto" }).count()).toBe(expected(SMALL, BIG, "inner").length);
    const d = decisionOf(ctx);
    expect(d.strategy).toBe("broadcast-left");
    expect(d.right!.partitionsMeasured).toBe(1);
    expect(d.right!.source).toBe("extrapolated");
    expect(d.left).toMatchObject({ partitionsMeasured: 2, source: "measured" });
    expect([...bigCalls.values()]).toEqual(Array(8).fill(1));
  });

  it("a known big side against an unknown small one: the small side is measured, the big one never computed", async () => {
    const ctx = testContext();
    const smallCalls = new Map<number, number>();
    const small = counted(ctx.parallelize(SMALL, 3), smallCalls);
    const big = ctx.parallelize(BIG, 8);
    expect(await big.join(small, { strategy: "auto" }).count()).toBe(expected(BIG, SMALL, "inner").length);
    const d = decisionOf(ctx);
    expect(d.strategy).toBe("broadcast-right");
    expect(d.left).toMatchObject({ partitionsMeasured: 0, source: "known" });
    expect(d.right).toMatchObject({ partitionsMeasured: 3, source: "measured" });
    expect([...smallCalls.values()]).toEqual(Array(3).fill(1));
  });
});

describe("limits and join types", () => {
  it("a side over the threshold falls back to shuffle, computing each partition once", async () => {
    const ctx = testContext({ broadcastThreshold: 64 * 1024 });
    const lCalls = new Map<number, number>();
    const rCalls = new Map<number, number>();
    const l = counted(ctx.parallelize(BIG, 8), lCalls);
    const r = counted(ctx.parallelize(rows(20_000, "r", 1000), 6), rCalls);
    expect(await l.join(r, { strategy: "auto" }).count()).toBe(expected(BIG, rows(20_000, "r", 1000), "inner").length);
    const d = decisionOf(ctx);
    expect(d.strategy).toBe("shuffle");
    expect(d.reason).toMatch(/left side over broadcastThreshold/);
    expect(d.reason).toMatch(/right side over broadcastThreshold/);
    expect(d.estimatedBytes).toBeGreaterThan(64 * 1024);
    for (const side of [d.left!, d.right!]) {
      expect(side.source).toBe("extrapolated");
      expect(side.estimatedBytes).toBeGreaterThan(64 * 1024);
      expect(side.actualBytes).toBeUndefined();
      expect(side.partitionsMeasured).toBeLessThan(side.partitions); // stopped at the limit
    }
    expect(ctx.lastJob!.shuffleBytesWritten).toBeGreaterThan(0);
    expect([...lCalls.values()]).toEqual(Array(8).fill(1));
    expect([...rCalls.values()]).toEqual(Array(6).fill(1));
  });

  it("one side over the threshold: the other is broadcast", async () => {
    const ctx = testContext({ broadcastThreshold: 64 * 1024 });
    const out = await ctx
      .parallelize(SMALL, 1)
      .map((r) => r)
      .join(ctx.parallelize(BIG, 2).map((r) => r), { strategy: "auto" })
      .count();
    expect(out).toBe(expected(SMALL, BIG, "inner").length);
    expect(decisionOf(ctx).strategy).toBe("broadcast-left");
  });

  it("maxBroadcastBytes caps an explicit broadcast", async () => {
    const ctx = testContext({ maxBroadcastBytes: 1024 });
    const out = await ctx
      .parallelize(BIG, 2)
      .map((r) => r)
      .join(ctx.parallelize(rows(3000, "r", 1000), 2).map((r) => r), { strategy: "broadcast" })
      .count();
    expect(out).toBe(expected(BIG, rows(3000, "r", 1000), "inner").length);
    const d = decisionOf(ctx);
    expect(d.strategy).toBe("shuffle");
    expect(d.reason).toMatch(/maxBroadcastBytes/);
  });

  it("full outer joins never broadcast; outer joins broadcast only the side that drops its unmatched rows", async () => {
    const ctx = testContext();
    const small = ctx.parallelize(SMALL, 2).map((r) => r);
    const big = ctx.parallelize(BIG, 4).map((r) => r);
    expectSamePairs(await small.fullOuterJoin(big, { strategy: "auto" }).collect(), expected(SMALL, BIG, "fullOuter"));
    expect(decisionOf(ctx).strategy).toBe("shuffle");
    expect(decisionOf(ctx).reason).toMatch(/full outer/);
    // A left outer join may broadcast the right side only, small or not; the left side is not computed to decide.
    expectSamePairs(await small.leftOuterJoin(big, { strategy: "auto" }).collect(), expected(SMALL, BIG, "leftOuter"));
    const lo = decisionOf(ctx);
    expect(lo.strategy).toBe("broadcast-right");
    expect(lo.left!.partitionsMeasured).toBe(0);
    expectSamePairs(await big.rightOuterJoin(small, { strategy: "auto" }).collect(), expected(BIG, SMALL, "rightOuter"));
    expect(decisionOf(ctx).strategy).toBe("broadcast-left");
  });

  it("the cost model: in process a side within the limit is always worth broadcasting; a worker pool pays a copy per worker", () => {
    const inProcess = { kind: "in-process", copies: 1 } as const;
    const pool = { kind: "workers", copies: 4 } as const;
    expect(broadcastPays(inProcess, 1000, undefined)).toBe(true);
    expect(broadcastPays(inProcess, 1000, 10)).toBe(true);
    expect(broadcastPays(pool, 1000, undefined)).toBe(false);
    expect(broadcastPays(pool, 1000, 2000)).toBe(false);
    expect(broadcastPays(pool, 1000, 4000)).toBe(true);
  });
});

describe("broadcast values are serialized, as a shuffle's are", () => {
  it("a function inside a value fails with JobFailedError under shuffle, broadcast and auto alike", async () => {
    const withFn = (n: number): [number, unknown][] => Array.from({ length: n }, (_, i) => [i, i === 7 ? { f: () => i } : { f: i }]);
    const plain = rows(300, "p", 20);
    for (const source of ["mapped", "parallelized"] as const) {
      const seen: { operation: string; partition: number }[] = [];
      for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
        const ctx = testContext();
        const bad = ctx.parallelize(withFn(12), 3);
        const right = source === "mapped" ? bad.map((r) => r) : bad;
        const left = ctx.parallelize(plain, 2).map((r) => r) as RDD<[number, unknown]>;
        const e = await rejection(left.join(right, { strategy }).collect());
        expect(e).toBeInstanceOf(JobFailedError);
        const err = e as JobFailedError;
        expect(err.cause).toBeInstanceOf(SerializationError);
        expect(err.message).toMatch(/function/);
        expect(err.message).toContain(`stage ${err.stageId}`);
        expect(err.message).toContain(`partition ${err.partition}`);
        expect(err.stageId).toBeGreaterThanOrEqual(0);
        seen.push({ operation: err.operation, partition: err.partition });
        // The context still works afterwards.
        expect(await ctx.parallelize(plain, 2).join(ctx.parallelize(plain, 2), { strategy }).count()).toBe(expected(plain, plain, "inner").length);
        await stopContexts();
      }
      // Same operation and partition (the one holding row 7) whatever the strategy.
      expect(seen).toEqual(Array(3).fill({ operation: source === "mapped" ? "map" : "parallelize", partition: 1 }));
    }
  });

  it("a pruned streamed side is checked as a shuffle after its projection checks it: pruned parts unchecked, kept parts checked", async () => {
    const fn = () => 1;
    // [streamed value, projection, whether the projected value holds the function]
    const cases: [unknown, Parameters<RDD<[number, unknown]>["projectValues"]>[0], boolean][] = [
      [[1, fn, 3], [0], false],
      [[fn, 2, 3], [0], true],
      [[1, 2, fn], [2, 0], true],
      [{ a: 1, f: fn }, { a: true }, false],
      [{ a: fn, f: 1 }, { a: true }, true],
      [[[1, fn], 2], [[0, [0]], 1], false],
      [[[1, fn], 2], [[0, [1]]], true],
      [new Map([[1, fn]]), [0], true], // not an array or plain object: handed on whole, so checked whole
    ];
    for (const [value, projection, fails] of cases) {
      const outcomes: unknown[] = [];
      for (const [strategy, inPlace] of [["shuffle", false], ["auto", false], ["auto", true]] as const) {
        const ctx = testContext();
        const big = ctx.parallelize(Array.from({ length: 2000 }, (_, i): [number, unknown] => [i % 50, i === 1234 ? value : Array.isArray(value) ? [0, 0, 0] : value instanceof Map ? new Map() : { a: 0, f: 0 }]), 4);
        const small = ctx.parallelize(Array.from({ length: 50 }, (_, i): [number, number] => [i, i]), 2);
        const streamed = big.projectValues(projection as never) as RDD<[number, unknown]>;
        const run = streamed.join(small, { strategy, inPlace }).count();
        outcomes.push(await run.then((n) => n, (e: unknown) => (e as JobFailedError).cause instanceof SerializationError ? "SerializationError" : e));
        if (strategy === "auto") expect(ctx.lastJob!.joins[0]!.strategy).toBe("broadcast-right");
        await stopContexts();
      }
      expect(outcomes, JSON.stringify(projection)).toEqual(Array(3).fill(fails ? "SerializationError" : 2000));
    }
  });

  it("a broadcast build side's values equal what a shuffle delivers (-0, undefined properties, mixed shapes)", async () => {
    const objects: [number, unknown][] = [
      [1, { a: -0, b: undefined, c: "x" }],
      [2, { a: 1.5, b: undefined, c: "y" }],
      [3, { a: -0, b: 2, c: "z" }],
    ];
    const tuples: [number, unknown][] = [
      [1, [-0, undefined]],
      [2, [3, "t"]],
    ];
    const mixed: [number, unknown][] = [
      [1, { a: undefined }],
      [2, "s"],
      [3, -0],
      [1, [1, { b: -0 }]],
      [2, new Map([["k", -0]])],
      [3, null],
    ];
    const stream: [number, number][] = Array.from({ length: 300 }, (_, i) => [1 + (i % 4), i]); // larger than any build side
    for (const build of [objects, tuples, mixed]) {
      const results: unknown[][] = [];
      for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
        const ctx = testContext();
        const s = ctx.parallelize(stream, 2).map((r) => r);
        const b = ctx.parallelize(build, 2).map((r) => r);
        const out = await s.join(b, { strategy }).collect();
        expect(decisionOf(ctx).strategy).toBe(strategy === "shuffle" ? "shuffle" : "broadcast-right");
        // The build side's values are copies that went through the codec, not the caller's objects.
        for (const [, [, v]] of out) if (typeof v === "object" && v !== null) expect(build.some(([, w]) => w === v)).toBe(false);
        results.push(out);
        await stopContexts();
      }
      expectSamePairs(results[1]!, results[0]!);
      expectSamePairs(results[2]!, results[0]!);
    }
  });
});

describe('"auto" promises a shuffle\'s results', () => {
  it("a streamed row a shuffle would reject fails the job under a broadcast too; an explicit broadcast streams it", async () => {
    class Box {
      constructor(readonly a: number) {}
    }
    const { Context, JobFailedError } = await import("../../runtime/index.js");
    const ctx = new Context({ defaultParallelism: 2, progress: false });
    try {
      const big = ctx.parallelize<[number, { a: number }]>([[1, new Box(1)], [2, { a: 2 }]], 2);
      const small = ctx.parallelize<[number, string]>([[1, "x"]], 1);
      const messageOf = async (strategy: "shuffle" | "auto") => {
        try {
          await big.join(small, { strategy }).collect();
          return "no error";
        } catch (e) {
          expect(e).toBeInstanceOf(JobFailedError);
          return String((e as Error).message).replace(/stage \d+/, "stage N");
        }
      };
      const shuffled = await messageOf("shuffle");
      expect(shuffled).toMatch(/instance of class Box/);
      expect(await messageOf("auto")).toBe(shuffled);
      expect(ctx.lastJob?.joins[0]?.strategy ?? "broadcast-right").toMatch(/broadcast/);
      // an explicit broadcast of the right side (a left outer join never measures the left) streams rows as they are
      expect(await big.leftOuterJoin(small, { strategy: "broadcast" }).count()).toBe(2);
    } finally {
      await ctx.stop();
    }
  });
});
