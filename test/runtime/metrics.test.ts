/** ctx.lastJob / ctx.totals, listener events, and explain(). */
import { afterEach, describe, expect, it } from "vitest";
import { HashPartitioner, StorageLevel, type JobMetrics, type Listener } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";

afterEach(stopContexts);

const pairs: [number, string][] = Array.from({ length: 200 }, (_, i) => [i % 10, `v${i}`]);
const METRIC_FIELDS: (keyof JobMetrics)[] = [
  "stages", "tasks", "wallMs", "shuffleBytesWritten", "shuffleBytesRead", "shuffleRecordsWritten",
  "broadcastBytes", "spillBytes", "cacheHits", "joins", "placements",
  "bytesRead", "filesRead", "filesSkipped", "bytesSkipped",
];

describe("metrics", () => {
  it("lastJob has every field; a narrow job has one stage and no shuffle", async () => {
    const ctx = testContext();
    expect(ctx.lastJob).toBeUndefined();
    await ctx.parallelize(pairs, 3).map((r) => r).count();
    const m = ctx.lastJob!;
    expect(Object.keys(m).sort()).toEqual([...METRIC_FIELDS].sort());
    expect(m).toMatchObject({ stages: 1, tasks: 3, shuffleBytesWritten: 0, shuffleBytesRead: 0, shuffleRecordsWritten: 0, spillBytes: 0, cacheHits: 0, joins: [] });
    expect(m.wallMs).toBeGreaterThanOrEqual(0);
  });

  it("a shuffle job counts both stages, its bytes and records; a rerun skips the finished map stage", async () => {
    const ctx = testContext();
    const grouped = ctx.parallelize(pairs, 4).groupByKey(3);
    await grouped.collect();
    const m = ctx.lastJob!;
    expect(m.stages).toBe(2);
    expect(m.tasks).toBe(4 + 3);
    expect(m.shuffleRecordsWritten).toBe(pairs.length); // groupByKey: no map-side combine
    expect(m.shuffleBytesWritten).toBeGreaterThan(0);
    expect(m.shuffleBytesRead).toBe(m.shuffleBytesWritten);
    await grouped.collect();
    expect(ctx.lastJob!).toMatchObject({ stages: 1, tasks: 3, shuffleBytesWritten: 0 });
    expect(ctx.lastJob!.shuffleBytesRead).toBe(m.shuffleBytesRead);
  });

  it("map-side combine shrinks what reduceByKey writes", async () => {
    const ctx = testContext();
    await ctx.parallelize(pairs, 4).mapValues(() => 1).reduceByKey((a, b) => a + b).collect();
    expect(ctx.lastJob!.shuffleRecordsWritten).toBe(4 * 10); // one record per key per map partition
  });

  it("totals add up every job", async () => {
    const ctx = testContext();
    const jobs: JobMetrics[] = [];
    for (const n of [2, 3, 4]) {
      await ctx.parallelize(pairs, n).reduceByKey((a) => a).count();
      jobs.push(structuredClone(ctx.lastJob!));
    }
    const t = ctx.totals;
    for (const f of ["stages", "tasks", "shuffleBytesWritten", "shuffleBytesRead", "shuffleRecordsWritten", "cacheHits"] as const) {
      expect(t[f]).toBe(jobs.reduce((s, j) => s + j[f], 0));
    }
    expect(t.wallMs).toBeCloseTo(jobs.reduce((s, j) => s + j.wallMs, 0), 6);
  });

  it("records each join's decision once per job, with its site", async () => {
    const ctx = testContext();
    const a = ctx.parallelize(pairs, 2);
    const b = ctx.parallelize(pairs.slice(0, 5), 1);
    await a.join(b, { strategy: "auto", site: "x.ts:1:1" }).leftOuterJoin(b, { strategy: "shuffle" }).count();
    const joins = ctx.lastJob!.joins;
    expect(joins.map((j) => j.strategy)).toEqual(["broadcast-right", "shuffle"]);
    expect(joins[0]!.site).toBe("x.ts:1:1");
    expect(joins[0]!.estimatedBytes).toBeGreaterThan(0);
    expect(ctx.lastJob!.broadcastBytes).toBeGreaterThan(0);
    expect(ctx.totals.joins).toHaveLength(2);
  });
});

