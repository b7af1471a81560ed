/** The executor interface: another executor (here: tasks in reverse, then interleaved) runs the same RDD code correctly. */
import { afterEach, describe, expect, it } from "vitest";
import { JobFailedError, type Executor, type Task, type TaskContext } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

type Hooks<R> = { onStart(task: Task<R>): void; onEnd(task: Task<R>, ms: number, error?: unknown): void };

/** Runs a stage's tasks last to first, as a pool of workers might finish them; returns results in task order. */
class ReverseExecutor implements Executor {
  ran = 0;
  async runTasks<R>(tasks: readonly Task<R>[], makeContext: (task: Task<R>) => TaskContext, hooks: Hooks<R>): Promise<R[]> {
    const results = new Array<R>(tasks.length);
    for (let i = tasks.length - 1; i >= 0; i--) {
      const task = tasks[i]!;
      const tc = makeContext(task);
      hooks.onStart(task);
      await new Promise((resolve) => setImmediate(resolve));
      try {
        results[i] = task.run(tc);
        this.ran++;
      } catch (e) {
        hooks.onEnd(task, 0, e);
        throw e;
      }
      hooks.onEnd(task, 0);
    }
    return results;
  }
}

const pairs: [number, number][] = Array.from({ length: 200 }, (_, i) => [i % 17, i]);
const other: [number, string][] = Array.from({ length: 30 }, (_, i) => [i % 20, `o${i}`]);

describe("a different executor", () => {
  it("computes the same results, in partition order for narrow jobs", async () => {
    const executor = new ReverseExecutor();
    const ctx = testContext({ executor, broadcastThreshold: 512 });
    expect(await ctx.parallelize(pairs, 5).map(([, v]) => v).collect()).toEqual(pairs.map(([, v]) => v));
    expectSamePairs(await ctx.parallelize(pairs, 5).reduceByKey((a, b) => a + b).collect(), ref.reduceByKey(pairs, (a, b) => a + b));
    for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
      expectSamePairs(await ctx.parallelize(pairs, 4).leftOuterJoin(ctx.parallelize(other, 3), { strategy }).collect(), ref.join(pairs, other, "leftOuter"));
    }
    expect(await ctx.parallelize(pairs, 4).sortByKey().keys().collect()).toEqual(pairs.map(([k]) => k).sort((a, b) => a - b));
    expect(executor.ran).toBeGreaterThan(20);
    expect(ctx.totals.tasks).toBeGreaterThanOrEqual(executor.ran);
  });

  it("a failure names the partition that failed, whatever order tasks ran in", async () => {
    const ctx = testContext({ executor: new ReverseExecutor() });
    const err = await ctx
      .parallelize(Array.from({ length: 8 }, (_, i) => i), 4)
      .map((x) => {
        if (x === 2) throw new Error("two"); // partition 1 of [0,1] [2,3] [4,5] [6,7]
        return x;
      })
      .collect()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect((err as JobFailedError).partition).toBe(1);
    expect((err as JobFailedError).message).toContain("partition 1");
  });
});
