/** A tiny shuffle memory budget: blocks spill to files, results stay right, files go away on stop(). */
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

function spillFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.startsWith("shuffle_"))
    .map((e) => e.name);
}

describe("shuffle spill", () => {
  const pairs: [number, string][] = Array.from({ length: 3000 }, (_, i) => [(i * 7) % 101, `v${i}`]);
  const other: [number, number][] = Array.from({ length: 500 }, (_, i) => [i % 120, i]);

  it("spills past shuffleMemoryBytes, counts spillBytes, and keeps every result right", async () => {
    const ctx = testContext({ shuffleMemoryBytes: 2048, defaultParallelism: 4 });
    const rdd = ctx.parallelize(pairs, 5);
    expectSamePairs(await rdd.groupByKey().collect(), ref.groupByKey(pairs), { unorderedValue: true });
    expect(ctx.lastJob!.spillBytes).toBeGreaterThan(0);
    expect(ctx.lastJob!.spillBytes).toBeLessThanOrEqual(ctx.lastJob!.shuffleBytesWritten);
    expect(spillFiles(ctx.localDir).length).toBeGreaterThan(0);

    expectSamePairs(
      await rdd.mapValues((v) => v.length).reduceByKey((a, b) => a + b).collect(),
      ref.reduceByKey(pairs.map(([k, v]) => [k, v.length]), (a, b) => a + b),
    );
    const joined = await rdd.join(ctx.parallelize(other, 3), { strategy: "shuffle" }).collect();
    expectSamePairs(joined, ref.join(pairs, other, "inner"));
    expect(ctx.lastJob!.spillBytes).toBeGreaterThan(0);
    const sorted = await ctx.parallelize(other, 4).sortByKey(false).keys().collect();
    expect(sorted).toEqual(other.map(([k]) => k).sort((a, b) => b - a));
    expect(ctx.totals.spillBytes).toBeGreaterThan(ctx.lastJob!.spillBytes);

    await ctx.stop();
    expect(spillFiles(ctx.localDir)).toEqual([]);
    expect(fs.readdirSync(ctx.localDir)).toEqual([]); // the private scratch directory is gone too
  });

  it("a zero budget spills everything; a large one spills nothing", async () => {
    const zero = testContext({ shuffleMemoryBytes: 0 });
    expectSamePairs(await zero.parallelize(pairs, 3).reduceByKey((a) => a).count().then((n) => [[n, 0]]), [[101, 0]]);
    expect(zero.lastJob!.spillBytes).toBe(zero.lastJob!.shuffleBytesWritten);
    const big = testContext();
    await big.parallelize(pairs, 3).groupByKey().count();
    expect(big.lastJob!.spillBytes).toBe(0);
    expect(spillFiles(big.localDir)).toEqual([]);
  });
});
