/**
 * Soundness: wherever a value can be observed whole, nothing is pruned, and the report says why.
 * Every case joins two RDDs of 4-tuples (or records) and reads only part of the value besides the escape,
 * so a pruning would otherwise happen (the "control" case shows it does).
 */
import { describe, expect, test } from "vitest";
import { analyzeSources } from "./harness.js";

const HEAD = `import { Context, type RDD } from "rddopt";
declare const ctx: Context;
declare function log(x: unknown): number;
declare const i: number;
declare const seen: unknown[];
declare function register(f: () => unknown): void;
type T = [number, string, number, boolean];
const a = ctx.parallelize<[number, T]>([]);
const b = ctx.parallelize<[number, T]>([]);
`;

/** name -> [body after HEAD, pattern the skip reason must match] */
const ESCAPES: Record<string, [string, RegExp]> = {
  unknownFunction: [`export const out = a.join(b).mapValues(([l, r]) => log(l) + r[0]);`, /passed to `log`/],
  spread: [`export const out = a.join(b).mapValues(([l, r]) => [...l].length + r[0]);`, /spread/],
  jsonStringify: [`export const out = a.join(b).mapValues(([l, r]) => JSON.stringify(l) + r[0]);`, /JSON\.stringify/],
  objectKeys: [`export const out = a.join(b).mapValues(([l, r]) => Object.keys(l).length + r[0]);`, /Object\.keys/],
  objectEntries: [`export const out = a.join(b).mapValues(([l, r]) => Object.entries(l).length + r[0]);`, /Object\.entries/],
  objectValues: [`export const out = a.join(b).mapValues(([l, r]) => Object.values(l).length + r[0]);`, /Object\.values/],
  forIn: [`export const out = a.join(b).mapValues(([l, r]) => { let n = r[0]; for (const k in l) n += k.length; return n; });`, /for\.\.\.in/],
  forOfTuple: [`export const out = a.join(b).mapValues(([l, r]) => { let n = r[0]; for (const x of l) n += String(x).length; return n; });`, /for\.\.\.of/],
  dynamicIndex: [`export const out = a.join(b).mapValues(([l, r]) => String(l[i]) + r[0]);`, /dynamic index/],
  inOperator: [`export const out = a.join(b).mapValues(([l, r]) => ("2" in l ? 1 : 0) + r[0]);`, /`in`/],
  instanceOf: [`export const out = a.join(b).mapValues(([l, r]) => (l instanceof Array ? 1 : 0) + r[0]);`, /instanceof/],
  templateLiteral: [`export const out = a.join(b).mapValues(([l, r]) => \`\${l}\` + r[0]);`, /TemplateSpan/],
  tupleLength: [`export const out = a.join(b).mapValues(([l, r]) => l.length + r[0]);`, /nothing can be removed/],
  compared: [`export const out = a.join(b).mapValues(([l, r]) => (l === (r as unknown) ? 1 : 0) + r[0]);`, /compared/],
  storedOutside: [`export const out = a.join(b).mapValues(([l, r]) => { seen.push(l); return r[0]; });`, /seen\.push/],
  assignedOutside: [`let last: T | undefined;\nexport const out = a.join(b).mapValues(([l, r]) => { last = l; return r[0]; });`, /assignment/],
  mutated: [`export const out = a.join(b).mapValues(([l, r]) => { l[0] = 1; return r[0]; });`, /written/],
  capturedByUnknownClosure: [`export const out = a.join(b).mapValues(([l, r]) => { register(() => l); return r[0]; });`, /returned from a function/],
  returnedFromLambdaToCollect: [`export const out = await a.join(b).mapValues(([l, r]) => l).collect();`, /collect/],
  notAnalysedFunction: [`const helpers = { f: (p: [T, T]) => p[0][0] };\nexport const out = a.join(b).mapValues(helpers.f);`, /not analysed/],
  argumentsObject: [`export const out = a.join(b).mapValues(function (p) { return arguments.length + p[0][0]; });`, /arguments/],
  exportedRdd: [`export const joined = a.join(b);\nexport const out = joined.mapValues(([l]) => l[0]);`, /exported/],
  passedToUnknownFunction: [`declare function consume(r: RDD<[number, [T, T]]>): void;\nconsume(a.join(b));`, /passed to `consume`/],
  mapPartitions: [`export const out = a.join(b).mapPartitions((rows) => rows.map(([k]) => k));`, /mapPartitions/],
  glom: [`export const out = a.join(b).glom();`, /glom/],
  cachedThenCollected: [`const j = a.join(b).cache();\nexport const x = j.mapValues(([l]) => l[0]);\nexport const y = await j.collect();`, /collect/],
  distinct: [`export const out = a.distinct().mapValues((v) => v[0]);`, /distinct/],
  reduceByKey: [`export const out = a.reduceByKey((x, y) => x).mapValues((v) => v[0]);`, /reduceByKey/],
  thisParameter: [`export const out = a.join(b).mapValues(function (this: unknown, p: [T, T]) { return p[0][0]; });`, /this/],
  reassigned: [`export const out = a.join(b).mapValues(([l, r]) => { let x = l; x = r; return x[0]; });`, /let/],
};
const ACTIONS = ["take(1)", "first()", "saveAsTextFile('x')", "foreach(() => {})", "reduce((x) => x)", "fold(a.first as never, (x) => x)", "aggregate(0, (n) => n, (x, y) => x + y)", "countByValue()", "lookup(1)", "collectAsMap()"];
for (const action of ACTIONS) {
  const name = `action_${action.replace(/\W.*/, "")}`;
  ESCAPES[name] = [`export const out = a.join(b).${action};`, new RegExp(action.replace(/\W.*/, ""))];
}

