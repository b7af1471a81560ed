/** Failures: user errors name the operation, stage and partition and keep the cause; wrong arguments say how to fix them. */
import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError, JobFailedError, RddError, type Context, type TaskEndEvent } from "../../runtime/index.js";
import fs from "node:fs";
import path from "node:path";
import { stopContexts, tempDir, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";

afterEach(stopContexts);

class Boom extends Error {}

async function failure(p: Promise<unknown>): Promise<JobFailedError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JobFailedError);
  return e as JobFailedError;
}

/** The context still runs jobs (including shuffles) after a failure. */
async function expectUsable(ctx: Context): Promise<void> {
  expect(await ctx.parallelize([1, 2, 3], 2).map((x) => x * 2).collect()).toEqual([2, 4, 6]);
  expectSamePairs(await ctx.parallelize([["a", 1], ["a", 2]] as [string, number][], 2).reduceByKey((a, b) => a + b).collect(), [["a", 3]]);
}

describe("an exception in user code fails the job", () => {
  const boomAt = (x: number) => {
    if (x === 7) throw new Boom("bad row 7");
    return x;
  };
  const data = Array.from({ length: 10 }, (_, i) => i); // partitions of 4: [0, 1] [2, 3, 4] [5, 6] [7, 8, 9]

  it.each([
    ["map", (ctx: Context) => ctx.parallelize(data, 4).map(boomAt).collect()],
    ["filter", (ctx: Context) => ctx.parallelize(data, 4).filter((x) => boomAt(x) > 0).count()],
    ["flatMap", (ctx: Context) => ctx.parallelize(data, 4).flatMap((x) => [boomAt(x)]).collect()],
    ["keyBy", (ctx: Context) => ctx.parallelize(data, 4).keyBy(boomAt).collect()],
    ["mapValues", (ctx: Context) => ctx.parallelize(data, 4).keyBy((x) => x).mapValues(boomAt).collect()],
    ["reduceByKey", (ctx: Context) => ctx.parallelize(data, 4).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => (a + b > 20 ? boomAt(7) : a + b)).collect()],
    ["foreach", (ctx: Context) => ctx.parallelize(data, 4).foreach((x) => void boomAt(x))],
  ] as const)("in %s: JobFailedError naming the operation, stage and partition, with the cause", async (op, run) => {
    const ctx = testContext();
    const ends: TaskEndEvent[] = [];
    ctx.addListener({ onTaskEnd: (e) => ends.push(e) });
    const e = await failure(run(ctx));
    expect(e.operation).toBe(op);
    expect(e.cause).toBeInstanceOf(Boom);
    expect((e.cause as Error).message).toBe("bad row 7");
    expect(e.message).toContain(op);
    expect(e.message).toContain(`stage ${e.stageId}`);
    expect(e.message).toContain(`partition ${e.partition}`);
    expect(e.message).toContain("bad row 7");
    expect(e.stageId).toBeGreaterThanOrEqual(0);
    expect(e.partition).toBeGreaterThanOrEqual(0);
    expect(ends.some((t) => t.error !== undefined && t.partition === e.partition && t.stageId === e.stageId)).toBe(true);
    expect(ctx.lastJob).toBeDefined();
    await expectUsable(ctx);
  });

  it("names the partition the failing row is in", async () => {
    const ctx = testContext();
    const e = await failure(ctx.parallelize(data, 4).map(boomAt).collect());
    expect(e.partition).toBe(3);
  });

  it("in a generator passed to flatMap or mapPartitions, the operation is still named", async () => {
    const ctx = testContext();
    const e1 = await failure(
      ctx
        .parallelize(data, 2)
        .flatMap(function* (x) {
          yield boomAt(x);
        })
        .collect(),
    );
    expect(e1.operation).toBe("flatMap");
    expect(e1.cause).toBeInstanceOf(Boom);
    const e2 = await failure(
      ctx
        .parallelize(data, 2)
        .mapPartitions(function* (rows) {
          for (const r of rows) yield boomAt(r);
        })
        .map((x) => x)
        .collect(),
    );
    expect(e2.operation).toBe("mapPartitions");
    expect(e2.cause).toBeInstanceOf(Boom);
  });

  it("in the final merge of reduce, fold or aggregate (run after the tasks)", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize([60, 60], 2); // one row per partition: f only runs to merge the partitions' results
    const throwOnMerge = (a: number, b: number) => {
      if (a + b > 100) throw new Boom("merge");
      return a + b;
    };
    for (const [op, run] of [
      ["reduce", () => rdd.reduce(throwOnMerge)],
      ["fold", () => rdd.fold(0, throwOnMerge)],
      ["aggregate", () => rdd.aggregate(0, (a, b) => a + b, throwOnMerge)],
    ] as const) {
      const e = await failure(run());
      expect(e.operation).toBe(op);
      expect(e.cause).toBeInstanceOf(Boom);
    }
    await expectUsable(ctx);
  });

  it("in a side of an auto join being estimated, and the same RDD runs again once the fault is gone", async () => {
    const ctx = testContext();
    let faulty = true;
    const left = ctx.parallelize(data, 3).map((x) => {
      if (faulty && x === 5) throw new Boom("flaky");
      return [x, x] as [number, number];
    });
    const joined = left.join(ctx.parallelize(data, 2).map((x) => [x, -x] as [number, number]), { strategy: "auto" });
    const e = await failure(joined.collect());
    expect(e.operation).toBe("map");
    expect(e.cause).toBeInstanceOf(Boom);
    faulty = false;
    expectSamePairs(await joined.collect(), data.map((x) => [x, [x, -x]]));
  });

  it("a failing listener does not fail the job", async () => {
    const ctx = testContext();
    ctx.addListener({
      onTaskStart: () => {
        throw new Error("listener");
      },
    });
    expect(await ctx.parallelize(data, 3).count()).toBe(10);
  });

  it("a stopped context refuses new work with a clear error", async () => {
    const ctx = testContext();
    const rdd = ctx.parallelize(data, 2);
    await ctx.stop();
    expect(() => ctx.parallelize(data)).toThrow(/stopped/);
    await expect(rdd.count()).rejects.toThrow(RddError);
  });
});