describe("listeners", () => {
  it("hear job, stage and task start and end, consistently with the metrics", async () => {
    const ctx = testContext();
    const log: string[] = [];
    let taskEnds = 0;
    const stageIds = new Set<number>();
    const listener: Listener = {
      onJobStart: (e) => log.push(`job start ${e.jobId} ${e.description} stages=${e.stages}`),
      onJobEnd: (e) => log.push(`job end ${e.jobId} ${e.error ? "error" : "ok"} stages=${e.metrics.stages}`),
      onStageStart: (e) => {
        stageIds.add(e.stageId);
        log.push(`stage start ${e.stageId} tasks=${e.tasks}`);
      },
      onStageEnd: (e) => log.push(`stage end ${e.stageId} ${e.durationMs >= 0}`),
      onTaskStart: (e) => expect(stageIds.has(e.stageId)).toBe(true),
      onTaskEnd: (e) => {
        taskEnds++;
        expect(e.durationMs).toBeGreaterThanOrEqual(0);
        expect(e.error).toBeUndefined();
      },
    };
    const remove = ctx.addListener(listener);
    await ctx.parallelize(pairs, 3).reduceByKey((a) => a, 2).collect();
    const [start, ...rest] = log;
    expect(start).toMatch(/^job start \d+ collect stages=2$/);
    expect(rest.filter((l) => l.startsWith("stage start"))).toHaveLength(2);
    expect(rest.filter((l) => l.startsWith("stage end"))).toEqual([expect.stringMatching(/true$/), expect.stringMatching(/true$/)]);
    expect(rest.at(-1)).toMatch(/^job end \d+ ok stages=2$/);
    expect(log.indexOf(log.find((l) => l.startsWith("stage start"))!)).toBeLessThan(log.indexOf(log.find((l) => l.startsWith("stage end"))!));
    expect(taskEnds).toBe(ctx.lastJob!.tasks);
    remove();
    log.length = 0;
    await ctx.parallelize(pairs, 3).count();
    expect(log).toEqual([]);
  });

  it("hear a failed job's error", async () => {
    const ctx = testContext();
    const errors: unknown[] = [];
    ctx.addListener({ onJobEnd: (e) => errors.push(e.error), onTaskEnd: (e) => e.error && errors.push("task") });
    await expect(ctx.parallelize([1], 1).map(() => { throw new Error("x"); }).collect()).rejects.toThrow();
    expect(errors[0]).toBe("task");
    expect(errors[1]).toBeInstanceOf(Error);
  });
});

describe("explain", () => {
  it("shows exchanges with their partitioners, and map-side combine", () => {
    const ctx = testContext();
    const plan = ctx.parallelize(pairs, 2).reduceByKey((a) => a, 3).mapValues((v) => v).explain();
    expect(plan).toMatch(/^== Physical Plan ==/);
    expect(plan).toMatch(/Exchange hashpartitioning\(3\), shuffle \d+, map-side combine/);
    expect(plan).toMatch(/parallelize/);
    expect(plan).toMatch(/mapValues/);
  });

  it("shows a broadcast join's BroadcastExchange once decided, and no exchange for co-partitioned joins", async () => {
    const ctx = testContext();
    const big = ctx.parallelize(pairs, 3);
    const small = ctx.parallelize(pairs.slice(0, 3), 1);
    const joined = big.join(small, { strategy: "broadcast" });
    await joined.count();
    const plan = joined.explain();
    expect(plan).toMatch(/BroadcastExchange right side, 3 rows/);
    expect(plan).not.toMatch(/Exchange hashpartitioning/);
    expect(plan).toMatch(/broadcast-right/);

    const p = new HashPartitioner(4);
    const co = big.partitionBy(p).join(small.partitionBy(p));
    await co.count();
    const coPlan = co.explain();
    expect(coPlan.match(/Exchange hashpartitioning\(4\)/g)).toHaveLength(2); // the two partitionBy shuffles, none for the join
    expect(coPlan).toMatch(/co-partitioned/);
  });

  it("marks cached RDDs with their level and how much is cached", async () => {
    const ctx = testContext();
    const cached = ctx.parallelize(pairs, 4).persist(StorageLevel.MEMORY_AND_DISK_SER);
    expect(cached.map((r) => r).explain()).toMatch(/cached MEMORY_AND_DISK_SER: 0\/4 partitions/);
    await cached.take(1);
    expect(cached.map((r) => r).explain()).toMatch(/cached MEMORY_AND_DISK_SER: 1\/4 partitions/);
  });
});
