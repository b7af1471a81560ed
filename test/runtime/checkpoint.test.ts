/** checkpoint(): partitions written after the next job, lineage cut, rows read back exactly. */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HashPartitioner, InvalidArgumentError } from "../../runtime/index.js";
import { stopContexts, tempDir, testContext } from "../helpers/context.js";
import { canon, expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

const dirs: string[] = [];
afterEach(async () => {
  await stopContexts();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function checkpointed(options: Parameters<typeof testContext>[0] = {}) {
  const ctx = testContext(options);
  const dir = tempDir("rddopt-checkpoint-test-");
  dirs.push(dir);
  ctx.setCheckpointDir(dir);
  return { ctx, dir };
}

const pairs: [number, number][] = Array.from({ length: 50 }, (_, i) => [i % 7, i]);

describe("checkpoint", () => {
  it("without a checkpoint directory is an error naming the fix", () => {
    const ctx = testContext();
    expect(() => ctx.parallelize([1]).checkpoint()).toThrow(InvalidArgumentError);
    expect(() => ctx.parallelize([1]).checkpoint()).toThrow(/call ctx\.setCheckpointDir\(dir\) first/);
  });

  it("writes the partitions after the next job, then reads them instead of the lineage", async () => {
    const { ctx, dir } = checkpointed();
    let calls = 0;
    const reduced = ctx
      .parallelize(pairs, 3)
      .map((p): [number, number] => (calls++, p))
      .reduceByKey((a, b) => a + b, 4)
      .checkpoint();
    expect(reduced.isCheckpointed()).toBe(false);
    expect(reduced.getCheckpointFile()).toBeUndefined();
    const first = await reduced.collect();
    expectSamePairs(first, ref.reduceByKey(pairs, (a, b) => a + b));
    expect(ctx.lastJob!.stages).toBe(2); // the action's metrics, not the checkpoint job's
    expect(reduced.isCheckpointed()).toBe(true);
    const files = reduced.getCheckpointFile()!;
    expect(files.startsWith(dir)).toBe(true);
    expect(fs.readdirSync(files).sort()).toEqual(["_SUCCESS", "part-00000", "part-00001", "part-00002", "part-00003"]);
    const callsAfterWrite = calls;
    expect(await reduced.collect()).toEqual(first); // same rows, same partitions, same order
    expect(calls).toBe(callsAfterWrite); // the parents were not computed again
    expect(ctx.lastJob!.stages).toBe(1); // no shuffle: the lineage is cut
    expect(ctx.lastJob!.shuffleBytesRead).toBe(0);
    expect(reduced.explain()).toMatch(/checkpoint \[\d+\] of RDD \d+ from /);
    expect(reduced.explain()).not.toMatch(/Exchange/);
  });

  it("a marked RDD in the lineage of a job is written; its children read it", async () => {
    const { ctx } = checkpointed();
    const base = ctx.parallelize(pairs, 2).mapValues((v) => v * 2);
    base.checkpoint();
    const child = base.filter(([k]) => k > 2);
    expect(await child.count()).toBe(pairs.filter(([k]) => k > 2).length);
    expect(base.isCheckpointed()).toBe(true);
    expect(child.isCheckpointed()).toBe(false);
    expectSamePairs(await child.collect(), pairs.filter(([k]) => k > 2).map(([k, v]) => [k, v * 2]));
  });

  it("keeps the partitioner: a join with a co-partitioned side needs no shuffle of the checkpointed side", async () => {
    const { ctx } = checkpointed();
    const partitioner = new HashPartitioner(3);
    const left = ctx.parallelize(pairs, 2).partitionBy(partitioner).checkpoint();
    await left.count();
    expect(left.partitioner).toBe(partitioner);
    const right = ctx.parallelize(pairs.slice(0, 10), 2).partitionBy(partitioner);
    const joined = await left.join(right).collect();
    expectSamePairs(joined, ref.join(pairs, pairs.slice(0, 10), "inner"));
  });

  it("odd values survive exactly, across many frames, with persist and take", async () => {
    const { ctx } = checkpointed();
    const odd: unknown[] = [NaN, -0, undefined, null, [1, [2, [3]]], { a: [undefined], b: "é" }, "\uD800", 2n ** 70n, new Map([[1, "x"]])];
    const rows = Array.from({ length: 9000 }, (_, i) => odd[i % odd.length]);
    const rdd = ctx.parallelize(rows, 2).persist().checkpoint();
    expect(await rdd.take(2)).toHaveLength(2); // any job writes the whole RDD
    expect(rdd.isCheckpointed()).toBe(true);
    const back = await rdd.collect();
    expect(back.map((r) => canon(r))).toEqual(rows.map((r) => canon(r)));
  });

  it("a checkpoint of an empty RDD and of empty partitions", async () => {
    const { ctx } = checkpointed();
    const empty = ctx.parallelize([], 3).checkpoint();
    expect(await empty.collect()).toEqual([]);
    expect(empty.isCheckpointed()).toBe(true);
    expect(await empty.count()).toBe(0);
    const sparse = ctx.parallelize([1], 4).checkpoint();
    await sparse.count();
    expect(await sparse.glom().collect()).toEqual([[], [], [], [1]]);
  });

  it("a write that fails leaves the RDD marked, and the next job writes it", async () => {
    const { ctx } = checkpointed();
    let fail = true;
    const rdd = ctx.parallelize([1, 2, 3], 2).map((x) => {
      if (fail) throw new Error("flaky");
      return x;
    });
    rdd.checkpoint();
    await expect(rdd.collect()).rejects.toThrow(/flaky/);
    expect(rdd.isCheckpointed()).toBe(false);
    fail = false;
    expect(await rdd.collect()).toEqual([1, 2, 3]);
    expect(rdd.isCheckpointed()).toBe(true);
    expect(fs.existsSync(path.join(rdd.getCheckpointFile()!, "_SUCCESS"))).toBe(true);
  });

  it("setCheckpointDir on a path that cannot be a directory is a clear error", () => {
    const ctx = testContext();
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "");
    expect(() => ctx.setCheckpointDir(file)).toThrow(/setCheckpointDir cannot create a directory under .*a-file.*Pass a writable directory/);
  });
});
