/**
 * Concurrent jobs on one Context: the admission limit, FIFO and FAIR pools at
 * admission and at task granularity, context-local pool properties, pool
 * metrics, and concurrent jobs sharing persisted RDDs, shuffles and broadcasts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError, JobFailedError, type Context, type Executor, type JobStartEvent, type Listener, type StageEvent, type Task, type TaskContext, type TaskEvent } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

/** Records the order of job and task events. */
function recorder(ctx: Context) {
  const log: string[] = [];
  const starts: JobStartEvent[] = [];
  const stages: StageEvent[] = [];
  const tasks: TaskEvent[] = [];
  let running = 0;
  let maxRunning = 0;
  const listener: Listener = {
    onJobQueued: (e) => log.push(`queued ${e.jobId} ${e.pool}`),
    onJobStart: (e) => {
      starts.push(e);
      log.push(`start ${e.jobId}`);
      maxRunning = Math.max(maxRunning, ++running);
    },
    onJobEnd: (e) => {
      running--;
      log.push(`end ${e.jobId}`);
    },
    onStageStart: (e) => stages.push(e),
    onTaskStart: (e) => tasks.push(e),
  };
  ctx.addListener(listener);
  return { log, starts, stages, tasks, maxRunning: () => maxRunning };
}

/** Busy for about `ms` per row, so tasks have comparable lengths. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: a task is synchronous work
  }
}

const nums = Array.from({ length: 40 }, (_, i) => i);

describe("admission: maxConcurrentJobs", () => {
  it("runs concurrent actions concurrently, never more than the limit, each with the right result", async () => {
    const ctx = testContext({ maxConcurrentJobs: 2 });
    const rec = recorder(ctx);
    const jobs = Array.from({ length: 6 }, (_, j) => ctx.parallelize(nums, 4).map((x) => x * j).reduce((a, b) => a + b));
    const sums = await Promise.all(jobs);
    expect(sums).toEqual(Array.from({ length: 6 }, (_, j) => j * 780));
    expect(rec.maxRunning()).toBe(2);
    // all six were queued at once; a later job started only after an earlier one ended
    expect(rec.log.slice(0, 6).every((l) => l.startsWith("queued"))).toBe(true);
    const thirdStart = rec.log.findIndex((l, i) => l.startsWith("start") && rec.log.slice(0, i).filter((x) => x.startsWith("start")).length === 2);
    expect(rec.log.slice(0, thirdStart).some((l) => l.startsWith("end"))).toBe(true);
    // jobs did interleave: the second started before the first ended
    const ids = rec.starts.map((s) => s.jobId);
    expect(rec.log.indexOf(`start ${ids[1]}`)).toBeLessThan(rec.log.indexOf(`end ${ids[0]}`));
  });

  it("admits in submission order under FIFO, and reports the time a job waited", async () => {
    const ctx = testContext({ maxConcurrentJobs: 1 });
    const rec = recorder(ctx);
    await Promise.all([0, 1, 2, 3].map((j) => ctx.parallelize(nums, 2).map((x) => x + j).count()));
    const ids = rec.starts.map((s) => s.jobId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(rec.starts[3]!.queuedMs).toBeGreaterThan(0);
    expect(rec.log.filter((l) => l.startsWith("start") || l.startsWith("end")).join(",")).toBe(ids.map((id) => `start ${id},end ${id}`).join(","));
  });

  it("a failed job frees its slot and is counted in its pool", async () => {
    const ctx = testContext({ maxConcurrentJobs: 1 });
    const failing = ctx.parallelize(nums, 2).map((x) => {
      if (x === 3) throw new Error("boom");
      return x;
    });
    const [bad, good] = await Promise.allSettled([failing.count(), ctx.parallelize(nums, 2).count()]);
    expect(bad.status).toBe("rejected");
    expect(good).toEqual({ status: "fulfilled", value: 40 });
    const pool = ctx.poolMetrics().find((p) => p.name === "default")!;
    expect(pool).toMatchObject({ jobsRun: 2, jobsFailed: 1, waiting: 0, running: 0 });
  });

  it("rejects bad options with errors that name the option", () => {
    expect(() => testContext({ maxConcurrentJobs: 0 })).toThrow(/maxConcurrentJobs must be a positive integer/);
    expect(() => testContext({ scheduler: { mode: "fair" as "FAIR" } })).toThrow(/scheduler.mode must be "FIFO" or "FAIR"/);
    expect(() => testContext({ scheduler: { pools: { etl: { weight: 0 } } } })).toThrow(/scheduler.pools.etl.weight must be a number > 0/);
    expect(() => testContext({ scheduler: { pools: { etl: { minShare: 1.5 } } } })).toThrow(InvalidArgumentError);
    expect(() => testContext().withPool("", () => 0)).toThrow(/pool name/);
  });
});

describe("pools", () => {
  it("the pool is a context-local property of the async call chain", async () => {
    const ctx = testContext({ maxConcurrentJobs: 4 });
    const rec = recorder(ctx);
    const inPool = async (pool: string) => {
      ctx.setLocalProperty("scheduler.pool", pool);
      await new Promise((resolve) => setImmediate(resolve));
      expect(ctx.getLocalProperty("scheduler.pool")).toBe(pool);
      return ctx.parallelize(nums, 2).count();
    };
    await ctx.withPool("outer", () => Promise.all([inPool("a"), inPool("b"), ctx.withPool("c", () => ctx.parallelize(nums).count())]));
    expect(ctx.getLocalProperty("scheduler.pool")).toBeUndefined(); // withPool's value ended with it
    await ctx.parallelize(nums).count();
    expect(rec.log.filter((l) => l.startsWith("queued")).map((l) => l.split(" ")[2]).sort()).toEqual(["a", "b", "c", "default"]);
    const byName = new Map(ctx.poolMetrics().map((p) => [p.name, p]));
    for (const name of ["a", "b", "c", "default"]) expect(byName.get(name)).toMatchObject({ jobsRun: 1, running: 0, waiting: 0, weight: 1, minShare: 0 });
    expect(byName.get("a")!.totalJobMs).toBeGreaterThan(0);
    expect(byName.get("a")!.tasksRun).toBe(2);
  });

  it("FAIR admission: the pool with less service goes first; FIFO takes submission order", async () => {
    for (const mode of ["FAIR", "FIFO"] as const) {
      const ctx = testContext({ maxConcurrentJobs: 1, scheduler: { mode, pools: { a: {}, b: {} } } });
      const rec = recorder(ctx);
      const job = (pool: string, tag: number) => ctx.withPool(pool, () => ctx.parallelize([tag], 1).count());
      await Promise.all([job("a", 1), job("a", 2), job("a", 3), job("b", 4)]);
      const poolOf = new Map(rec.log.filter((l) => l.startsWith("queued")).map((l) => [Number(l.split(" ")[1]), l.split(" ")[2]]));
      const order = rec.starts.map((s) => poolOf.get(s.jobId));
      expect(order).toEqual(mode === "FAIR" ? ["a", "b", "a", "a"] : ["a", "a", "a", "b"]);
      expect(rec.starts.map((s) => s.pool)).toEqual(order);
    }
  });

  it("FAIR admission: a pool under its minShare goes before a heavier pool", async () => {
    const ctx = testContext({ maxConcurrentJobs: 1, scheduler: { mode: "FAIR", pools: { bulk: { weight: 100 }, urgent: { minShare: 1 } } } });
    const rec = recorder(ctx);
    const job = (pool: string) => ctx.withPool(pool, () => ctx.parallelize([1], 1).count());
    await Promise.all([job("bulk"), job("bulk"), job("bulk"), job("urgent")]);
    expect(rec.starts.map((s) => s.pool)).toEqual(["bulk", "urgent", "bulk", "bulk"]);
  });

  it("FAIR at task granularity: concurrent jobs share the one in-process slot by weight; FIFO runs the earlier job's tasks first", async () => {
    for (const mode of ["FAIR", "FIFO"] as const) {
      const ctx = testContext({ maxConcurrentJobs: 2, scheduler: { mode, pools: { heavy: { weight: 3 }, light: { weight: 1 } } } });
      const rec = recorder(ctx);
      const job = (pool: string) => ctx.withPool(pool, () => ctx.parallelize(nums, 40).map((x) => (spin(1), x)).count());
      const [h, l] = await Promise.all([job("heavy"), job("light")]);
      expect([h, l]).toEqual([40, 40]);
      const poolOf = new Map(rec.starts.map((s) => [s.jobId, s.pool]));
      const order = rec.tasks.map((t) => poolOf.get(t.jobId));
      if (mode === "FIFO") {
        expect(order).toEqual([...Array<string>(40).fill("heavy"), ...Array<string>(40).fill("light")]);
        continue;
      }
      // while both jobs have tasks to run, about 3 of every 4 tasks are the heavy pool's
      const both = order.slice(order.indexOf("light"), Math.min(order.lastIndexOf("heavy"), order.lastIndexOf("light")) + 1);
      expect(both.length).toBeGreaterThanOrEqual(20);
      const heavyShare = both.filter((p) => p === "heavy").length / both.length;
      expect(heavyShare).toBeGreaterThan(0.6);
      expect(heavyShare).toBeLessThan(0.9);
    }
  });

  it("FAIR inside a pool interleaves its jobs; FIFO inside a pool does not", async () => {
    for (const mode of ["FAIR", "FIFO"] as const) {
      const ctx = testContext({ maxConcurrentJobs: 2, scheduler: { mode: "FAIR", pools: { p: { mode } } } });
      const rec = recorder(ctx);
      const job = () => ctx.withPool("p", () => ctx.parallelize(nums, 10).map((x) => (spin(0.3), x)).count());
      await Promise.all([job(), job()]);
      const order = rec.tasks.map((t) => t.jobId);
      const [first, second] = [order[0]!, order.find((id) => id !== order[0])!];
      if (mode === "FIFO") {
        expect(order).toEqual([...Array<number>(10).fill(first), ...Array<number>(10).fill(second)]);
        continue;
      }
      // once the second job asks, the two alternate rather than the first running to its end
      const both = order.slice(order.indexOf(second), order.lastIndexOf(first) + 1);
      expect(both.length).toBeGreaterThanOrEqual(4);
      expect(both.filter((id) => id === second).length).toBeGreaterThanOrEqual(both.length / 2 - 1);
    }
  });
});

/** An executor with `slots` that runs each task after a timer, as worker threads would: several at once. */
class ParallelExecutor implements Executor {
  inFlight = 0;
  maxInFlight = 0;
  calls = 0;
  constructor(readonly slots: number) {}
  async runTasks<R>(tasks: readonly Task<R>[], makeContext: (task: Task<R>) => TaskContext, hooks: { onStart(task: Task<R>): void; onEnd(task: Task<R>, ms: number, error?: unknown): void }): Promise<R[]> {
    this.calls++;
    return Promise.all(
      tasks.map(async (task) => {
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 1));
          const tc = makeContext(task);
          hooks.onStart(task);
          try {
            const result = task.run(tc);
            hooks.onEnd(task, 1);
            return result;
          } catch (e) {
            hooks.onEnd(task, 1, e);
            throw e;
          }
        } finally {
          this.inFlight--;
        }
      }),
    );
  }
}

