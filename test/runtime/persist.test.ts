/** persist/cache/unpersist: a persisted RDD is computed once across jobs, at every storage level. */
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError, StorageLevel } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

const LEVELS = ["MEMORY_ONLY", "MEMORY_ONLY_SER", "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "DISK_ONLY"] as const;
type Row = [number, { id: number; name: string; big: bigint; when: Date }];
const rows: Row[] = Array.from({ length: 60 }, (_, i) => [i % 7, { id: i, name: `n${i}`, big: 2n ** BigInt(i), when: new Date(i) }]);

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

describe("persist", () => {
  it.each(LEVELS)("%s: computed once across jobs, same rows every time, cacheHits counted", async (name) => {
    const ctx = testContext();
    let calls = 0;
    const rdd = ctx
      .parallelize(rows, 4)
      .map((r) => {
        calls++;
        return r;
      })
      .persist(StorageLevel[name]);
    expect(rdd.storageLevel).toBe(StorageLevel[name]);
    const first = await rdd.collect();
    expect(calls).toBe(rows.length);
    expect(ctx.lastJob!.cacheHits).toBe(0);
    expect(await rdd.collect()).toStrictEqual(first);
    expect(await rdd.count()).toBe(rows.length);
    expectSamePairs(await rdd.mapValues((v) => v.id).reduceByKey((a, b) => a + b).collect(), ref.reduceByKey(rows.map(([k, v]) => [k, v.id]), (a, b) => a + b));
    expect(calls).toBe(rows.length);
    expect(ctx.lastJob!.cacheHits).toBe(4);
    expect(ctx.totals.cacheHits).toBe(12);
    expect(rdd.explain()).toMatch(new RegExp(`cached ${name}: 4/4 partitions`));
    if (name === "DISK_ONLY") expect(filesUnder(ctx.localDir).length).toBeGreaterThan(0);

    rdd.unpersist();
    expect(rdd.storageLevel).toBe(StorageLevel.NONE);
    await rdd.count();
    expect(calls).toBe(2 * rows.length); // recomputed after unpersist
    await ctx.stop();
    expect(filesUnder(ctx.localDir)).toEqual([]);
  });

  it("cache() is MEMORY_ONLY; a different level needs unpersist first", () => {
    const ctx = testContext();
    const rdd = ctx.parallelize([1]).cache();
    expect(rdd.storageLevel).toBe(StorageLevel.MEMORY_ONLY);
    expect(() => rdd.persist(StorageLevel.DISK_ONLY)).toThrow(InvalidArgumentError);
    expect(rdd.persist(StorageLevel.MEMORY_ONLY)).toBe(rdd);
    expect(rdd.unpersist().persist(StorageLevel.DISK_ONLY).storageLevel).toBe(StorageLevel.DISK_ONLY);
  });

  it("a persisted shuffle output is reused by later jobs and by both sides of a join", async () => {
    const ctx = testContext();
    let calls = 0;
    const counted = ctx.parallelize(rows.map(([k]) => [k, 1] as [number, number]), 3).map((r) => {
      calls++;
      return r;
    });
    const sums = counted.reduceByKey((a, b) => a + b).cache();
    const expected = ref.reduceByKey(rows.map(([k]) => [k, 1] as [number, number]), (a, b) => a + b);
    expectSamePairs(await sums.collect(), expected);
    const joined = await sums.join(sums.mapValues((v) => v * 2)).collect();
    expectSamePairs(joined, ref.join(expected, expected.map(([k, v]) => [k, v * 2]), "inner"));
    expect(calls).toBe(rows.length);
    expect(ctx.lastJob!.cacheHits).toBeGreaterThan(0);
  });

  it("MEMORY_ONLY over storageMemoryBytes is recomputed, not lost; MEMORY_AND_DISK goes to disk", async () => {
    const ctx = testContext({ storageMemoryBytes: 64 });
    let calls = 0;
    const make = () =>
      ctx.parallelize(rows, 4).map((r) => {
        calls++;
        return r;
      });
    const memOnly = make().persist(StorageLevel.MEMORY_ONLY);
    expect(await memOnly.count()).toBe(rows.length);
    expect(await memOnly.collect()).toHaveLength(rows.length);
    expect(calls).toBe(2 * rows.length);
    calls = 0;
    const spilled = make().persist(StorageLevel.MEMORY_AND_DISK);
    const first = await spilled.collect();
    expect(await spilled.collect()).toStrictEqual(first);
    expect(calls).toBe(rows.length);
    expect(filesUnder(ctx.localDir).length).toBeGreaterThan(0);
  });
});