/** Types whose values are never pruned, read partially after a join. */
const UNPRUNABLE_TYPES: Record<string, [string, string]> = {
  anyValue: [`any`, `v.x`],
  unknownValue: [`unknown`, `(v as { x: number }).x`],
  classInstance: [`Point`, `v.x`],
  getter: [`WithGetter`, `v.x`],
  optionalElements: [`[number, string?, number?]`, `v[0]`],
  restElements: [`[number, ...string[]]`, `v[0]`],
  unionValue: [`{ x: number; y: number } | { x: number; z: string }`, `v.x`],
  mapValue: [`Map<string, number>`, `v.size`],
};
const TYPE_HEAD = `import { Context } from "rddopt";
declare const ctx: Context;
class Point { constructor(readonly x: number, readonly y: number, readonly z: number) {} }
interface WithGetter { readonly x: number; readonly y: number; get total(): number }
`;

const sources: Record<string, string> = { control: HEAD + `export const out = a.join(b).mapValues(([l, r]) => l[0] + r[2]);` };
for (const [name, [body]] of Object.entries(ESCAPES)) sources[name] = HEAD + body;
for (const [name, [type, read]] of Object.entries(UNPRUNABLE_TYPES)) {
  sources[name] = `${TYPE_HEAD}const a = ctx.parallelize<[number, ${type}]>([]);\nexport const out = a.groupByKey().mapValues((vs) => vs.map((v) => ${read}));`;
}
const results = analyzeSources(sources, { broadcast: false, capture: false });

test("control: the same pipeline without an escape is pruned", () => {
  const result = results.get("control")!;
  expect(result.changed).toBe(true);
  expect(result.optimizations.filter((o) => o.status === "applied")).toHaveLength(2);
});

describe.each(Object.entries(ESCAPES))("escape %s", (name, [, reason]) => {
  test("keeps the observed value whole and says why", () => {
    const result = results.get(name)!;
    const prunes = result.optimizations.filter((o) => o.kind === "prune");
    const left = prunes.filter((o) => o.input === "left" || o.input === "input");
    expect(left.length).toBeGreaterThan(0);
    for (const decision of left) expect(decision.status).toBe("skipped");
    expect(left.map((o) => o.reason).join(" | ")).toMatch(reason);
    expect(result.after).not.toMatch(/projectValues\(\[0\]\)\s*\.join/);
  });
});

describe.each(Object.entries(UNPRUNABLE_TYPES))("value type %s", (name) => {
  test("is never pruned", () => {
    const result = results.get(name)!;
    expect(result.changed).toBe(false);
    expect(result.optimizations.filter((o) => o.kind === "prune").every((o) => o.status === "skipped")).toBe(true);
  });
});

test("a file without type information gets one warning (90002) and no change", () => {
  const noTypes = analyzeSources({ transpileOnly: HEAD + `export const out = a.join(b).mapValues(([l]) => l[0]);` }, {}, { noResolve: true });
  const result = noTypes.get("transpileOnly")!;
  expect(result.changed).toBe(false);
  expect(result.warnings?.map((w) => w.code)).toEqual([90002]);
});

test("a file with a type error is left as written with a warning (90005), never silently", async () => {
  const ts = (await import("typescript")).default;
  const { programOf } = await import("./harness.js");
  const { analyzeProgram } = await import("../../transformer/index.js");
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-type-error-"));
  const file = path.join(dir, "broken.ts");
  fs.writeFileSync(file, HEAD + `export const out = a.join(b).mapValues(([l]) => l[0]);\nexport const oops: number = "not a number";\n`);
  try {
    const result = analyzeProgram(programOf([file]), {}, ts).find((r) => r.fileName === file)!;
    expect(result.changed).toBe(false);
    expect(result.warnings?.map((w) => w.code)).toEqual([90005]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
