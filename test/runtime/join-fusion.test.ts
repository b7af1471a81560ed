/**
 * Consumers fused into a join (runtime/rdd/join-fusion.ts): mapValues, mapValues + values()/keys(), values() and
 * keys() read the join's rows taken apart; a map reads whole rows (not fused). Each is checked, for every join type
 * and strategy, partition by partition and in order, against the same pipeline with the fusion broken (a
 * filter between the join and its consumer), and against plain-array references; and that fusion really ran
 * (JoinRDD.compute, the unfused path, is not called) or really did not (persisted, checkpointed).
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HashPartitioner, type Context, type JoinOptions, type RDD } from "../../runtime/index.js";
import { JoinRDD } from "../../runtime/join/join-rdd.js";
import { stopContexts, testContext, tempDir } from "../helpers/context.js";
import { expectSameMultiset, expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(async () => {
  vi.restoreAllMocks();
  await stopContexts();
});

type P = [unknown, unknown];
type JoinType = ref.JoinType;
const JOIN_TYPES: JoinType[] = ["inner", "leftOuter", "rightOuter", "fullOuter"];

function joinOf(left: RDD<P>, right: RDD<P>, type: JoinType, options: JoinOptions): RDD<[unknown, [unknown, unknown]]> {
  switch (type) {
    case "inner":
      return left.join(right, options) as RDD<[unknown, [unknown, unknown]]>;
    case "leftOuter":
      return left.leftOuterJoin(right, options) as RDD<[unknown, [unknown, unknown]]>;
    case "rightOuter":
      return left.rightOuterJoin(right, options) as RDD<[unknown, [unknown, unknown]]>;
    case "fullOuter":
      return left.fullOuterJoin(right, options) as RDD<[unknown, [unknown, unknown]]>;
  }
}

type Joined = RDD<[unknown, [unknown, unknown]]>;
/** A value of odd parts, so that any mix-up of sides, keys or undefined shows. */
const describeValue = (l: unknown, r: unknown): unknown => [l === undefined ? "no-left" : l, r === undefined ? "no-right" : r];
const mvFn = ([l, r]: [unknown, unknown]): unknown => describeValue(l, r);

/** Each consumer: what it builds on a join, and the plain-array result of the join's rows. */
const CONSUMERS: Record<string, { build: (j: Joined) => RDD<unknown>; expected: (rows: [unknown, [unknown, unknown]][]) => unknown[]; fuses: boolean }> = {
  mapValues: { build: (j) => j.mapValues(mvFn), expected: (rows) => rows.map(([k, v]) => [k, mvFn(v)]), fuses: true },
  "mapValues + values": { build: (j) => j.mapValues(mvFn).values(), expected: (rows) => rows.map(([, v]) => mvFn(v)), fuses: true },
  "mapValues + keys": { build: (j) => j.mapValues(mvFn).keys(), expected: (rows) => rows.map(([k]) => k), fuses: true },
  values: { build: (j) => j.values(), expected: (rows) => rows.map(([, v]) => v), fuses: true },
  keys: { build: (j) => j.keys(), expected: (rows) => rows.map(([k]) => k), fuses: true },
  "map (not fused)": { build: (j) => j.map(([k, [l, r]]) => [k, describeValue(l, r)]), expected: (rows) => rows.map(([k, [l, r]]) => [k, describeValue(l, r)]), fuses: false },
};

/** The same consumer with fusion broken: a filter between the join and it reads whole rows. */
const unfused = (j: Joined): Joined => j.filter(() => true);

interface Setup {
  name: string;
  options: JoinOptions;
  prepare?: (rdd: RDD<P>) => RDD<P>;
  /** Strategies the join may take (explicit broadcast picks the smaller allowed side). */
  strategies: (type: JoinType) => string[];
}

