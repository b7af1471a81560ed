/** "auto" joins never compute a lineage twice to estimate it: what the estimator computes, the join reuses. */
import { afterEach, describe, expect, it } from "vitest";
import type { RDD } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

type P = [number, string];

/** A side whose size is unknown up front (behind a map), counting every row it computes per partition. */
function counted(rdd: RDD<P>, calls: Map<number, number>): RDD<P> {
  return rdd.mapPartitionsWithIndex((i, rows) => {
    calls.set(i, (calls.get(i) ?? 0) + 1);
    return rows.map((r) => r);
  });
}

const big = (n: number, tag: string): P[] => Array.from({ length: n }, (_, i) => [i % 300, `${tag}${i}-${"x".repeat(20)}`]);

describe('"auto" computes each source partition once', () => {
  it.each([
    ["big-big (falls back to a shuffle)", 2000, 2000, "shuffle"],
    ["big-small (broadcasts the small side)", 2000, 30, "broadcast-right"],
    ["small-big (broadcasts the small side)", 30, 2000, "broadcast-left"],
  ] as const)("%s", async (_, leftRows, rightRows, strategy) => {
    const ctx = testContext({ broadcastThreshold: 4096 });
    const left = big(leftRows, "l");
    const right = big(rightRows, "r");
    const leftCalls = new Map<number, number>();
    const rightCalls = new Map<number, number>();
    const l = counted(ctx.parallelize(left, 6), leftCalls);
    const r = counted(ctx.parallelize(right, 5), rightCalls);
    const out = await l.join(r, { strategy: "auto" }).mapValues(([a, b]) => a.length + b.length).collect();
    expectSamePairs(out, ref.join(left, right, "inner").map(([k, [a, b]]) => [k, a!.length + b!.length]));
    expect(ctx.lastJob!.joins.map((j) => j.strategy)).toEqual([strategy]);
    expect([...leftCalls.values()]).toEqual(Array(6).fill(1));
    expect([...rightCalls.values()]).toEqual(Array(5).fill(1));
  });

  it("also when the join feeds another shuffle, and for outer joins", async () => {
    const ctx = testContext({ broadcastThreshold: 4096 });
    const left = big(1500, "l");
    const right = big(40, "r");
    for (const type of ["leftOuter", "rightOuter"] as const) {
      const leftCalls = new Map<number, number>();
      const rightCalls = new Map<number, number>();
      const l = counted(ctx.parallelize(left, 4), leftCalls);
      const r = counted(ctx.parallelize(right, 3), rightCalls);
      const joined: RDD<[number, unknown]> = type === "leftOuter" ? l.leftOuterJoin(r, { strategy: "auto" }) : l.rightOuterJoin(r, { strategy: "auto" });
      const counts = await joined.mapValues(() => 1).reduceByKey((a, b) => a + b).collect();
      expectSamePairs(counts, ref.countByKey(ref.join(left, right, type)));
      expect([...leftCalls.values()]).toEqual(Array(4).fill(1));
      expect([...rightCalls.values()]).toEqual(Array(3).fill(1));
    }
  });

  it("is not fooled by a tiny first partition", async () => {
    // Partition 0 holds one row, the other four hold 3000: a first-partition estimate would broadcast both sides.
    const ctx = testContext({ broadcastThreshold: 8192 });
    const skewed = (tag: string) => ctx.parallelize<P>([[1, tag]], 1).union(ctx.parallelize(big(3000, tag), 4)).map((r) => r);
    const out = await skewed("a").join(skewed("b"), { strategy: "auto" }).count();
    expect(out).toBe(ref.join([[1, "a"], ...big(3000, "a")], [[1, "b"], ...big(3000, "b")], "inner").length);
    expect(ctx.lastJob!.joins[0]!.strategy).toBe("shuffle");
    expect(ctx.lastJob!.joins[0]!.estimatedBytes).toBeGreaterThan(8192);
  });
});
