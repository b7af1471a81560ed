/** Accumulators: per-task partials merged by the driver when a task succeeds, Spark's rules for actions and transformations. */
import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError, JobFailedError, StorageLevel } from "../../runtime/index.js";
import { mergeSerializedAccumulatorUpdates, runTaskWithAccumulators, serializeAccumulatorUpdates } from "../../runtime/accumulator.js";
import { stopContexts, testContext } from "../helpers/context.js";

afterEach(stopContexts);

const data = Array.from({ length: 20 }, (_, i) => i + 1);
const total = data.reduce((a, b) => a + b, 0);

describe("accumulators", () => {
  it("updates in an action count once; the value is read on the driver", async () => {
    const ctx = testContext();
    const acc = ctx.accumulator(0, { name: "sum" });
    await ctx.parallelize(data, 6).foreach((x) => acc.add(x));
    expect(acc.value).toBe(total);
    const rows = ctx.longAccumulator("rows");
    await ctx.parallelize(data, 3).foreachPartition((part) => rows.add(part.length));
    expect(rows.value).toBe(data.length);
    expect(String(rows)).toBe(`Accumulator "rows" (#${rows.id}): 20`);
  });

  it("updates in a transformation are applied again when the stage is recomputed, once when persisted", async () => {
    const ctx = testContext();
    const seen = ctx.longAccumulator();
    const mapped = ctx.parallelize(data, 4).map((x) => (seen.add(1), x * 2));
    await mapped.count();
    await mapped.count();
    expect(seen.value).toBe(2 * data.length); // Spark's rule: recomputation applies the updates again
    const counted = ctx.longAccumulator();
    const cached = ctx.parallelize(data, 4).map((x) => (counted.add(1), x)).persist(StorageLevel.MEMORY_ONLY);
    await cached.count();
    await cached.count();
    expect(counted.value).toBe(data.length);
  });

  it("map-side updates before a shuffle count once per map task; a reused shuffle output adds nothing", async () => {
    const ctx = testContext();
    const acc = ctx.longAccumulator();
    const reduced = ctx.parallelize(data, 5).map((x): [number, number] => (acc.add(x), [x % 3, x])).reduceByKey((a, b) => a + b, 2);
    await reduced.collect();
    await reduced.collect(); // the map stage's output is reused: no recomputation
    expect(acc.value).toBe(total);
  });

  it("each task adds to its own partial, merged when the task ends; a failed task's partial is dropped", async () => {
    const ctx = testContext();
    const acc = ctx.longAccumulator();
    const afterTask: number[] = [];
    ctx.addListener({ onTaskEnd: (e) => void (e.error === undefined && afterTask.push(acc.value)) });
    await ctx.parallelize([1, 2, 3, 4], 4).foreach((x) => acc.add(x));
    expect(afterTask).toEqual([1, 3, 6, 10]); // merged per task, in task order

    const partial = ctx.longAccumulator();
    const failed = await ctx
      .parallelize([1, 2, 3, 4], 4)
      .foreach((x) => {
        partial.add(x);
        if (x === 3) throw new Error("boom");
      })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(JobFailedError);
    expect(partial.value).toBe(1 + 2); // partition 2 added 3 and failed: dropped; partition 3 never ran
  });

  it("reading the value inside a task is a clear error; adding on the driver adds to the value", async () => {
    const ctx = testContext();
    const acc = ctx.accumulator(10);
    acc.add(5);
    expect(acc.value).toBe(15);
    const failed = await ctx
      .parallelize([1], 1)
      .foreach(() => void acc.value)
      .catch((e: unknown) => e);
    expect((failed as Error).message).toMatch(/Accumulator #\d+ was read inside a task.*Read acc\.value on the driver after the action/);
    acc.reset();
    expect(acc.value).toBe(10);
  });

  it("other kinds: bigint, a custom add, a collection; a non-number without add is a clear error", async () => {
    const ctx = testContext();
    const big = ctx.accumulator(0n);
    await ctx.parallelize([1n, 2n, 3n], 2).foreach((x) => big.add(x));
    expect(big.value).toBe(6n);
    const largest = ctx.accumulator(-Infinity, { add: Math.max });
    await ctx.parallelize([3, 9, 2], 3).foreach((x) => largest.add(x));
    expect(largest.value).toBe(9);
    const pairs = ctx.accumulator<[number, number]>([0, 0], { add: (a, b) => [a[0] + b[0], a[1] + b[1]] });
    await ctx.parallelize(data, 4).foreach((x) => pairs.add([x, 1]));
    expect(pairs.value).toEqual([total, data.length]);
    const odd = ctx.collectionAccumulator<number>("odd");
    await ctx.parallelize(data, 5).foreach((x) => x % 2 === 1 && odd.add(x));
    expect([...odd.value].sort((a, b) => a - b)).toEqual(data.filter((x) => x % 2 === 1));
    expect(() => ctx.accumulator("")).toThrow(InvalidArgumentError);
    expect(() => ctx.accumulator({ n: 0 })).toThrow(/ctx\.accumulator needs an add function for an initial value of type object: pass \{ add: \(a, b\) => \.\.\. \}/);
  });

  it("an initial object value is copied, so reset gives it back unchanged", async () => {
    const ctx = testContext();
    const initial: number[] = [];
    const acc = ctx.accumulator(initial, { add: (a, b) => a.concat(b) });
    await ctx.parallelize([1, 2], 2).foreach((x) => acc.add([x]));
    expect([...acc.value].sort()).toEqual([1, 2]);
    acc.reset();
    expect(acc.value).toEqual([]);
    expect(initial).toEqual([]);
  });

  it("a task's partials travel as [id, partial] data and merge by id (the protocol for executors elsewhere)", () => {
    const ctx = testContext();
    const count = ctx.longAccumulator();
    const words = ctx.collectionAccumulator<string>();
    const { result, updates } = runTaskWithAccumulators(() => {
      count.add(2);
      count.add(3);
      words.add("a");
      return "done";
    });
    expect(result).toBe("done");
    expect(count.value).toBe(0); // nothing merged yet: the partials belong to the task
    const wire = structuredClone(serializeAccumulatorUpdates(updates));
    expect(wire).toEqual([[count.id, 5], [words.id, ["a"]]]);
    mergeSerializedAccumulatorUpdates(wire);
    expect([count.value, words.value]).toEqual([5, ["a"]]);
    expect(() => mergeSerializedAccumulatorUpdates([[987654321, 1]])).toThrow(/accumulator #987654321, which this process does not know/);
  });
});