const SETUPS: Setup[] = [
  { name: "shuffle", options: { strategy: "shuffle", numPartitions: 3 }, strategies: () => ["shuffle"] },
  {
    name: "co-partitioned",
    options: {},
    prepare: (rdd) => rdd.partitionBy(new HashPartitioner(3)),
    strategies: () => ["co-partitioned"],
  },
  {
    name: "broadcast",
    options: { strategy: "broadcast" },
    strategies: (type) => ({ inner: ["broadcast-left", "broadcast-right"], leftOuter: ["broadcast-right"], rightOuter: ["broadcast-left"], fullOuter: [] })[type],
  },
  { name: "auto", options: { strategy: "auto" }, strategies: (type) => ["shuffle", ...(type === "fullOuter" ? [] : ["broadcast-left", "broadcast-right"])] },
];

async function checkConsumer(ctx: Context, left: P[], right: P[], type: JoinType, setup: Setup, consumer: keyof typeof CONSUMERS, parts: [number, number] = [2, 3]): Promise<string> {
  const c = CONSUMERS[consumer]!;
  const side = (rows: P[], n: number) => (setup.prepare ? setup.prepare(ctx.parallelize(rows, n)) : ctx.parallelize(rows, n));
  const make = () => joinOf(side(left, parts[0]), side(right, parts[1]), type, setup.options);
  const computed = vi.spyOn(JoinRDD.prototype, "compute");
  const fused = await c.build(make()).glom().collect();
  const strategy = ctx.lastJob!.joins[0]!.strategy;
  expect(setup.strategies(type)).toContain(strategy);
  if (c.fuses) expect(computed).not.toHaveBeenCalled();
  else if (fused.length > 0) expect(computed).toHaveBeenCalled();
  computed.mockRestore();
  // Partition by partition, in order, exactly (-0, undefined, holes) as the unfused pipeline.
  const plain = await c.build(unfused(make())).glom().collect();
  expect(ctx.lastJob!.joins[0]!.strategy).toBe(strategy);
  expect(fused).toStrictEqual(plain);
  expectSameMultiset(fused.flat(), c.expected(ref.join(left, right, type) as [unknown, [unknown, unknown]][]));
  return strategy;
}

const small: P[] = [[1, "s1"], [2, "s2"], [2, "s2b"], [-0, "s-zero"], [[1, "x"], "s3"], [7, undefined], [undefined, "s-undef-key"]];
const big: P[] = Array.from({ length: 120 }, (_, i) => [i % 12, i % 5 === 0 ? undefined : `b${i}`] as P).concat([
  [0, "b-zero"],
  [[1, "x"], "bx"],
  [undefined, "b-undef-key"],
  [99, "b-unmatched"],
]);

describe("fused join consumers, every join type x strategy x consumer", () => {
  for (const setup of SETUPS) {
    for (const type of JOIN_TYPES) {
      if (setup.strategies(type).length === 0) continue;
      it(`${setup.name} ${type}`, async () => {
        const ctx = testContext({ defaultParallelism: 3 });
        const seen = new Set<string>();
        for (const consumer of Object.keys(CONSUMERS)) {
          seen.add(await checkConsumer(ctx, small, big, type, setup, consumer));
          seen.add(await checkConsumer(ctx, big, small, type, setup, consumer));
        }
        // Explicit broadcast of an inner join builds either side, depending on which is smaller.
        if (setup.name === "broadcast" && type === "inner") expect([...seen].sort()).toEqual(["broadcast-left", "broadcast-right"]);
      });
    }
  }
});

