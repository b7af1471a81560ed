/**
 * The worker-thread executor: the same results with 0, 1, 2 and 4 workers (a property test over the shipped
 * operations), the safety net, where stages run and why, errors. Needs dist/ (npm test builds it first).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Context, HashPartitioner, JobFailedError, MsgpackCodec, StorageLevel, type ContextOptions, type RDD } from "../../../runtime/index.js";
import { withClosure } from "../../../runtime/closure.js";
import { workerEntry } from "../../../runtime/workers/pool.js";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stopContexts, tempDir, testContext } from "../../helpers/context.js";
import { canon, expectSameMultiset } from "../../helpers/multiset.js";

afterEach(stopContexts);

beforeAll(() => {
  const entry = workerEntry();
  if ("reason" in entry) throw new Error(`These tests need the built worker: ${entry.reason}`);
});

type Pair = [number, number];
/** Workers take even tiny stages here (workerDispatch: "always"), so that every shippable stage really goes to them. */
const withWorkers = (workers: number, options: ContextOptions = {}) => testContext({ workers, workerDispatch: "always", ...options });

// Each step: the engine's operation and the plain-array reference. Functions are self-contained (no free
// variables), as acorn must prove for an un-annotated build.
interface Step {
  name: string;
  rdd: (r: RDD<Pair>) => RDD<Pair>;
  ref: (rows: Pair[]) => Pair[];
}
const steps: Step[] = [
  { name: "map", rdd: (r) => r.map(([k, v]) => [k, v * 2] as Pair), ref: (rows) => rows.map(([k, v]) => [k, v * 2]) },
  { name: "map rekey", rdd: (r) => r.map(([k, v]) => [(k + 1) % 7, v - 1] as Pair), ref: (rows) => rows.map(([k, v]) => [(k + 1) % 7, v - 1]) },
  { name: "filter", rdd: (r) => r.filter(([, v]) => v % 3 !== 0), ref: (rows) => rows.filter(([, v]) => v % 3 !== 0) },
  {
    name: "flatMap",
    rdd: (r) => r.flatMap(([k, v]) => (v % 2 === 0 ? [[k, v] as Pair, [k + 1, v] as Pair] : [])),
    ref: (rows) => rows.flatMap(([k, v]) => (v % 2 === 0 ? [[k, v] as Pair, [k + 1, v] as Pair] : [])),
  },
  { name: "mapValues", rdd: (r) => r.mapValues((v) => v + 1), ref: (rows) => rows.map(([k, v]) => [k, v + 1]) },
  { name: "flatMapValues", rdd: (r) => r.flatMapValues((v) => [v, -v]), ref: (rows) => rows.flatMap(([k, v]) => [[k, v], [k, -v]] as Pair[]) },
  { name: "values.keyBy", rdd: (r) => r.values().keyBy((v) => v % 5), ref: (rows) => rows.map(([, v]) => [v % 5, v]) },
  { name: "keys.map", rdd: (r) => r.keys().map((k) => [k, k] as Pair), ref: (rows) => rows.map(([k]) => [k, k]) },
  { name: "union", rdd: (r) => r.union(r.mapValues((v) => v * 10)), ref: (rows) => [...rows, ...rows.map(([k, v]) => [k, v * 10] as Pair)] },
  {
    name: "reduceByKey",
    rdd: (r) => r.reduceByKey((a, b) => a + b, 3),
    ref: (rows) => sumByKey(rows),
  },
  {
    name: "foldByKey",
    rdd: (r) => r.foldByKey(0, (a, b) => a + b, 2),
    ref: (rows) => sumByKey(rows, 0),
  },
  {
    name: "aggregateByKey",
    rdd: (r) => r.aggregateByKey({ n: 0 }, (acc, v) => ({ n: acc.n + v }), (a, b) => ({ n: a.n + b.n }), 2).mapValues((a) => a.n),
    ref: (rows) => sumByKey(rows, 0),
  },
  {
    name: "combineByKey",
    rdd: (r) => r.combineByKey((v) => [v], (c, v) => [...c, v], (a, b) => [...a, ...b], 2).mapValues((c) => c.reduce((a, b) => a + b, 0)),
    ref: (rows) => sumByKey(rows, 0),
  },
];

/**
 * Sums by key, from the first value (reduceByKey) or from `zero` (the others: 0 + -0 is 0); -0 and 0 are one
 * key, shown as the first one seen, as the engine's key table does (a Map would print 0).
 */
