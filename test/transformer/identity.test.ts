/**
 * `inPlace: true` (analyse/identity.ts): written beside the `strategy: "auto"` the plugin adds only where the
 * join's consumers cannot tell the streamed values from the copies a shuffle would deliver. Each case is one
 * file; the broadcast decision's reason must match, and the rewritten join carries `inPlace: true` exactly when
 * the reason says "in place". Every case runs under the four tsconfig variants the e2e suites use.
 */
import { describe, expect, test } from "vitest";
import type ts from "typescript";
import { analyzeSources } from "./harness.js";
import type { FileResult } from "../../transformer/report/types.js";

const HEAD = `import { Context, type RDD } from "rddopt";
declare const ctx: Context;
const rows: [number, number[]][] = [[1, [1, 2]], [2, [3, 4]]];
const big = ctx.parallelize(rows);
const small = ctx.parallelize<[number, number[]]>([[1, [10, 20]], [2, [30, 40]]]);
const nums = ctx.parallelize<[number, number]>([[1, 1]]);
const words = ctx.parallelize<[number, string]>([[1, "a"]]);
interface Pair { a: number[]; b: number[] }
const pairs = ctx.parallelize<[number, Pair]>([]);
interface Total { readonly n: number; get total(): number }
const totals = ctx.parallelize<[number, Total]>([]);
`;

interface Case {
  body: string;
  /** The broadcast reason must match (an "in place: ..." reason means `inPlace: true` is written). */
  reason: RegExp;
  /** A different expectation under `strict: false`. */
  loose?: RegExp;
  /** Which of the file's joins is judged (default: the last). */
  join?: number;
  /** Compiles only under `strict: false` (implicit any). */
  looseOnly?: true;
}

const IN_PLACE = /in place: consumers only read/;
const SEVERAL_JOBS = /left as written \(shuffle\): its output is used 2 times: a later job would compute a broadcast's streamed side again/;