describe("fused join consumers: what must not fuse, and errors", () => {
  it("a persisted join read by two consumers: computed once, both read the cache, results as unpersisted", async () => {
    const ctx = testContext({ defaultParallelism: 3 });
    for (const type of JOIN_TYPES) {
      const computed = vi.spyOn(JoinRDD.prototype, "compute");
      const join = joinOf(ctx.parallelize(small, 2), ctx.parallelize(big, 3), type, { strategy: type === "fullOuter" ? "shuffle" : "auto" }).persist();
      const a = await join.mapValues(mvFn).values().collect();
      const b = await join.mapValues(([l]: [unknown, unknown]) => l).collect();
      expect(computed).toHaveBeenCalledTimes(join.numPartitions); // once per partition, by the first consumer
      computed.mockRestore();
      const rows = ref.join(small, big, type) as [unknown, [unknown, unknown]][];
      expectSameMultiset(a, rows.map(([, v]) => mvFn(v)));
      expectSamePairs(b as P[], rows.map(([k, [l]]) => [k, l] as P));
      join.unpersist();
    }
  });

  it("a join read by two consumers unpersisted: each computes it fused, the same rows", async () => {
    const ctx = testContext({ defaultParallelism: 3 });
    const join = joinOf(ctx.parallelize(big, 2), ctx.parallelize(small, 3), "leftOuter", { strategy: "broadcast" });
    const computed = vi.spyOn(JoinRDD.prototype, "compute");
    const [a, b] = await Promise.all([join.mapValues(mvFn).collect(), join.values().collect()]);
    expect(computed).not.toHaveBeenCalled();
    const rows = ref.join(big, small, "leftOuter") as [unknown, [unknown, unknown]][];
    expectSamePairs(a as P[], rows.map(([k, v]) => [k, mvFn(v)] as P));
    expectSameMultiset(b, rows.map(([, v]) => v));
  });

  it("a persisted (or checkpointed) mapValues between the join and values() is read through its iterator", async () => {
    const ctx = testContext({ defaultParallelism: 3 });
    ctx.setCheckpointDir(tempDir());
    const f = vi.fn(mvFn);
    const persisted = joinOf(ctx.parallelize(small, 2), ctx.parallelize(big, 2), "inner", {}).mapValues(f).persist();
    const expected = (ref.join(small, big, "inner") as [unknown, [unknown, unknown]][]).map(([, v]) => mvFn(v));
    expectSameMultiset(await persisted.values().collect(), expected);
    const calls = f.mock.calls.length;
    expectSameMultiset(await persisted.values().collect(), expected);
    expect(f.mock.calls.length).toBe(calls); // the second job read the cache, the function never ran again

    const g = vi.fn(mvFn);
    const marked = joinOf(ctx.parallelize(small, 2), ctx.parallelize(big, 2), "inner", {}).mapValues(g);
    marked.checkpoint();
    expectSameMultiset(await marked.values().collect(), expected);
    expect(marked.isCheckpointed()).toBe(true);
    const before = g.mock.calls.length;
    expectSameMultiset(await marked.values().collect(), expected);
    expect(g.mock.calls.length).toBe(before); // read from the checkpoint files
  });

  it("a checkpointed join is read from its files, not computed fused from its old plan", async () => {
    const ctx = testContext({ defaultParallelism: 3 });
    ctx.setCheckpointDir(tempDir());
    const join = joinOf(ctx.parallelize(small, 2), ctx.parallelize(big, 2), "fullOuter", {});
    join.checkpoint();
    await join.count();
    expect(join.isCheckpointed()).toBe(true);
    const joined = vi.spyOn(JoinRDD.prototype, "computeJoined");
    const out = await join.mapValues(mvFn).values().collect();
    expect(joined).not.toHaveBeenCalled();
    expectSameMultiset(out, (ref.join(small, big, "fullOuter") as [unknown, [unknown, unknown]][]).map(([, v]) => mvFn(v)));
  });

  it("a throwing function fails the job as unfused, naming its operation", async () => {
    const ctx = testContext({ defaultParallelism: 2 });
    const boom = (): never => {
      throw new Error("boom");
    };
    const message = async (run: () => Promise<unknown>) => run().then(() => "no error", (e: Error) => `${e.constructor.name}: ${e.message}`.replace(/\d+/g, "N")); // ids differ
    for (const strategy of ["shuffle", "broadcast"] as const) {
      const join = () => joinOf(ctx.parallelize(big, 2), ctx.parallelize(small, 2), "inner", { strategy });
      const fusedMv = await message(() => join().mapValues(boom).values().collect());
      const plainMv = await message(() => unfused(join()).mapValues(boom).values().collect());
      expect(fusedMv).toMatch(/JobFailedError.*mapValues.*boom/);
      expect(fusedMv).toBe(plainMv);
      const joinMap = await message(() => join().map(boom).collect());
      const plainMap = await message(() => unfused(join()).map(boom).collect());
      expect(joinMap).toMatch(/JobFailedError.*map.*boom/);
      expect(joinMap).toBe(plainMap);
    }
  });

  it("a fused mapValues' function gets a fresh [l, r] per joined row: its own to keep or change", async () => {
    const ctx = testContext({ defaultParallelism: 2 });
    for (const strategy of ["shuffle", "broadcast"] as const) {
      // The function keeps its argument and changes it: each row's must be its own plain array.
      const scribble = (v: [unknown, unknown]): [unknown, unknown] => {
        const kept = [v[0], v[1]] as [unknown, unknown];
        v[0] = "scribbled";
        v.push("extra");
        return kept;
      };
      const args: unknown[] = [];
      const out = await joinOf(ctx.parallelize(big, 2), ctx.parallelize(small, 2), "inner", { strategy })
        .mapValues((v: [unknown, unknown]) => (args.push(v), scribble(v)))
        .collect();
      expect(new Set(args).size).toBe(args.length);
      expect(args.every((a) => Array.isArray(a) && Object.getPrototypeOf(a) === Array.prototype)).toBe(true);
      expectSamePairs(out as P[], ref.join(big, small, "inner") as P[]);
    }
  });

  it("a function carrying the former twin property (Symbol.for(\"rddopt.joinedArgs\"), older builds) runs itself", async () => {
    const ctx = testContext({ defaultParallelism: 2 });
    const f = vi.fn(mvFn);
    const g = vi.fn(([k, [l, r]]: [unknown, [unknown, unknown]]) => [k, describeValue(l, r)]);
    const twin = vi.fn(() => "twin");
    for (const fn of [f, g]) Object.defineProperty(fn, Symbol.for("rddopt.joinedArgs"), { value: twin, configurable: true });
    const rows = ref.join(small, big, "inner") as [unknown, [unknown, unknown]][];
    const join = () => joinOf(ctx.parallelize(small, 2), ctx.parallelize(big, 2), "inner", { strategy: "shuffle" });
    expectSameMultiset(await join().mapValues(f).values().collect(), rows.map(([, v]) => mvFn(v)));
    expectSameMultiset(await join().map(g).collect(), rows.map(([k, [l, r]]) => [k, describeValue(l, r)]));
    expect(twin).not.toHaveBeenCalled();
    expect(f).toHaveBeenCalledTimes(rows.length);
    expect(g).toHaveBeenCalledTimes(rows.length);
  });
});

