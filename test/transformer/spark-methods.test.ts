/**
 * Pipelines through the Spark methods of issue 13: each is pruned where the operator table allows it and
 * left whole where a method observes whole rows, partition-sensitive methods keep their joins' strategy as
 * written, and the rewritten program computes what the original does (both are run on the runtime).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { analyzeSources, ROOT } from "./harness.js";
import { canon, canonPair } from "../helpers/multiset.js";

const HEAD = `import { Context } from "rddopt";
declare const checkpointDir: string;
export const ctx = new Context({ progress: false, defaultParallelism: 3 });
type T = [number, string, number, boolean];
const rows = (n: number): [number, T][] => Array.from({ length: n }, (_, i) => [i % 5, [i, "s" + (i % 4), i * 2, i % 2 === 0]]);
const a = ctx.parallelize<[number, T]>(rows(40), 4);
const b = ctx.parallelize<[number, T]>(rows(12), 2);
`;

interface Case {
  body: string;
  /** Reasons every prune of the join (or shuffle) must have, in order: "applied" or a skip reason pattern. */
  prunes: (RegExp | "applied")[];
  /** A skipped broadcast's reason (partition-sensitive methods), or "applied". */
  broadcast?: RegExp | "applied";
  /** The result is collected [key, group] pairs: the order inside a group is not a result (a broadcast changes it). */
  groups?: true;
}

