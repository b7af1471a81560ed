/**
 * The analysis prunes only what it can prove unread in a closed world (issue 10): values reachable from
 * other modules, code shared by several callers, widened types, observations that are not field reads,
 * and partition-dependent results all keep their values (or their plans) as written.
 * Each case names what must survive in the rewritten source, or the reason the report must give.
 */
import { describe, expect, test } from "vitest";
import { analyzeSources } from "./harness.js";

const HEAD = `import { Context, HashPartitioner, type RDD } from "rddopt";
declare const ctx: Context;
declare function tick(): number;
type T = [number, string, number, boolean];
const a = ctx.parallelize<[number, T]>([]);
const b = ctx.parallelize<[number, T]>([]);
const raw = ctx.parallelize<[number, [T, T]]>([]);
`;

interface Case {
  body: string;
  /** Text the rewritten file must still contain (code that must not be renumbered). */
  keeps?: string[];
  /** A skipped prune of the left/only input must give a reason matching this. */
  skipped?: RegExp;
  /** Text the rewritten file must not contain. */
  lacks?: string[];
}

const CASES: Record<string, Case> = {
  exportSpecifier: { body: `const joined = a.join(b);\nexport { joined as j };\nexport const x = joined.mapValues(([l]) => l[2]);`, skipped: /exported/ },
  exportDefault: { body: `const joined = a.join(b);\nexport default joined;\nexport const x = joined.mapValues(([l]) => l[2]);`, skipped: /exported/ },
  exportedCallback: {
    body: `export function pick(p: [T, T]): number { return p[0][2]; }\nexport const out = a.join(b).mapValues(pick);`,
    keeps: ["return p[0][2];"],
  },
  exportedCallbackBySpecifier: {
    body: `function pick(p: [T, T]): number { return p[0][2]; }\nexport { pick };\nexport const out = a.join(b).mapValues(pick);`,
    keeps: ["return p[0][2];"],
  },
  helperCalledTwice: {
    body: `function third(r: RDD<[number, [T, T]]>) { return r.mapValues(([l]) => l[2]); }\nexport const x = third(a.join(b));\nexport const y = third(raw);`,
    keeps: ["([l]) => l[2]"],
  },
  passThroughHelper: {
    body: `const id = (r: RDD<[number, [T, T]]>) => r;\nexport const x = id(a.join(b)).mapValues(([l]) => l[2]);\nexport const y = id(raw).mapValues(([l]) => l[2]);`,
    keeps: ["id(raw).mapValues(([l]) => l[2])"],
  },
  helperWithDefault: {
    body: `function third(r: RDD<[number, [T, T]]> = raw) { return r.mapValues(([l]) => l[2]); }\nexport const x = third(a.join(b));\nexport const y = third();`,
    keeps: ["([l]) => l[2]"],
  },
  widenedParameter: {
    body: `function size(t: readonly unknown[]): number { return t.length; }\nexport const out = a.join(b).mapValues(([l, r]) => size(l) + r[0]);`,
    skipped: /declared with another type/,
  },
  widenedCallback: {
    body: `const size = (t: readonly [T, T] | readonly unknown[]): number => t.length;\nexport const out = a.join(b).mapValues(size);`,
    skipped: /declared with another type/,
  },
  castCallback: {
    body: `export const out = a.join(b).mapValues(((p) => p[0].length + p[1][0]) as (p: [readonly unknown[], T]) => number);`,
    skipped: /declared with another type/,
  },
  castToArray: { body: `export const out = a.join(b).mapValues(([l, r]) => (l as unknown[]).length + r[0]);`, skipped: /type assertion/ },
  annotatedVariable: {
    body: `export const out = a.join(b).mapValues(([l, r]) => { const all: readonly unknown[] = l; return all.length + r[0]; });`,
    skipped: /declared with another type/,
  },
  reduceWholeArray: {
    body: `export const out = a.groupByKey().mapValues((g) => g.reduce((acc, e, i, all) => acc + all.length + e[0], 0));`,
    skipped: /whole array/,
  },
  getterThis: {
    body: `export const out = a.join(b).mapValues(([l, r]) => ({ l, get third() { return this.l[2]; } }).third + r[0]);`,
    skipped: /methods or accessors/,
  },
  methodThis: {
    body: `export const out = a.join(b).mapValues(([l, r]) => ({ l, third() { return this.l[2]; } }).third() + r[0]);`,
    skipped: /methods or accessors/,
  },
  evalInFile: { body: `export const out = a.join(b).mapValues(([l, r]) => eval("l[2]") + r[0]);`, skipped: /eval/ },
  takeAfterJoin: { body: `export const first = a.join(b).mapValues(([l]) => l[0]).take(2);`, lacks: ['strategy: "auto"'] },
  sampleAfterJoin: { body: `export const some = a.join(b).mapValues(([l]) => l[0]).sample(false, 0.5, 1).count();`, lacks: ['strategy: "auto"'] },
  glomAfterJoin: { body: `export const parts = a.join(b).glom().count();`, lacks: ['strategy: "auto"'] },
  explicitAutoBeforeTake: {
    body: `export const first = a.join(b, { strategy: "auto" }).mapValues(([l]) => l[0]).take(2);`,
    skipped: /decides to broadcast/,
  },
};

const sources: Record<string, string> = {};
for (const [name, c] of Object.entries(CASES)) sources[name] = HEAD + c.body + "\n";
const results = analyzeSources(sources, { broadcast: true });