const keyArb = fc.oneof(fc.integer({ min: -2, max: 4 }), fc.constantFrom<unknown>(-0, 0, NaN, "a", undefined, null), fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom("x", "y")));
const valueArb = fc.oneof(fc.integer(), fc.constant(undefined), fc.constant(-0), fc.string({ maxLength: 2 }), fc.tuple(fc.double(), fc.boolean()));
const pairsArb = fc.array(fc.tuple(keyArb, valueArb) as fc.Arbitrary<P>, { maxLength: 20 });

describe("fused join consumers (property)", () => {
  it("every consumer, join type and strategy gives the unfused pipeline's partitions exactly", async () => {
    const consumers = Object.keys(CONSUMERS);
    await fc.assert(
      fc.asyncProperty(
        pairsArb,
        pairsArb,
        fc.constantFrom(...JOIN_TYPES),
        fc.constantFrom(...SETUPS),
        fc.constantFrom(...consumers),
        fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
        async (left, right, type, setup, consumer, parts) => {
          if (setup.strategies(type).length === 0) return;
          const ctx = testContext({ defaultParallelism: 3 });
          await checkConsumer(ctx, left, right, type, setup, consumer, parts);
          vi.restoreAllMocks();
          await stopContexts();
        },
      ),
      { numRuns: 150 },
    );
  });
});

// ------------------------------------------------------------ a mapValues read by a map-side combine (computePairs)