function sumByKey(rows: Pair[], zero?: number): Pair[] {
  const m = new Map<number, Pair>();
  for (const [k, v] of rows) {
    const entry = m.get(k);
    if (entry) entry[1] += v;
    else m.set(k, [k, zero === undefined ? v : zero + v]);
  }
  return [...m.values()];
}

const WORKER_COUNTS = [0, 1, 2, 4];

/** A module-level helper: in process the function below sees it; a rebuilt copy in a worker does not. */
function double(x: number): number {
  return x * 2;
}

describe("the same results with 0, 1, 2 and 4 workers", () => {
  it("for random pipelines of the shipped operations, as multisets, and each action", async () => {
    let shipped = 0;
    let shippedShuffles = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: -50, max: 50 })), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: steps.length - 1 }), { minLength: 1, maxLength: 3 }),
        async (data, partitions, chosen) => {
          const rows = data as Pair[];
          let expected = rows;
          for (const i of chosen) expected = steps[i]!.ref(expected);
          const expectedSum = expected.reduce((a, [, v]) => a + v, 0);
          // Without a zero, a sum of zeros only is -0 when every one is -0 (in any order): the plain reduce agrees.
          const expectedReduce = expected.length > 0 ? expected.map(([, v]) => v).reduce((a, b) => a + b) : undefined;
          for (const workers of WORKER_COUNTS) {
            const ctx = withWorkers(workers);
            let rdd: RDD<Pair> = ctx.parallelize(rows, partitions);
            for (const i of chosen) rdd = steps[i]!.rdd(rdd);
            expectSameMultiset(await rdd.collect(), expected);
            expect(await rdd.count()).toBe(expected.length);
            expect(await rdd.values().fold(0, (a, b) => a + b)).toBe(expectedSum);
            expect(await rdd.values().aggregate(0, (a, v) => a + v, (a, b) => a + b)).toBe(expectedSum);
            if (expected.length > 0) expect(await rdd.values().reduce((a, b) => a + b)).toBe(expectedReduce);
            const placements = ctx.totals.placements;
            shipped += placements.filter((p) => p.where === "workers").length;
            shippedShuffles += placements.filter((p) => p.where === "workers" && p.name.startsWith("shuffle")).length;
            expect(placements.filter((p) => p.retriedInProcess)).toEqual([]); // really computed in workers, not rescued
            await ctx.stop();
          }
        },
      ),
      { numRuns: 12 },
    );
    expect(shipped).toBeGreaterThan(0);
    expect(shippedShuffles).toBeGreaterThan(0);
  });

  it("a by-key shuffle's reduce side: reduceByKey, groupByKey and partitionBy outputs read in workers", async () => {
    const results: string[][] = [];
    for (const workers of WORKER_COUNTS) {
      const ctx = withWorkers(workers);
      const pairs = ctx.range(0, 400, 1, 4).map((i) => [i % 11, i] as Pair);
      const summed = await pairs.reduceByKey((a, b) => a + b, 3).mapValues((v) => v * 2).collect();
      const grouped = await pairs.groupByKey(3).mapValues((vs) => vs.length).collect();
      const moved = await pairs.partitionBy(new HashPartitioner(2)).filter(([k]) => k > 5).count();
      results.push([...summed.map((r) => canon(r)).sort(), "|", ...grouped.map((r) => canon(r)).sort(), "|", String(moved)]);
      if (workers > 0) {
        const reads = ctx.totals.placements.filter((p) => !p.name.startsWith("shuffle"));
        expect(reads.map((p) => p.where)).toEqual(["workers", "workers", "workers"]);
        expect(ctx.totals.placements.filter((p) => p.retriedInProcess)).toEqual([]);
      }
    }
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it("combineByKey without a map-side combine: the reduce side in a worker creates combiners from raw values", async () => {
    const results: string[][] = [];
    for (const workers of WORKER_COUNTS) {
      const ctx = withWorkers(workers);
      const pairs = ctx.range(0, 400, 1, 4).map((i) => [i % 7, i] as Pair);
      // a combiner that is not a value (doubled): merging raw values as combiners would lose the doubling
      const raw = await pairs.combineByKey((v) => v * 2, (c, v) => c + v * 2, (a, b) => a + b, 3, false).collect();
      const combined = await pairs.combineByKey((v) => v * 2, (c, v) => c + v * 2, (a, b) => a + b, 3).collect();
      results.push([...raw.map((r) => canon(r)).sort(), "|", ...combined.map((r) => canon(r)).sort()]);
      if (workers > 0) expect(ctx.totals.placements.filter((p) => p.retriedInProcess)).toEqual([]);
    }
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]!.slice(0, 7)).toEqual(results[0]!.slice(8));
  });

  it("textFile: each worker reads its byte range, lines crossing split boundaries once", async () => {
    const dir = tempDir();
    try {
      const lines = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? "x".repeat(200 + i) : `line ${i}`) + (i % 5 === 0 ? "\r" : ""));
      const file = path.join(dir, "in.txt");
      fs.writeFileSync(file, lines.join("\n") + "\n");
      const expected = lines.map((l) => l.replace(/\r$/, "")).map((l) => [l.length % 10, l.length] as Pair);
      for (const workers of WORKER_COUNTS) {
        const ctx = withWorkers(workers);
        const got = await ctx.textFile(file, 5).map((l) => [l.length % 10, l.length] as Pair).collect();
        expectSameMultiset(got, expected);
        if (workers > 0) expect(ctx.lastJob!.placements.map((p) => p.where)).toEqual(["workers"]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a join "auto" decided to shuffle: partitions its size estimate computed stay in process, the rest go to workers', async () => {
    const results: string[][] = [];
    for (const workers of WORKER_COUNTS) {
      const ctx = withWorkers(workers, { broadcastThreshold: 200 });
      const left = ctx.range(0, 3000, 1, 4).map((i) => [i % 50, i] as Pair);
      const right = ctx.range(0, 2000, 1, 4).map((i) => [i % 40, -i] as Pair);
      const joined = await left.join(right, { strategy: "auto" }).mapValues(([a, b]) => a + b).collect();
      results.push(joined.map((r) => canon(r)).sort());
      expect(ctx.lastJob!.joins[0]!.strategy).toBe("shuffle");
      if (workers > 0) {
        const maps = ctx.lastJob!.placements.filter((p) => p.name.startsWith("shuffle"));
        expect(maps.map((p) => p.where)).toEqual(["workers", "workers"]);
        expect(maps.some((p) => /tasks in process \(partition \d+ was computed by a join's size estimate/.test(p.reason))).toBe(true);
      }
    }
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it("range, projectValues and a join's shuffle inputs", async () => {
    const results: string[][] = [];
    for (const workers of WORKER_COUNTS) {
      const ctx = withWorkers(workers);
      const tuples = ctx.range(0, 300, 1, 3).map((i) => [i % 13, [i, `s${i}`, i * 2]] as [number, [number, string, number]]);
      const projected = tuples.projectValues<number, [number, string, number], [number, number]>([0, 2]);
      const other = ctx.range(0, 40, 2, 2).map((i) => [i % 13, i] as [number, number]);
      const joined = await projected.join(other, { strategy: "shuffle", numPartitions: 3 }).collect();
      results.push(joined.map((r) => canon(r)).sort());
      if (workers > 0) {
        const where = ctx.lastJob!.placements.map((p) => p.where);
        expect(where).toEqual(["workers", "workers", "workers"]); // both shuffle map stages, and the join's reduce stage
      }
    }
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]!.length).toBeGreaterThan(0);
  });
});

describe("the safety net and errors", () => {
  it("a task failing in a worker runs again in process: a helper the annotation missed costs time, not a result", async () => {
    const ctx = withWorkers(2);
    // Annotated as self-contained, but it calls a module-level helper: a ReferenceError in the worker.
    const f = withClosure((x: number) => double(x), { v: 1 });
    const out = await ctx.parallelize([1, 2, 3, 4], 2).map(f).collect();
    expect(out).toEqual([2, 4, 6, 8]);
    const placement = ctx.lastJob!.placements[0]!;
    expect(placement).toMatchObject({ where: "workers", retriedInProcess: 2 });
  });

  it("object rows keep their identity: collect and reduce of a parallelized array's objects are those objects, as in process", async () => {
    const ctx = withWorkers(2);
    const data = Array.from({ length: 40 }, (_, i) => ({ id: i, score: (i * 7) % 13 }));
    const kept = await ctx.parallelize(data, 4).filter((r) => r.score > 5).collect();
    expect(kept.every((r) => data.includes(r))).toBe(true); // the very objects, not copies
    expect(ctx.lastJob!.placements[0]!.reason).toMatch(/collect could return objects the program holds \(parallelize \[\d+\] holds object rows\)/);
    const best = await ctx.parallelize(data, 4).reduce((a, b) => (b.score > a.score ? b : a));
    expect(data.includes(best)).toBe(true);
    expect(ctx.lastJob!.placements[0]).toMatchObject({ where: "workers", retriedInProcess: 4 }); // each object partial recomputed in process
    expect(await ctx.parallelize(data, 4).map((r) => r.score).reduce((a, b) => a + b)).toBe(data.reduce((a, r) => a + r.score, 0));
    expect(ctx.lastJob!.placements[0]!.retriedInProcess).toBeUndefined(); // number partials: nothing to alias
  });

  it("a user error fails the job with JobFailedError (operation, stage, partition, cause), as without workers", async () => {
    const failing = async (workers: number) => {
      const ctx = withWorkers(workers);
      const err = await ctx
        .parallelize([1, 2, 3, 4, 5, 6], 3)
        .map((x) => {
          if (x === 5) throw new RangeError(`bad row ${x}`);
          return x;
        })
        .count()
        .catch((e: unknown) => e);
      return { err, placement: ctx.lastJob?.placements[0] };
    };
    const plain = await failing(0);
    const pooled = await failing(2);
    for (const { err } of [plain, pooled]) {
      expect(err).toBeInstanceOf(JobFailedError);
      const e = err as JobFailedError;
      expect(e.operation).toBe("map");
      expect(e.partition).toBe(2);
      expect(e.cause).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(/the function passed to map threw in stage \d+, partition 2 .*bad row 5/);
    }
  });
});

describe("where a stage runs, and why", () => {
  const reasons = async (ctx: Context, job: () => Promise<unknown>) => {
    await job();
    return ctx.lastJob!.placements.map((p) => `${p.where}: ${p.reason}`);
  };

  it("in workers when shippable and large enough; the reason says how many tasks and rows", async () => {
    const ctx = withWorkers(2);
    expect(await reasons(ctx, () => ctx.range(0, 1000, 1, 4).map((x) => x + 1).count())).toEqual(["workers: 4 tasks over 1000 input rows on up to 2 workers"]);
  });

  it("in process, with the reason: opted out, small input, unshippable kinds, functions, outputs and codecs", async () => {
    const data = Array.from({ length: 100 }, (_, i) => [i % 5, i] as Pair);
    const off = testContext({ workers: 0 });
    expect(await reasons(off, () => off.parallelize(data).count())).toEqual(["in-process: workers: 0"]);
    const inProcess = testContext({ executor: "in-process" });
    expect(await reasons(inProcess, () => inProcess.parallelize(data).count())).toEqual(['in-process: executor: "in-process"']);
    const small = testContext({ workers: 2 });
    expect((await reasons(small, () => small.parallelize(data).count()))[0]).toMatch(/input of 100 rows and 0 bytes \(shuffle or text\) is under workerMinRows 50000 and 2097152 bytes/);

    const ctx = withWorkers(2);
    expect((await reasons(ctx, () => ctx.parallelize(data).mapPartitions((rows) => rows).count()))[0]).toMatch(/mapPartitions \[\d+\] runs in process/);
    const offset = 3;
    expect((await reasons(ctx, () => ctx.parallelize(data).map(([k, v]) => [k, v + offset]).count()))[0]).toMatch(
      /function passed to map runs in process: not annotated by the rddopt transformer and it reads offset/,
    );
    const seen: number[] = [];
    expect((await reasons(ctx, () => ctx.parallelize(data).filter((r) => (seen.push(r[1]), true)).count()))[0]).toMatch(/\.push|reads seen/);
    expect(seen.length).toBe(100); // the effect happened, in process, as in the plain build
    const cached = ctx.parallelize(data).persist(StorageLevel.MEMORY_ONLY);
    expect((await reasons(ctx, () => cached.count()))[0]).toMatch(/persisted/);
    expect((await reasons(ctx, () => ctx.parallelize(data).take(3)))[0]).toMatch(/the action runs in process/);
    expect((await reasons(ctx, () => ctx.parallelize(data).distinct().count()))[0]).toMatch(/built in \(distinct/);
    const one = await reasons(ctx, () => ctx.parallelize(data, 1).count());
    expect(one[0]).toMatch(/one task/);
    const custom = withWorkers(2, { codec: new (class extends MsgpackCodec {})() });
    expect((await reasons(custom, () => custom.parallelize(data).count()))[0]).toMatch(/not a built-in one/);
  });

  it('"auto" (the default) probes the first task in process: real work per row goes to workers, a cheap function stays', async () => {
    const warm = withWorkers(2);
    await warm.range(0, 10, 1, 2).count(); // threads started: the probe's estimate then has no start-up cost
    const ctx = testContext({ workers: 2 });
    const heavy = (i: number) => {
      let s = 0;
      for (let j = 1; j <= 300; j++) s += Math.sqrt(i * j) % 7;
      return Math.round(s);
    };
    const plain = testContext({ workers: 0 });
    const expected = await plain.range(0, 60_000, 1, 4).map(heavy).reduce((a, b) => a + b);
    // The probe times real work, so a busy machine can mislead one run: each case gets three tries.
    const decisions = async (job: () => Promise<unknown>, check: (result: unknown) => void) => {
      const seen: string[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        check(await job());
        const p = ctx.lastJob!.placements[0]!;
        seen.push(`${p.where}: ${p.reason}`);
      }
      return seen;
    };
    const heavyRuns = await decisions(() => ctx.range(0, 60_000, 1, 4).map(heavy).reduce((a, b) => a + b), (r) => expect(r).toBe(expected));
    expect(heavyRuns.some((d) => /^workers: probe: (task 0|the faster of the first 2 tasks) took .*; the other [23] tasks: about .* here, .* on 2 workers: shipped$/.test(d)), heavyRuns.join("\n")).toBe(true);
    const rows = Array.from({ length: 60_000 }, (_, i) => [i % 10, { a: i, b: `s${i}` }] as [number, { a: number; b: string }]);
    const cheapRuns = await decisions(() => ctx.parallelize(rows, 4).mapValues((v) => v.a).count(), (r) => expect(r).toBe(60_000));
    expect(cheapRuns.some((d) => /^in-process: probe: .*(: in process|under 2 ms: too little work to ship)$/.test(d)), cheapRuns.join("\n")).toBe(true);
    expect((await reasons(ctx, () => ctx.range(0, 60_000, 1, 2).map(heavy).count()))[0]).toMatch(/2 tasks: too few to probe/);
  });

  it("explain() says where each stage would run, and why", () => {
    const ctx = withWorkers(2);
    const plan = ctx.range(0, 100, 1, 4).map((x) => [x % 3, x] as Pair).reduceByKey((a, b) => a + b, 2).mapPartitions((r) => r).explain();
    expect(plan).toMatch(/\n== Placement ==\nresult stage \(mapPartitions \[\d+\]\) for count, collect, reduce, fold or aggregate: in process - mapPartitions \[\d+\] runs in process/);
    expect(plan).toMatch(/\nshuffle \d+ map stage: workers - 4 tasks over 100 input rows on up to 2 workers$/);
    const off = testContext({ workers: 0 });
    expect(off.range(0, 10).explain()).toMatch(/== Placement ==\nevery stage in process - workers: 0$/);
    expect(testContext({ workers: 2 }).range(0, 100_000, 1, 4).explain()).toMatch(/result stage .*: workers \(if the probe task pays\)/);
  });

  it("defaults to one worker per core; concurrent jobs of two contexts share the one pool", async () => {
    expect(testContext().workerCount).toBe(os.availableParallelism() > 1 ? os.availableParallelism() : 0);
    const a = withWorkers(2);
    const b = withWorkers(2);
    const [sa, sb] = await Promise.all([
      a.range(0, 5000, 1, 6).map((i) => [i % 9, i] as Pair).reduceByKey((x, y) => x + y).values().fold(0, (x, y) => x + y),
      b.range(0, 3000, 1, 5).filter((i) => i % 2 === 0).map((i) => i * 3).reduce((x, y) => x + y),
    ]);
    expect(sa).toBe((4999 * 5000) / 2);
    expect(sb).toBe(3 * 2 * ((1499 * 1500) / 2));
    expect([...a.totals.placements, ...b.totals.placements].every((p) => p.where === "workers" && !p.retriedInProcess)).toBe(true);
  });

  it("rejects a bad workers option with the fix", () => {
    expect(() => new Context({ workers: -1, progress: false })).toThrow(/workers must be a whole number >= 0/);
    expect(() => new Context({ workers: 1.5, progress: false })).toThrow(/Pass 0 to run every task in process/);
    expect(() => new Context({ workerDispatch: "sometimes" as "auto", progress: false })).toThrow(/workerDispatch must be "auto" or "always"/);
  });
});