describe.each(Object.entries(CASES))("%s", (name, c) => {
  const result = () => results.get(name)!;
  if (c.keeps) {
    test("leaves shared or reachable code as written", () => {
      for (const text of c.keeps!) expect(result().after).toContain(text);
    });
  }
  if (c.lacks) {
    test("does not rewrite what changes partition-dependent results", () => {
      for (const text of c.lacks!) expect(result().after).not.toContain(text);
    });
  }
  if (c.skipped) {
    test("skips the prune and says why", () => {
      const prunes = result().optimizations.filter((o) => o.kind === "prune" && (o.input === undefined || o.input === "left" || o.input === "input"));
      expect(prunes.length).toBeGreaterThan(0);
      expect(prunes.every((o) => o.status === "skipped")).toBe(true);
      expect(prunes.map((o) => o.reason).join(" | ")).toMatch(c.skipped!);
    });
  }
});

describe("what observations keep", () => {
  const keep = analyzeSources(
    {
      flatMapTuple: `${HEAD}type D = { tags: [string, string, string]; n: number };
const d = ctx.parallelize<[number, D]>([]);
export const rows = d.partitionBy(new HashPartitioner(2)).flatMapValues((v) => v.tags).count();`,
      groupIndexPattern: `${HEAD}export const out = a.groupByKey().mapValues((g) => { const { 0: first, length } = g; return first[2] + length; });`,
      defaultWithEffect: `${HEAD}export const out = a.join(b).mapValues(([l, r]) => { const [x, y = tick()] = l; return x + r[0]; });`,
      pairValues: `${HEAD}const p = ctx.parallelize<[number, [number, T]]>([]);
export const keys = p.partitionBy(new HashPartitioner(2)).values().keys().collect();`,
      gettersNotDropped: `${HEAD}interface O { a: number; b: number; c: string }
const o = ctx.parallelize<[number, O]>([]);
export const out = o.map(([k, v]): [number, O] => [k, { a: v.a, b: v.b, c: v.c }]).groupByKey().mapValues((vs) => vs.map((v) => v.a));`,
    },
    { broadcast: false },
  );
  test("a tuple iterated by flatMapValues keeps every element", () => {
    const after = keep.get("flatMapTuple")!.after;
    expect(after).toContain("projectValues({ tags: true })");
  });
  test("`{ 0: first }` of a group reads the elements' parts", () => {
    const after = keep.get("groupIndexPattern")!.after;
    expect(after).toMatch(/first\[2\]|projectValues\(\[0, 1, 2\]\)|a\.groupByKey\(\)/);
    expect(after).not.toContain("projectValues([])");
  });
  test("an unread binding with a default keeps its element (the default must not start running)", () => {
    const after = keep.get("defaultWithEffect")!.after;
    expect(after).toMatch(/projectValues\(\[0, 1\]\)|a\.join\(b/);
  });
  test("a value that is itself a pair stays a pair when only keys are read", () => {
    const after = keep.get("pairValues")!.after;
    expect(after).not.toMatch(/projectValues\(\[0\]\)/);
  });
  test("property reads are not dropped from a fused literal (a getter may count)", () => {
    const after = keep.get("gettersNotDropped")!.after;
    expect(after).toContain("{ a: v.a, b: v.b, c: v.c }");
    expect(after).toContain("projectValues({ a: true })");
  });
});

describe("other files of the Program are read through, never rewritten", () => {
  const LIB = `import type { RDD } from "rddopt";
export interface Visit { page: string; ms: number; agent: string; referrer: string }
export type Row = [number, string, number, boolean];
export function describeVisit(v: Visit): string { return v.page + ":" + v.agent.length; }
export function slow(r: RDD<[number, Visit]>): RDD<[number, Visit]> { return r.filter(([, v]) => v.ms > 100); }
export const third = (row: Row): number => row[2];
`;
  const MAIN = `import { Context } from "rddopt";
import { describeVisit, slow, third, type Visit, type Row } from "./lib.js";
declare const ctx: Context;
const visits = ctx.parallelize<[number, Visit]>([]);
const users = ctx.parallelize<[number, { name: string; bio: string }]>([]);
const rows = ctx.parallelize<[number, Row]>([]);
export const described = await visits.join(users).mapValues(([v, u]) => describeVisit(v) + u.name).collect();
export const slowOnes = await slow(visits.groupByKey().flatMapValues((vs) => vs)).mapValues((v) => v.page).collect();
export const thirds = await rows.groupByKey().mapValues((rs) => rs.map(third)).collect();
`;
  const crossFile = analyzeSources({ lib: LIB, main: MAIN }, { broadcast: false });
  const main = () => crossFile.get("main")!;

  test("a callback in another file: its reads are the demand", () => {
    expect(main().after).toContain("visits.projectValues({ page: true, agent: true }).join(users.projectValues({ name: true }))");
  });
  test("an RDD helper in another file: what it reads and what this call reads of its result", () => {
    expect(main().after).toContain("visits.projectValues({ page: true, ms: true }).groupByKey()");
  });
  test("tuples read in another file keep their positions (that file is never rewritten)", () => {
    expect(main().after).toContain("rows.projectValues([0, 1, 2]).groupByKey()");
    expect(crossFile.get("lib")!.changed).toBe(false);
  });
  test("incremental and watch builds do not read other files (their plans would go stale)", () => {
    const incremental = analyzeSources({ lib: LIB, main: MAIN }, { broadcast: false }, { incremental: true });
    expect(incremental.get("main")!.after).not.toContain("visits.projectValues({ page: true, agent: true })");
    const watch = analyzeSources({ lib: LIB, main: MAIN }, { broadcast: false }, { watch: true });
    expect(watch.get("main")!.after).not.toContain("visits.projectValues({ page: true, agent: true })");
    const off = analyzeSources({ lib: LIB, main: MAIN }, { broadcast: false, crossFile: false });
    expect(off.get("main")!.after).not.toContain("projectValues({ page: true, agent: true })");
  });
});