/** The by-key aggregations that combine on the map side, each over `rdd`. */
const AGGREGATIONS: Record<string, (rdd: RDD<P>) => RDD<unknown>> = {
  reduceByKey: (rdd) => rdd.reduceByKey((a, b) => [a, b]),
  sums: (rdd) => (rdd as unknown as RDD<[unknown, [number, number]]>).reduceByKey((a, b) => [a[0] + b[0], a[1] + b[1]]),
  foldByKey: (rdd) => rdd.foldByKey("z" as unknown, (a, b) => `${String(a)}|${String(b)}`),
  aggregateByKey: (rdd) => rdd.aggregateByKey(0, (n) => n + 1, (a, b) => a + b),
  combineByKey: (rdd) => rdd.combineByKey((v) => [v], (c, v) => [...c, v], (a, b) => [...a, ...b]),
};

describe("a mapValues before a map-side combine: its pairs never built", () => {
  it("every aggregation gives the unfused pipeline's partitions exactly, over rows and over a join", async () => {
    await fc.assert(
      fc.asyncProperty(pairsArb, pairsArb, fc.constantFrom(...Object.keys(AGGREGATIONS)), fc.boolean(), fc.integer({ min: 1, max: 4 }), async (left, right, name, overJoin, parts) => {
        const ctx = testContext({ defaultParallelism: 3 });
        const source = (): RDD<P> =>
          overJoin ? (ctx.parallelize(left, parts).join(ctx.parallelize(right, 2)) as unknown as RDD<P>) : ctx.parallelize(left, parts);
        const toValue = (v: unknown): unknown => [typeof v === "number" ? v : 1, 0.5];
        const fused = AGGREGATIONS[name]!(source().mapValues(toValue));
        const plain = AGGREGATIONS[name]!(source().mapValues(toValue).filter(() => true));
        expect(await fused.glom().collect()).toEqual(await plain.glom().collect());
        await stopContexts();
      }),
      { numRuns: 120 },
    );
  });

  it("the fused path really runs: the mapValues' compute is not called", async () => {
    const ctx = testContext({ defaultParallelism: 2 });
    const { PipelinedRDD } = await import("../../runtime/rdd/narrow.js");
    const mapped = ctx.parallelize(big, 2).mapValues((v) => [String(v), 1]);
    const compute = vi.spyOn(PipelinedRDD.prototype, "compute");
    const out = await mapped.reduceByKey((a, b) => [a[0] + b[0], a[1] + b[1]]).collect();
    expect(compute.mock.contexts.some((rdd) => rdd === mapped)).toBe(false);
    expectSamePairs(out, ref.reduceByKey(big.map(([k, v]): P => [k, [String(v), 1]]), (a, b) => [(a as [string, number])[0] + (b as [string, number])[0], (a as [string, number])[1] + (b as [string, number])[1]]));
  });

  it("errors are the unfused pipeline's: a row that is not a pair, a throwing function", async () => {
    const ctx = testContext({ defaultParallelism: 2 });
    const message = async (run: () => Promise<unknown>) => run().then(() => "no error", (e: Error) => `${e.constructor.name}: ${e.message}`.replace(/\d+/g, "N"));
    const rows = [[1, 2], "not a pair", [3, 4]] as unknown as P[];
    const boom = (): never => {
      throw new Error("boom");
    };
    for (const [input, f] of [
      [rows, (v: unknown) => v],
      [big, boom],
    ] as const) {
      const fused = await message(() => ctx.parallelize(input as P[], 2).mapValues(f).reduceByKey((a, b) => a).collect());
      const plain = await message(() => ctx.parallelize(input as P[], 2).mapValues(f).filter(() => true).reduceByKey((a, b) => a).collect());
      expect(fused).toMatch(/computing mapValues \[N\]/); // the stage's last RDD, as without the fusion
      // the filter that breaks the fusion is that stage's last RDD instead: the rest of the message is the same
      expect(fused.replace(/\(computing \w+ /, "(")).toBe(plain.replace(/\(computing \w+ /, "("));
    }
  });

  it("a persisted mapValues is read through its cache", async () => {
    const ctx = testContext({ defaultParallelism: 2 });
    let calls = 0;
    const mapped = ctx.parallelize(big, 2).mapValues((v) => (calls++, [v, 1])).persist();
    const first = await mapped.reduceByKey((a) => a).count();
    const second = await mapped.reduceByKey((a) => a).count();
    expect(second).toBe(first);
    expect(calls).toBe(big.length);
  });
});