describe("an executor that runs several tasks at once", () => {
  it("never gets more than its slots over all concurrent jobs, and every job's result is right", async () => {
    const executor = new ParallelExecutor(3);
    const ctx = testContext({ executor, maxConcurrentJobs: 4, scheduler: { mode: "FAIR" } });
    const pairs: [number, number][] = Array.from({ length: 300 }, (_, i) => [i % 17, i]);
    const other: [number, string][] = Array.from({ length: 40 }, (_, i) => [i % 20, `o${i}`]);
    const jobs = [0, 1, 2, 3, 4, 5].map((j) =>
      ctx.withPool(`p${j % 3}`, () => ctx.parallelize(pairs, 6).mapValues((v) => v * j).reduceByKey((a, b) => a + b, 4).join(ctx.parallelize(other, 3)).collect()),
    );
    const results = await Promise.all(jobs);
    results.forEach((rows, j) => expectSamePairs(rows, ref.join(ref.reduceByKey(pairs.map(([k, v]) => [k, v * j] as [number, number]), (a, b) => a + b), other, "inner")));
    expect(executor.maxInFlight).toBe(3);
    expect(executor.calls).toBe(ctx.totals.tasks); // one task per call
  });

  it("a failing task fails its job after its stage's running tasks settle; other jobs go on", async () => {
    const executor = new ParallelExecutor(2);
    const ctx = testContext({ executor, maxConcurrentJobs: 2 });
    const started: number[] = [];
    ctx.addListener({ onTaskStart: (e) => started.push(e.partition) });
    const bad = ctx.parallelize(nums, 8).map((x) => {
      if (x === 0) throw new Error("first partition fails");
      return x;
    });
    const [failed, fine] = await Promise.allSettled([bad.count(), ctx.parallelize(nums, 4).count()]);
    expect(failed.status).toBe("rejected");
    const error = (failed as PromiseRejectedResult).reason as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.partition).toBe(0);
    expect(fine).toEqual({ status: "fulfilled", value: 40 });
    expect(executor.inFlight).toBe(0);
    expect(ctx.poolMetrics()[0]).toMatchObject({ jobsRun: 2, jobsFailed: 1, running: 0 });
  });
});

