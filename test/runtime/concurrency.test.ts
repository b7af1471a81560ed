/** Jobs submitted at the same time on one Context share lineage safely; spill files go away at process exit. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { HashPartitioner } from "../../runtime/index.js";
import { stopContexts, tempDir, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import { packageRoot, waitForBuild } from "../helpers/pack.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

const pairs: [number, number][] = Array.from({ length: 300 }, (_, i) => [(i * 31) % 47, i]);
const other: [number, string][] = Array.from({ length: 60 }, (_, i) => [i % 50, `o${i}`]);

describe("concurrent jobs on one Context", () => {
  it("actions on one sorted RDD started at once all use the same sampled bounds", async () => {
    const ctx = testContext();
    const expected = pairs.map(([k]) => k).sort((x, y) => x - y);
    for (let round = 0; round < 3; round++) {
      const sorted = ctx.parallelize(pairs, 8).sortByKey(true, 3);
      const first = sorted.count();
      for (let tick = 0; tick < 2; tick++) await new Promise((resolve) => setImmediate(resolve)); // the first job is now sampling
      const [n, keys, n2] = await Promise.all([first, sorted.keys().collect(), sorted.count()]);
      expect([n, n2]).toEqual([pairs.length, pairs.length]);
      expect(keys).toEqual(expected);
    }
  });

  it("shared shuffles and joins of every strategy", async () => {
    const ctx = testContext({ broadcastThreshold: 1024 });
    const sums = ctx.parallelize(pairs, 4).reduceByKey((x, y) => x + y);
    const joins = (["shuffle", "broadcast", "auto"] as const).map((strategy) => sums.join(ctx.parallelize(other, 2), { strategy }));
    const results = await Promise.all([...joins.map((j) => j.collect()), ...joins.map((j) => j.collect()), sums.collect()]);
    const expectedSums = ref.reduceByKey(pairs, (x, y) => x + y);
    const expectedJoin = ref.join(expectedSums, other, "inner");
    for (const rows of results.slice(0, 6)) expectSamePairs(rows, expectedJoin);
    expectSamePairs(results[6]!, expectedSums);
  });

  it("a self-join agrees with the reference for every strategy", async () => {
    const ctx = testContext({ broadcastThreshold: 2048 });
    const rdd = ctx.parallelize(pairs.slice(0, 40), 3).map((r) => r);
    for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
      expectSamePairs(await rdd.join(rdd, { strategy }).collect(), ref.join(pairs.slice(0, 40), pairs.slice(0, 40), "inner"));
      expectSamePairs(await rdd.leftOuterJoin(rdd, { strategy }).collect(), ref.join(pairs.slice(0, 40), pairs.slice(0, 40), "leftOuter"));
    }
  });
});

describe("lookup and first on ordered and joined RDDs", () => {
  it("lookup on a sorted RDD reads the right range partition", async () => {
    const ctx = testContext();
    const sorted = ctx.parallelize(pairs, 4).sortByKey(false, 4);
    for (const k of [0, 13, 46, 99]) {
      expect((await sorted.lookup(k)).sort((a, b) => a - b)).toEqual(pairs.filter(([pk]) => pk === k).map(([, v]) => v));
    }
    expect(await sorted.first()).toEqual(ref.sortWith(pairs, (a, b) => b[0] - a[0])[0]!.slice(0, 1).concat([expect.any(Number)]));
  });

  it("lookup on a join's output finds every match, whatever the strategy", async () => {
    const ctx = testContext();
    const p = new HashPartitioner(3);
    for (const [l, r] of [
      [ctx.parallelize(pairs, 2), ctx.parallelize(other, 2)],
      [ctx.parallelize(pairs, 2).partitionBy(p), ctx.parallelize(other, 2).partitionBy(p)],
    ] as const) {
      for (const strategy of ["shuffle", "broadcast"] as const) {
        const found = await l.join(r, { strategy }).lookup(12);
        expectSamePairs(found.map((v) => [12, v]), ref.join(pairs, other, "inner").filter(([k]) => k === 12));
      }
    }
  });
});

describe("cleanup at process exit", () => {
  it("removes spill and disk-cache files when the process exits without stop()", async () => {
    await waitForBuild(); // the child imports the built package ("rddopt" resolves to dist/)
    const localDir = tempDir("rddopt-exit-");
    try {
      const script = `
        import { Context, StorageLevel } from "rddopt";
        const ctx = new Context({ localDir: process.argv[1], shuffleMemoryBytes: 0, progress: false });
        const rows = Array.from({ length: 500 }, (_, i) => [i % 13, i]);
        const cached = ctx.parallelize(rows, 3).persist(StorageLevel.DISK_ONLY);
        console.log(await cached.groupByKey().count(), ctx.lastJob.spillBytes > 0);
        console.log(require_files());
        function require_files() { return (await_list()).length; }
        function await_list() { return [...new Set(fs_list(process.argv[1]))]; }
        function fs_list(dir) { return globalThis.fsMod.readdirSync(dir, { recursive: true }).filter((f) => /\\.(data|block)$/.test(f)); }
      `;
      const prelude = `import fs from "node:fs"; globalThis.fsMod = fs;`;
      const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", prelude + script, localDir], { cwd: packageRoot, timeout: 30_000 });
      const [counts, files] = stdout.trim().split("\n");
      expect(counts).toBe("13 true");
      expect(Number(files)).toBeGreaterThan(0); // files existed while the process ran
      expect(fs.readdirSync(localDir)).toEqual([]); // and are gone after it exited
    } finally {
      fs.rmSync(localDir, { recursive: true, force: true });
    }
  });
});