const CASES: Record<string, Case> = {
  sum: { body: `export const result = a.join(b).map(([, [l, r]]) => l[0] + r[2]).sum();`, prunes: ["applied", "applied"], broadcast: "applied" },
  stats: {
    body: `export const result = a.join(b).mapValues(([l, r]) => l[2] - r[0]).values().stats().then((s) => [s.count, s.mean, s.stdev, s.max, s.min].map((x) => Number(x.toPrecision(12))));`,
    // a broadcast may reorder rows, so merged floating-point statistics may differ in the last bits (the README's contract)
    prunes: ["applied", "applied"],
  },
  accumulatorReadsAField: {
    body: `const acc = ctx.accumulator(0);\nexport const result = a.join(b).mapValues(([l, r]) => { acc.add(l[2]); return l[0] + r[0]; }).values().sum().then((s) => [s, acc.value]);`,
    prunes: ["applied", "applied"],
  },
  accumulatorTakesTheWholeValue: {
    body: `const seen = ctx.collectionAccumulator<T>();\nexport const result = a.join(b).mapValues(([l, r]) => { seen.add(l); return r[0]; }).values().sum().then((s) => [s, seen.value.map((t) => t.join("|")).sort()]);`,
    prunes: [/left value is observed whole: passed to `seen\.add`/, "applied"],
  },
  groupBy: {
    body: `export const result = a.join(b).groupBy(([, [l]]) => l[1]).mapValues((g) => g.map(([, [l, r]]) => l[0] + (r[3] ? 1 : 0)).sort((x, y) => x - y)).collect();`,
    prunes: ["applied", "applied"],
  },
  groupByCountsOnly: {
    body: `export const result = a.join(b).groupBy(([k, [l]]) => [k, l[3]]).mapValues((g) => g.length).collect();`,
    prunes: ["applied", "applied"],
  },
  groupByGroupsCollected: {
    body: `export const result = a.join(b).groupBy(([k]) => k % 2).collect();`,
    prunes: [/collect/, /collect/],
    groups: true,
  },
  groupByGroupArrayEscapes: {
    body: `export const result = a.join(b).groupBy(([k]) => k).mapValues((g) => JSON.stringify(g)).collect();`,
    prunes: [/JSON\.stringify/, /JSON\.stringify/],
  },
  groupByKeyFunctionSeesWholeRows: {
    body: `export const result = a.join(b).groupBy((row) => JSON.stringify(row).length % 3).mapValues((g) => g.length).collect();`,
    prunes: [/JSON\.stringify/, /JSON\.stringify/],
  },
  groupByGroupsFlattenedAgain: {
    // the groups' rows flow on into a combiner that is not field-wise: kept whole (safe), the results still equal
    body: `export const result = a.join(b).groupBy(([k, [l]]) => l[1]).flatMap(([, g]) => g).reduceByKey((x, y): [T, T] => [x[0], y[1]]).mapValues(([l, r]) => l[2] + r[0]).collect();`,
    prunes: [/combined by reduceByKey/, /combined by reduceByKey/, /combined by reduceByKey/],
  },
  cartesianWithItself: {
    body: `const j = a.join(b);
export const result = j.cartesian(j).map(([[k, [l]], [k2, [, r]]]) => [k, k2, l[0], r[3]]).collect();`,
    prunes: ["applied", "applied"],
  },
  cartesianKeysOnly: {
    // keys() observes the left rows as keys (never pruned): the join keeps its values; the right side is unread
    body: `export const result = a.join(b).cartesian(b.groupByKey()).keys().map(([k, [l, r]]) => k + l[0] + r[2]).collect();`,
    prunes: [/keys are never pruned/, /keys are never pruned/, "applied"],
  },
  zipWithIndex: {
    body: `export const result = a.join(b).mapValues(([l, r]) => l[0] + r[0]).zipWithIndex().map(([, i]) => i).sum();`,
    prunes: ["applied", "applied"],
    broadcast: /its rows reach `zipWithIndex`, whose result depends on partitioning/,
  },
  top: {
    body: `export const result = a.join(b).map(([k, [l, r]]): [number, number] => [l[0], r[2]]).top(3);`,
    prunes: ["applied", "applied"],
    broadcast: /its rows reach `top`/,
  },
  subtractWholeRows: {
    body: `const j = a.join(b);\nexport const result = j.subtract(j.filter(([k]) => k > 2)).map(([k, [l, r]]) => l[0] + r[0]).collect();`,
    prunes: [/`subtract` observes whole rows/, /`subtract` observes whole rows/],
  },
  intersectionAfterMap: {
    body: `export const result = a.join(b).map(([, [l]]) => l[1]).intersection(b.map(([, t]) => t[1])).collect();`,
    prunes: ["applied", "applied"],
  },
  cartesian: {
    body: `export const result = a.reduceByKey((x, y): T => [x[0] + y[0], x[1], x[2], x[3]]).cartesian(b.keys()).map(([[k, v], j]) => k * 100 + j + v[0]).collect();`,
    prunes: ["applied"],
  },
  cartesianBothSides: {
    body: `export const result = a.join(b).cartesian(b.groupByKey()).map(([[k, [l]], [j, g]]) => [k, l[2], j, g.length, g[0]![1]]).collect();`,
    prunes: ["applied", "applied", "applied"],
  },
  cartesianCollected: {
    body: `export const result = a.join(b).cartesian(b).collect();`,
    prunes: [/collect/, /collect/],
  },
  foreachPartition: {
    body: `const sizes = ctx.collectionAccumulator<number>();\nexport const result = a.join(b).mapValues(([l]) => l[0]).foreachPartition((part) => sizes.add(part.length)).then(() => sizes.value.reduce((x, y) => x + y, 0));`,
    prunes: ["applied", "applied"],
    broadcast: /its rows reach `foreachPartition`/,
  },
  checkpoint: {
    body: `ctx.setCheckpointDir(checkpointDir);\nconst grouped = a.groupByKey().mapValues((g) => g.map((t) => t[0]).sort((x, y) => x - y)).checkpoint();\nexport const result = grouped.count().then(async (n) => [n, grouped.isCheckpointed(), await grouped.collect()]);`,
    prunes: ["applied"],
  },
};

/**
 * Generated pipelines through groupBy and cartesian (the methods with exact rules), seeded: random key
 * functions and random reads of the groups and pairs. Only the results are checked (the same in both
 * builds), whatever the plan decided. SPARK_GENERATED=n runs more of them.
 */