const CASES: Record<string, Case> = {
  // ------------------------------------------------------------ proven
  primitiveSides: { body: `export const out = await nums.join(words).collect();`, reason: /in place: the streamed left side's rows are \[number, number\] and the right side's rows are \[number, string\]: primitives/ },
  primitiveStreamedOfLeftOuter: { body: `export const out = await nums.leftOuterJoin(small).collect();`, reason: /in place: the streamed left side's rows are \[number, number\]: primitives/ },
  readOnlySums: { body: `export const out = await big.join(small).mapValues(([l, r]) => (l[0] ?? 0) + (r[0] ?? 0)).collect();`, reason: IN_PLACE },
  count: { body: `export const out = await big.join(small).count();`, reason: IN_PLACE },
  filterCount: { body: `export const out = await big.join(small).filter(([, [l]]) => l.length > 1).count();`, reason: IN_PLACE },
  valuesMapReduce: { body: `export const out = await big.join(small).values().map(([l, r]) => l.length + r.length).reduce((x, y) => x + y);`, reason: IN_PLACE },
  flatMapNumbers: { body: `export const out = await big.join(small).flatMap(([, [l]]) => l).collect();`, reason: IN_PLACE },
  countByKey: { body: `export const out = await big.join(small).countByKey();`, reason: IN_PLACE },
  keys: { body: `export const out = await big.join(small).keys().collect();`, reason: IN_PLACE },
  aggregateNumber: { body: `export const out = await big.join(small).aggregate(0, (acc, [, [l]]) => acc + l.length, (x, y) => x + y);`, reason: IN_PLACE },
  helperOnce: {
    body: `function sizes(r: RDD<[number, [number[], number[]]]>) { return r.mapValues(([l]) => l.length); }\nexport const out = await sizes(big.join(small)).collect();`,
    reason: IN_PLACE,
  },
  namedCallback: { body: `function first([l]: [number[], number[]]): number { return l[0] ?? 0; }\nexport const out = await big.join(small).mapValues(first).collect();`, reason: IN_PLACE },
  usedTwiceReading: {
    body: `const joined = big.join(small);\nexport const n = await joined.count();\nexport const s = await joined.mapValues(([l]) => l.length).collect();`,
    reason: SEVERAL_JOBS,
  },
  freshCopyWritten: { body: `export const out = await big.join(small).mapValues(([l]) => { const c = l.slice(); c.push(1); return c.length; }).collect();`, reason: IN_PLACE },
  capturedPrimitive: { body: `const limit = 2;\nexport const out = await big.join(small).filter(([, [l]]) => l.length >= limit).count();`, reason: IN_PLACE },
  comparedWithNull: { body: `export const out = await pairs.join(small).filter(([, [p]]) => p.a !== null && p.a.length > 0).count();`, reason: IN_PLACE },

  // ------------------------------------------------------------ not proven
  mutation: {
    body: `export const out = await big.join(small).mapValues(([l, r]) => { l[0] = l[0]! + r[0]!; return l[0]; }).collect();`,
    reason: /copies: the function passed to `mapValues` writes `l\[0\]`, a property of a value the function did not create/,
  },
  mutatingMethod: { body: `export const out = await big.join(small).mapValues(([l]) => l.push(0)).count();`, reason: /copies: the function passed to `mapValues` calls `push` on `l`/ },
  collectObjects: { body: `export const out = await big.join(small).values().collect();`, reason: /copies: `collect` returns `\[number\[\], number\[\]\]\[\]`, which may hold the joined objects/ },
  collectRows: { body: `export const out = await big.join(small).collect();`, reason: /copies: `collect` returns/ },
  reduceObjects: { body: `export const out = await big.join(small).values().reduce((a) => a);`, reason: /copies: `reduce` returns/ },
  identityAgainstCaptured: {
    body: `const probe = rows[0]![1];\nexport const out = await big.join(small).filter(([, [l]]) => l === probe).count();`,
    reason: /copies: the function passed to `filter` captures the object `probe`/,
  },
  identityAgainstLiteral: {
    body: `const probe = [1, 2];\nexport const out = await big.join(small).filter(([, [l]]) => l === probe).count();`,
    reason: /copies: the function passed to `filter` captures the object `probe`, which is used at .* in a way that may change or share it/,
  },
  identityInsideValue: { body: `export const out = await pairs.join(small).filter(([, [p]]) => p.a === p.b).count();`, reason: /copies: the function passed to `filter` compares objects by identity \(`p\.a === p\.b`\)/ },
  identityBetweenSides: { body: `export const out = await big.join(small).filter(([, [l, r]]) => l !== r).count();`, reason: /compares objects by identity/ },
  objectIs: { body: `export const out = await pairs.join(small).filter(([, [p]]) => Object.is(p.a, p.b)).count();`, reason: /compares objects by identity \(`Object\.is/ },
  identitySearch: { body: `export const out = await pairs.join(small).filter(([, [p]]) => [p.a].includes(p.b)).count();`, reason: /searches for an object by identity/ },
  setOfObjects: { body: `export const out = await pairs.join(small).mapValues(([p]) => new Set([p.a, p.b]).size).collect();`, reason: /keeps a Set keyed by objects/ },
  switchOnObject: { body: `export const out = await pairs.join(small).mapValues(([p]) => { switch (p.a) { case p.b: return 1; default: return 0; } }).collect();`, reason: /compares objects by identity \(`switch/ },
  helperSeveralCallers: {
    body: `function sizes(r: RDD<[number, [number[], number[]]]>) { return r.mapValues(([l]) => l.length).count(); }\nexport const x = await sizes(big.join(small));\nexport const y = await sizes(big.join(big));`,
    reason: /left as written \(shuffle\): its output reaches code the analysis cannot follow \(passed to `sizes`/,
  },
  exportedHelper: {
    body: `export function sizes(r: RDD<[number, [number[], number[]]]>) { return r.mapValues(([l]) => l.length).count(); }\nexport const x = await sizes(big.join(small));`,
    reason: /left as written \(shuffle\): its output reaches code the analysis cannot follow \(passed to `sizes`/,
  },
  // (not even "auto": the rows reach code the analysis cannot see)
  exportedResult: { body: `export const joined = big.join(small);\nexport const n = await joined.count();`, reason: /^left as written: .*`joined` is exported/ },
  getterOnValue: { body: `export const out = await totals.join(small).mapValues(([t]) => t.total).collect();`, reason: /copies: the left side's rows are `\[number, Total\]`, not data that a copy reproduces exactly/ },
  usedTwiceOneCollects: {
    body: `const joined = big.join(small);\nexport const n = await joined.count();\nexport const all = await joined.values().collect();`,
    reason: SEVERAL_JOBS,
  },
  // ------------------------------------------------------------ more than one job may compute the join (analyse/jobs.ts)
  actionInLoop: { body: `const joined = big.join(small);\nfor (let i = 0; i < 2; i++) await joined.count();`, reason: /left as written \(shuffle\): its action `count` is in a loop/ },
  actionInCallback: { body: `const joined = big.join(small);\nexport const later = () => joined.count();`, reason: /left as written \(shuffle\): its action `count` is in a function that may be called more than once/ },
  joinAndActionInOneLoop: { body: `for (let i = 0; i < 2; i++) { const joined = big.join(small); await joined.count(); }`, reason: IN_PLACE },
  persistedUsedTwice: { body: `const joined = big.join(small).cache();\nexport const n = await joined.count();\nexport const m = await joined.count();`, reason: /left as written \(shuffle\): its output is used 2 times \(at `cache`\)/ },
  persisted: { body: `const joined = big.join(small).cache();\nexport const n = await joined.count();`, reason: /copies: `cache` keeps the rows for later jobs/ },
  anyTyped: { body: `export const out = await big.join(small).map(([, [l]]: [number, [any, number[]]]) => l).collect();`, reason: /copies: the function passed to `map` .*`any`/ },
  cast: { body: `export const out = await big.join(small).map(([, [l]]) => l as unknown as number).collect();`, reason: /copies: the function passed to `map` asserts a type/ },
  shuffleAfter: { body: `export const out = await big.join(small).mapValues(([l]) => l).groupByKey().count();`, reason: /copies: `groupByKey` is not modelled/ },
  passedToJoin: { body: `const inner = big.join(small);\nexport const out = await nums.join(inner).count();`, reason: /copies: the rows are passed to `join`/, join: 0 },
  console: { body: `await big.join(small).foreach(([, [l]]) => console.log(l));`, reason: /copies: the function passed to `foreach` writes to the console/ },
  functionValue: { body: `declare const f: (v: [number[], number[]]) => number;\nexport const out = await big.join(small).mapValues(f).collect();`, reason: /copies: `f` passed to `mapValues` is not a function written here/ },
  throwsValue: { body: `export const out = await big.join(small).mapValues(([l]) => { if (l.length > 9) throw l; return l.length; }).collect();`, reason: /copies: the function passed to `mapValues` throws `l`/ },
  throwsFreshError: { body: `export const out = await big.join(small).mapValues(([l]) => { if (l.length > 9) throw new RangeError(\`long: \${l.length}\`); return l.length; }).collect();`, reason: IN_PLACE },
  typedArrayView: {
    body: `const views = ctx.parallelize<[number, Uint8Array]>([]);\nexport const out = await views.join(small).mapValues(([v]) => v.byteOffset).collect();`,
    reason: /copies: the left side's rows are `\[number, Uint8Array(<ArrayBuffer(Like)?>)?\]`, not data that a copy reproduces exactly/,
  },
  unknownValues: { body: `const anything = ctx.parallelize<[number, unknown]>([]);\nexport const out = await anything.join(small).count();`, reason: /copies: the left side's rows are `\[number, unknown\]`/ },
  mapsAndDates: {
    body: `const rich = ctx.parallelize<[number, { at: Date; tags: Map<string, number>; seen: Set<number> }]>([]);\nexport const out = await rich.join(small).mapValues(([v]) => v.at.getTime() + v.tags.size + v.seen.size).collect();`,
    reason: IN_PLACE,
  },
  returnsClosure: { body: `export const out = await big.join(small).mapValues(([l]) => () => l).count();`, reason: IN_PLACE },
  implicitAnyParameter: { body: `function first(v) { return v[0]; }\nexport const out = await big.join(small).mapValues(first).collect();`, reason: /copies: .*typed `any`/, looseOnly: true },
  implicitAnyCallback: {
    body: `function first(v: [number[], number[]]) { const w: any = v; return w[0]; }\nexport const out = await big.join(small).mapValues(first).collect();`,
    reason: /copies: .*typed `any`/,
  },
};

const VARIANTS: Record<string, ts.CompilerOptions> = {
  strict: {},
  loose: { strict: false },
  unchecked: { noUncheckedIndexedAccess: true },
  exact: { exactOptionalPropertyTypes: true },
};

/** The broadcast decision of the file's join number `index` (default the last) and the line it is written on. */
function broadcastOf(result: FileResult, index?: number): { reason: string; line: string } {
  const decisions = result.optimizations.filter((o) => o.kind === "broadcast");
  expect(decisions.length, result.after).toBeGreaterThan(0);
  const decision = decisions[index ?? decisions.length - 1]!;
  return { reason: decision.reason, line: result.after.split("\n")[decision.line - 1]! };
}

describe.each(Object.entries(VARIANTS))("%s tsconfig", (variant, extra) => {
  const cases = Object.entries(CASES).filter(([, c]) => variant === "loose" || !c.looseOnly);
  const sources = Object.fromEntries(cases.map(([name, c]) => [`identity-${variant}-${name}`, `${HEAD}${c.body}\n`]));
  const results = analyzeSources(sources, { broadcast: true, capture: false }, extra);
  test.each(cases.map(([name]) => name))("%s", (name) => {
    const c = CASES[name]!;
    const expected = variant === "loose" && c.loose ? c.loose : c.reason;
    const { reason, line } = broadcastOf(results.get(`identity-${variant}-${name}`)!, c.join);
    expect(reason).toMatch(expected);
    const inPlace = reason.includes("; in place: ");
    expect(inPlace || reason.includes("; copies: ") || reason.startsWith("left as written"), reason).toBe(true);
    expect(line.includes("inPlace: true"), line).toBe(inPlace);
  });
});

describe("options", () => {
  const results = analyzeSources(
    {
      "identity-options": `${HEAD}declare const opts: { numPartitions?: number };
export const written = await big.join(small, { inPlace: false }).count();
export const explicit = await big.join(small, { strategy: "auto" }).count();
export const spread = await big.join(small, opts).count();
export const literal = await big.join(small, { numPartitions: 2 }).count();
`,
    },
    // (without pruning: these counts read no value, so both sides would also gain a projectValues(null))
    { broadcast: true, prune: false },
  );
  const after = results.get("identity-options")!.after;
  test("a written inPlace stays the caller's", () => {
    expect(after).toContain(`big.join(small, { inPlace: false, strategy: "auto", site:`);
    expect(after).not.toMatch(/inPlace: false[^\n]*inPlace: true/);
  });
  test("an explicit strategy is left as written", () => {
    expect(after).toContain(`big.join(small, { strategy: "auto" }).count()`);
  });
  test("ours go before a spread (its values win) and after written literals", () => {
    expect(after).toMatch(/big\.join\(small, \{ strategy: "auto", site: "[^"]+", inPlace: true, readOnly: true, \.\.\.opts \}\)/);
    expect(after).toMatch(/big\.join\(small, \{ numPartitions: 2, strategy: "auto", site: "[^"]+", inPlace: true, readOnly: true \}\)/);
  });
});