describe("wrong arguments and wrong rows", () => {
  it("a pair method on non-pair rows fails at run time, naming the fix", async () => {
    const ctx = testContext();
    const notPairs = ctx.parallelize([1, 2, 3] as unknown as [number, number][], 2);
    for (const run of [
      () => notPairs.reduceByKey((a, b) => a + b).collect(),
      () => notPairs.mapValues((v) => v).collect(),
      () => notPairs.keys().collect(),
      () => notPairs.groupByKey().collect(),
      () => notPairs.join(ctx.parallelize([[1, 1] as [number, number]]), { strategy: "shuffle" }).collect(),
      () => notPairs.join(ctx.parallelize([[1, 1] as [number, number]]), { strategy: "broadcast" }).collect(),
      () => ctx.parallelize([[1, 1] as [number, number]]).join(notPairs, { strategy: "broadcast" }).collect(),
    ]) {
      // A failed task wraps it in JobFailedError; a broadcast side built on the driver throws it as it is.
      const e = await run().then(() => undefined, (err: unknown) => err);
      const wrong = e instanceof JobFailedError ? e.cause : e;
      expect(wrong).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(/needs pair rows \[key, value\], but got 1/);
      expect((e as Error).message).toMatch(/keyBy/);
    }
    await expectUsable(ctx);
  });

  it("every pair action and by-key operation refuses non-pair rows with the same advice", async () => {
    const ctx = testContext();
    const notPairs = ctx.parallelize([1, 2, 3] as unknown as [number, number][], 2);
    const pairs = ctx.parallelize([[1, 1] as [number, number]]);
    for (const run of [
      () => notPairs.lookup(1),
      () => notPairs.lookup(undefined as unknown as number),
      () => notPairs.collectAsMap(),
      () => notPairs.countByKey(),
      () => notPairs.sortByKey().collect(),
      () => notPairs.subtractByKey(pairs).collect(),
      () => pairs.subtractByKey(notPairs).collect(),
      () => notPairs.cogroup(pairs).collect(),
      () => notPairs.values().collect(),
      () => notPairs.flatMapValues((v) => [v]).collect(),
    ]) {
      const e = await run().then(() => undefined, (err: unknown) => err);
      expect(e, String(run)).toBeInstanceOf(Error);
      expect((e as Error).message, String(run)).toMatch(/needs pair rows \[key, value\], but got [123].*keyBy/);
    }
  });

  it("a function passed to sortBy that throws is named as sortBy's", async () => {
    const ctx = testContext();
    const e = await failure(
      ctx
        .parallelize([3, 1, 2], 2)
        .sortBy((x) => {
          if (x === 2) throw new Boom("no order");
          return x;
        })
        .collect(),
    );
    expect(e.operation).toBe("sortBy");
    expect(e.cause).toBeInstanceOf(Boom);
  });

  it("rows of the wrong arity are not pairs", async () => {
    const ctx = testContext();
    const triples = ctx.parallelize([[1, 2, 3]] as unknown as [number, number][]);
    const e = await failure(triples.reduceByKey((a) => a).collect());
    expect(e.message).toMatch(/needs pair rows/);
  });

  it("a key that cannot be compared by value (an object) is a clear error", async () => {
    const ctx = testContext();
    const e = await failure(ctx.parallelize([[{ id: 1 }, 1]] as [object, number][]).groupByKey().collect());
    expect(e.message).toMatch(/cannot be hashed or compared by value.*tuple/);
  });

  it("an unwritable localDir fails the spilling job with advice, and the context stays usable", async () => {
    // A directory under a plain file can never be made. (Not /proc: Node 20's recursive mkdir loops forever there.)
    const parent = tempDir();
    try {
      const file = path.join(parent, "plain-file");
      fs.writeFileSync(file, "");
      const localDir = path.join(file, "sub");
      const ctx = testContext({ localDir, shuffleMemoryBytes: 0 });
      const e = await failure(ctx.parallelize([[1, 1] as [number, number]], 1).groupByKey().collect());
      expect(e.message).toMatch(/writable localDir/);
      const roomy = testContext({ localDir });
      expect(await roomy.parallelize([[1, 1] as [number, number]], 1).groupByKey().count()).toBe(1); // nothing spills, no directory needed
      await stopContexts();
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  it("numPartitions <= 0 and bad options are rejected up front", () => {
    expect(() => testContext({ defaultParallelism: 0 })).toThrow(InvalidArgumentError);
    expect(() => testContext({ shuffleMemoryBytes: -1 })).toThrow(InvalidArgumentError);
    expect(() => testContext({ broadcastThreshold: NaN })).toThrow(InvalidArgumentError);
    const ctx = testContext();
    expect(() => ctx.parallelize([1], -3)).toThrow(/positive integer/);
    expect(() => ctx.textFile(".", 0)).toThrow(InvalidArgumentError);
  });
});

describe("errors name the method the user called", () => {
  it("repartition, sortBy and reduceByKey name themselves; object keys say what they are", async () => {
    const { Context } = await import("../../runtime/index.js");
    const ctx = new Context({ progress: false });
    try {
      const pairs = ctx.parallelize<[number, number]>([[1, 2]]);
      expect(() => pairs.repartition(0)).toThrow(/^repartition numPartitions/);
      expect(() => pairs.sortBy((x) => x[0], true, 0)).toThrow(/^sortBy numPartitions/);
      expect(() => pairs.reduceByKey((a, b) => a + b, 0)).toThrow(/^reduceByKey numPartitions/);
      await expect(ctx.parallelize([[{ a: 1 }, 2] as [object, number]]).groupByKey().collect()).rejects.toThrow(/A key that is a plain object cannot be hashed/);
    } finally {
      await ctx.stop();
    }
  });
});