function generatedPrograms(count: number, seed: number): Record<string, string> {
  let state = seed >>> 0;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  const pick = <X>(items: readonly X[]): X => items[Math.floor(next() * items.length)]!;
  const num = (t: string) => pick([`${t}[0]`, `${t}[2]`, `(${t}[3] ? 1 : 0)`, `${t}[1].length`]);
  const programs: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const input = pick(["a.join(b)", "a.join(b.filter(([k]) => k !== 3))", "a.leftOuterJoin(b).mapValues(([l, r]): [T, T] => [l, r ?? l])"]);
    const body = pick([
      () => {
        const key = pick(["k % 2", "l[1]", "[k, r[3]]", `${num("l")} % 3`, `${num("r")} + ${num("l")}`]);
        const agg = pick([
          "g.length",
          `g.map(([, [l, r]]) => ${num("l")} + ${num("r")}).reduce((x, y) => x + y, 0)`,
          "g.filter(([, [l]]) => l[3]).length",
          `g.reduce((m, [, [, r]]) => Math.max(m, ${num("r")}), -1)`,
        ]);
        return `${input}.groupBy(([k, [l, r]]) => ${key}).mapValues((g) => ${agg}).collect()`;
      },
      () => {
        const [right, reads] = pick([
          ["b.groupByKey()", `j, g.length, ${num("g[0]!")}`],
          ["b", `j, ${num("t")}`],
          ["a.join(b).mapValues(([x]) => x)", `j, ${num("t")}`],
        ] as const);
        const names = right === "b.groupByKey()" ? "[j, g]" : "[j, t]";
        return `${input}.cartesian(${right}).map(([[k, [l, r]], ${names}]) => [k, ${num("l")}, ${num("r")}, ${reads}]).collect()`;
      },
      () => `${input}.groupBy(([k]) => k % 3).flatMap(([, g]) => g).mapValues(([l, r]) => ${num("l")} * 10 + ${num("r")}).reduceByKey((x, y) => x + y).collect()`,
    ])();
    programs[`spark_generated_${i}`] = `${HEAD}export const result = ${body};`;
  }
  return programs;
}
const GENERATED = generatedPrograms(Number(process.env.SPARK_GENERATED ?? 12), 20261201);

const sources = { ...Object.fromEntries(Object.entries(CASES).map(([name, c]) => [`spark_${name}`, HEAD + c.body])), ...GENERATED };
const results = analyzeSources(sources, { broadcast: true });
// inside the project (the programs import the runtime's sources through vite), in an ignored directory
fs.mkdirSync(path.join(ROOT, "test", "transformer", ".cache"), { recursive: true });
const runDir = fs.mkdtempSync(path.join(ROOT, "test", "transformer", ".cache", "spark-run-"));
(globalThis as { checkpointDir?: string }).checkpointDir = fs.mkdtempSync(path.join(runDir, "checkpoints-"));
afterAll(() => fs.rmSync(runDir, { recursive: true, force: true }));

/** Runs a program's text on the runtime's sources; returns its `result`, stopping its context. */
async function run(name: string, text: string): Promise<unknown> {
  const file = path.join(runDir, `${name}.ts`);
  fs.writeFileSync(file, text.replace(`from "rddopt"`, `from ${JSON.stringify(path.join(ROOT, "runtime", "index.ts"))}`));
  const program = (await import(/* @vite-ignore */ file)) as { result: Promise<unknown>; ctx: { stop(): Promise<void> } };
  try {
    return await program.result;
  } finally {
    await program.ctx.stop();
  }
}

/** Results compare as multisets where they are collected rows (collect's order is not a result). */
const canonResult = (value: unknown, groups = false) =>
  Array.isArray(value) ? value.map((v) => (groups ? canonPair(v, { unorderedValue: true }) : canon(v))).sort() : canon(value);

describe.each(Object.entries(CASES))("pipeline through %s", (name, c) => {
  const result = results.get(`spark_${name}`)!;

  test("is pruned where sound, kept whole where a method observes whole rows", () => {
    const prunes = result.optimizations.filter((o) => o.kind === "prune");
    const seen = prunes.map((o) => (o.status === "applied" ? "applied" : o.reason));
    expect(seen).toEqual(
      c.prunes.map((p) => (p === "applied" ? "applied" : expect.stringMatching(p))),
    );
    if (c.broadcast) {
      const broadcast = result.optimizations.find((o) => o.kind === "broadcast")!;
      if (c.broadcast === "applied") expect(broadcast.status).toBe("applied");
      else expect([broadcast.status, broadcast.reason]).toEqual(["skipped", expect.stringMatching(c.broadcast)]);
    }
  });

  test("computes what the original computes", async () => {
    const before = await run(`${name}-before`, result.before);
    const after = await run(`${name}-after`, result.after);
    expect(canonResult(after, c.groups)).toEqual(canonResult(before, c.groups));
  });
});

describe.each(Object.keys(GENERATED))("generated %s", (name) => {
  test("computes what the original computes", async () => {
    const result = results.get(name)!;
    const before = await run(`${name}-before`, result.before);
    const after = await run(`${name}-after`, result.after);
    expect(canonResult(after)).toEqual(canonResult(before));
  });
});