describe("concurrent jobs share persisted RDDs, shuffles and broadcasts without interfering", () => {
  const pairs: [number, number][] = Array.from({ length: 400 }, (_, i) => [(i * 7) % 53, i]);
  const small: [number, string][] = Array.from({ length: 30 }, (_, i) => [i % 25, `s${i}`]);
  const other: [number, number][] = Array.from({ length: 200 }, (_, i) => [i % 60, -i]);

  it("joins run at the same time agree with the reference, a shared map stage runs once, and each job counts only its own work", async () => {
    const ctx = testContext({ maxConcurrentJobs: 4, broadcastThreshold: 4096, scheduler: { mode: "FAIR", pools: { a: {}, b: { weight: 2 } } } });
    const rec = recorder(ctx);
    const jobMetrics = new Map<number, import("../../runtime/index.js").JobMetrics>();
    ctx.addListener({ onJobEnd: (e) => jobMetrics.set(e.jobId, e.metrics) });
    const sums = ctx.parallelize(pairs, 4).reduceByKey((x, y) => x + y).persist();
    const smallRdd = ctx.parallelize(small, 2);
    const otherRdd = ctx.parallelize(other, 3);
    const results = await Promise.all([
      ctx.withPool("a", () => sums.join(smallRdd, { strategy: "broadcast" }).collect()),
      ctx.withPool("b", () => sums.join(otherRdd, { strategy: "shuffle" }).collect()),
      ctx.withPool("a", () => sums.leftOuterJoin(smallRdd, { strategy: "auto" }).collect()),
      ctx.withPool("b", () => sums.join(otherRdd, { strategy: "shuffle" }).collect()),
      sums.collect(),
    ]);
    const expectedSums = ref.reduceByKey(pairs, (x, y) => x + y);
    expectSamePairs(results[0]!, ref.join(expectedSums, small, "inner"));
    expectSamePairs(results[1]!, ref.join(expectedSums, other, "inner"));
    expectSamePairs(results[2]!, ref.join(expectedSums, small, "leftOuter"));
    expectSamePairs(results[3]!, ref.join(expectedSums, other, "inner"));
    expectSamePairs(results[4]!, expectedSums);

    // the reduceByKey shuffle is one map stage, run once for all five jobs
    const sumsShuffle = rec.starts[0]!.plan!.shuffles.find((s) => s.rdd.includes("parallelize") || s.partitions === 4)!.shuffleId;
    expect(rec.stages.filter((s) => s.shuffleId === sumsShuffle)).toHaveLength(1);
    // every task is counted in exactly the job that ran it
    expect(jobMetrics.size).toBe(5);
    for (const [jobId, m] of jobMetrics) {
      expect(m.tasks).toBe(rec.tasks.filter((t) => t.jobId === jobId).length);
      expect(m.stages).toBe(rec.stages.filter((s) => s.jobId === jobId).length);
    }
    const total = [...jobMetrics.values()].reduce((n, m) => n + m.shuffleBytesWritten, 0);
    expect(total).toBe(ctx.totals.shuffleBytesWritten);
    // the broadcast join's job holds the broadcast bytes; the shuffle joins hold none
    const byPool = rec.starts.map((s) => ({ pool: s.pool, m: jobMetrics.get(s.jobId)! }));
    expect(byPool.filter((j) => j.m.joins.some((d) => d.strategy === "broadcast-right")).every((j) => j.m.broadcastBytes > 0)).toBe(true);
    expect(byPool.filter((j) => j.m.joins.some((d) => d.strategy === "shuffle")).every((j) => j.m.broadcastBytes === 0)).toBe(true);
    expect(byPool.filter((j) => j.m.joins.length > 0)).toHaveLength(4);

    // run again: the persisted sums are read from the cache by concurrent jobs
    const again = await Promise.all([sums.join(otherRdd).collect(), sums.join(smallRdd).collect()]);
    expectSamePairs(again[0]!, ref.join(expectedSums, other, "inner"));
    expectSamePairs(again[1]!, ref.join(expectedSums, small, "inner"));
    expect(ctx.lastJob!.cacheHits).toBeGreaterThan(0);
  });
});
