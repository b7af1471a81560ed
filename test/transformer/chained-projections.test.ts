/**
 * Values pruned before one shuffle and again before a later one, run for real: each program is compiled
 * without the plugin, with prune only and with everything (test/fuzz's harness) and must give the same rows.
 * Covers downstream reads of composed shapes (also after `?.`, in combineByKey and groupByKey), position-keeping
 * projections over values compacted upstream (`undefined` holes) and fallbacks that leave an input unpruned.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Harness } from "../fuzz/lib/harness.js";
import { ROOT } from "./harness.js";

const program = (body: string, outputs: string): string => `export const FUZZ_SEED = 3;
import { Context } from "rddopt";
export async function main(seed: number): Promise<unknown[][]> {
  const ctx = new Context({ progress: false, defaultParallelism: 2 });
  try {
${body}
    return [${outputs}];
  } finally {
    await ctx.stop();
  }
}
`;

const PROGRAMS: Record<string, string> = {
  nestedOptionalIndex: program(
    `    const s0 = ctx.parallelize<[number, [number, [string, boolean], [number]]]>([[1, [seed, ["x", true], [2]]], [2, [3, ["y", false], [4]]], [4, [5, ["z", true], [6]]]]);
    const other = ctx.parallelize<[number, boolean]>([[2, false]]);
    const out = s0.leftOuterJoin(s0).subtractByKey(other)
      .filter((v) => v[1][1]?.[1]?.[1] !== undefined)
      .mapValues((rec) => [rec[1]?.[1]])
      .distinct();`,
    "await out.collect()",
  ),
  combineAfterOuterJoins: program(
    `    const a = ctx.parallelize<[string, string]>([["k1", "a"], ["k2", "b"]]);
    const b = ctx.parallelize<[string, { total: boolean; price: number; age: number }]>([["k1", { total: true, price: 2, age: 30 }], ["k3", { total: false, price: 5, age: 40 }]]);
    const out = a.fullOuterJoin(b).rightOuterJoin(b)
      .combineByKey((v): [number] => [v[0]?.[1]?.age ?? 0], (acc: [number], v): [number] => [acc[0] + (v[0]?.[1]?.age ?? 0)], (x, y): [number] => [x[0] + y[0]]);`,
    "await out.collect()",
  ),
  groupedObjects: program(
    `    const a = ctx.parallelize<[string, number]>([["k1", seed], ["k2", 4]]);
    const out = a.flatMapValues((n) => [{ f0: [n + 1, n] as [number, number], f1: { g: n * 2 } }])
      .fullOuterJoin(a)
      .groupByKey()
      .mapValues((vs) => vs.reduce((s, x) => s + (x[0]?.f0?.[1] ?? 0), 0));`,
    "await out.collect()",
  ),
  positionsKeptOverCompacted: program(
    `    type L = [[number, number], { f0: [number, number] }, [number]];
    const source = ctx.parallelize<[string, L]>([["k1", [[1, 2], { f0: [3, 4] }, [5]]], ["k2", [[6, 7], { f0: [8, 9] }, [seed]]]]);
    const flags = ctx.parallelize<[string, boolean]>([["k1", true]]);
    const probe = (row: { whole: [L | undefined, boolean | undefined] }): boolean => row.whole[0]?.[1]?.f0 === undefined;
    const out = source.leftOuterJoin(flags).fullOuterJoin(flags)
      .map(function (v): [string, { whole: [L | undefined, boolean | undefined] }] {
        return [v[0], { whole: [v[1][0]?.[0], v[1][0]?.[1]] }];
      })
      .mapValues((x) => probe(x));`,
    "await out.collect()",
  ),
  fallbackThroughUnion: program(
    `    const a = ctx.parallelize<[number, [number, number, number]]>([[1, [1, 2, seed]], [2, [4, 5, 6]]]);
    const b = ctx.parallelize<[number, [string, string]]>([[1, ["x", "y"]], [2, ["z", "w"]]]);
    const c = ctx.parallelize<[number, [boolean, number]]>([[1, [true, 10]], [2, [false, 20]]]);
    const joined = a.join(b).join(c);
    const out = joined.union(joined).mapValues((v) => v[0][0][2] + v[1][1]);`,
    "await out.collect()",
  ),
};

describe("chained projections at run time", () => {
  it("every program gives the same rows with and without the plugin", async () => {
    const harness = new Harness({ root: ROOT, workDir: path.join(ROOT, "test", "transformer", ".cache", "chained-projections"), transformerFrom: "source" });
    const names = Object.keys(PROGRAMS);
    const { results } = await harness.runSources(names.map((name) => ({ source: PROGRAMS[name], ops: [], case: { choices: [], seed: 3 } })));
    const failures = results.flatMap((r, i) => (r.status === "ok" ? [] : [`${names[i]}: ${r.status}: ${r.detail}`]));
    expect(failures).toEqual([]);
    // each program is really pruned (the transformer of a87d29b got every one of them wrong)
    expect(names.filter((_, i) => !results[i].changedBy.includes("prune"))).toEqual([]);
  }, 120_000);
});
