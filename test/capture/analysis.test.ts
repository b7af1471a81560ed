/**
 * Closure capture, the analysis on hostile cases: each line of the program passes one function to an RDD
 * method, and the report must say "runs on workers" with exactly the captures needed, or "runs in process"
 * with the right reason. One program for all cases keeps this fast.
 */
import { describe, expect, test } from "vitest";
import { captureLines, captureResults, programOfSources } from "./helpers.js";

const HELPER = `
export function scale(x: number): number { return x * 2; }
export const RATE = 3;
export let tally = 0;
export function bump(x: number): number { tally++; return x; }
export function shout(x: number): number { console.log(x); return x; }
`;
const NOISY = `console.log("loaded");\nexport function quiet(x: number): number { return x; }\n`;

/** `case(name, code)`: one RDD call per case, on a line of its own; the expectation is matched against its report line. */
const CASES: [name: string, code: string, expected: RegExp][] = [
  ["const primitive", "r.map((p) => p[1] * k)", /^runs on workers \(captures values k\)$/],
  ["literal object read for primitives", "r.filter((p) => cfg.names.includes(p[0]) && p[1] > cfg.min)", /captures values cfg\)$/],
  ["pure globals need nothing", "r.map((p) => Math.max(p[1], Number(p[0])) + JSON.stringify(p).length)", /^runs on workers$/],
  ["undefined, NaN", "r.filter((p) => p[0] !== undefined && !Number.isNaN(p[1] * NaN))", /^runs on workers$/],
  ["destructured parameters", "r.map(([key, value]) => key.length + value)", /^runs on workers$/],
  ["default parameter reads a free variable", "r.map((p, extra = k) => p[1] + extra)", /captures values k\)$/],
  ["nested closure over a local", "r.map((p) => { let s = 0; [1, 2].forEach((i) => { s += i * k; }); return s + p[1]; })", /captures values k\)$/],
  ["fresh local array mutated", "r.map((p) => { const out: number[] = []; out.push(p[1]); out.sort(); return out; })", /^runs on workers$/],
  ["same-file function, transitively", "r.map((p) => twice(p[1]))", /captures values k, functions twice, sq\)$/],
  ["recursion", "r.mapValues(fib)", /captures functions fib\)$/],
  ["import of a pure function and a constant", "r.map((p) => scale(p[1]) + RATE)", /captures imports scale, RATE\)$/],
  ["namespace import", "r.map((p) => helper.scale(p[1]))", /captures imports helper\)$/],
  ["const loop variable", "for (const w of [1, 2]) r.map((p) => p[1] * w).count()", /captures values w\)$/],
  ["exported let never assigned", "r.map((p) => p[1] + LIMIT)", /captures values LIMIT\)$/],
  ["a named function expression calling itself", "r.mapValues(function fact(n: number): number { return n <= 1 ? 1 : n * fact(n - 1); })", /^runs on workers$/],
  ["combiner", "r.reduceByKey((a, b) => a + b)", /^runs on workers$/],
  // ---------------------------------------------------------------- in process
  ["assigns a free variable", "r.map((p) => { counter++; return p; })", /in process: it assigns `counter`/],
  ["let assigned in a callback elsewhere", "r.map((p) => p[1] + limit)", /in process: it captures `limit`, a `let` that is assigned at \d+:\d+/],
  ["let assigned in a callback at the top level", "r.map((p) => p[1] + late)", /in process: it captures `late`, a `let` that is assigned at \d+:\d+/],
  ["loop variable that changes", "for (let i = 0; i < 2; i++) r.map((p) => p[1] + i).count()", /in process: it captures `i`, a `let` that is assigned/],
  ["captured object mutated by another function", "r.map((p) => p[1] * shared.n)", /in process: it captures the object `shared`, which is used at \d+:\d+ in a way that may change or share it/],
  ["getter on a captured object", "r.map((p) => p[1] * lazy.n)", /in process: it reads `n`, an accessor that runs code/],
  ["getter on a row", "points.map((pt) => pt.norm)", /in process: it reads `norm`, an accessor that runs code/],
  ["getter on a row, by a literal index", 'points.map((pt) => pt["norm"])', /in process: it reads `norm`, an accessor that runs code/],
  ["push to captured array", "r.map((p) => { seen.push(p[0]); return p; })", /in process: it calls `push` on `seen`, a value the function did not create/],
  ["writes a property of its parameter", "r.map((p) => { p[1] = 0; return p; })", /in process: it writes `p\[1\]`, a property of a value the function did not create/],
  ["console", "r.foreach((p) => console.log(p))", /in process: it writes to the console/],
  ["same-file function with effects", "r.map((p) => noisy(p[1]))", /in process: it calls `noisy`, which writes to the console/],
  ["Map captured", "r.map((p) => table.get(p[0]) ?? 0)", /in process: it captures `table` of type `Map<string, number>`, which is not plain data/],
  ["new of a class", "r.map((p) => new Box(p[1]).v)", /in process: it constructs `Box` with `new`/],
  ["this in an arrow inside a method", "new Job().run(r)", /in process: it uses `this`/],
  ["arguments", "r.map(function (p) { return arguments.length + p[1]; })", /in process: it uses `arguments`/],
  ["function-valued parameter", "apply(r, (x) => x)", /in process: `f` is not a function written here or declared in this file/],
  ["imported function writing module state", "r.map((p) => bump(p[1]))", /in process: it calls `bump` from "\.\/helper\.js", which assigns `tally`/],
  ["imported function writing to the console", "r.map((p) => shout(p[1]))", /in process: it calls `shout` from "\.\/helper\.js", which writes to the console/],
  ["module with top-level effects", "r.map((p) => quiet(p[1]))", /in process: it imports "\.\/noisy\.js", and its top-level code at noisy\.ts:1 would run again in every worker/],
  ["shadowed at the call site", "shadowing(r)", /in process: it captures `k`, which means another variable \(or nothing\) where the RDD method is called/],
  ["one name, two bindings in one scope", "clash(r)", /in process: two different variables named `scale` would be captured/],
  ["a frozen function is not annotated", "r.mapValues(frozen)", /in process: `frozen` is made non-extensible at \d+:\d+, so no annotation can be added to it/],
  ["Object shadowed", "objectShadowed(r)", /in process: `Object` is shadowed here/],
  ["a row's method handed on", "things.map((t) => [1].map(t.compute))", /in process: it hands on `t.compute`, a function whose effects are unknown/],
  ["a default in a destructuring assignment reads a free variable", "r.map((p) => { let a: number; ({ a = k } = { a: p[1] }); return a; })", /captures values k\)$/],
  ["unknown method of a row", "things.map((t) => t.compute())", /in process: it calls the method `compute` of `t`, whose effects are unknown/],
];

const MAIN = `import type { RDD } from "rddopt";
import { scale, RATE, bump, shout } from "./helper.js";
import * as helper from "./helper.js";
import { quiet } from "./noisy.js";
const k = 2;
export let LIMIT = 10;
const cfg = { names: ["a", "b"], min: 1 };
let counter = 0;
let limit = 3;
export function raise(): void { limit = 4; }
let late = 1;
[1].forEach(() => { late = 2; });
const shared = { n: 1 };
export function change(o: { n: number }): void { o.n = 2; }
change(shared);
const lazy = { get n(): number { return 1; } };
const seen: string[] = [];
const table = new Map<string, number>();
class Box { constructor(readonly v: number) {} }
class Point { constructor(private x: number) {} get norm(): number { return Math.abs(this.x); } }
interface Thing { compute(): number }
function sq(x: number): number { return x * x + k; }
function twice(x: number): number { return sq(x) * 2; }
const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
function noisy(x: number): number { console.log(x); return x; }
function apply(r: RDD<[string, number]>, f: (p: [string, number]) => [string, number]): unknown { return r.map(f); }
function shadowing(r: RDD<[string, number]>): unknown { const k = "shadow"; return k ? r.map((p) => sq(p[1])) : r; }
function objectShadowed(r: RDD<[string, number]>): unknown { const Object = 1; return r.map((p) => p[1] + Object); }
function usesImport(x: number): number { return scale(x); }
function clash(r: RDD<[string, number]>): unknown { const scale = 3; return r.map((p) => usesImport(p[1]) * scale); }
function frozen(x: number): number { return x; }
Object.freeze(frozen);
class Job { factor = 2; run(r: RDD<[string, number]>): unknown { return r.map((p) => p[1] * this.factor); } }
export function run(r: RDD<[string, number]>, points: RDD<Point>, things: RDD<Thing>): void {
${CASES.map(([, code]) => `  ${code};`).join("\n")}
}
`;

const FIRST_CASE_LINE = MAIN.split("\n").findIndex((l) => l.startsWith("export function run(")) + 2;

describe("closure capture: what each function captures, or why it runs in process", () => {
  const program = programOfSources({ main: MAIN, helper: HELPER, noisy: NOISY });
  const results = captureResults(program);
  const lines = captureLines(results.get("main")!);
  const byLine = new Map<number, string[]>();
  for (const l of lines) {
    const [line, ...rest] = l.split(" ");
    byLine.set(Number(line), [...(byLine.get(Number(line)) ?? []), rest.join(" ").replace(/^[a-zA-Z]+: /, "")]);
  }
  test.each(CASES.map((c, i) => [c[0], i, c[2]] as const))("%s", (_name, index, expected) => {
    const line = FIRST_CASE_LINE + index;
    // cases that call a helper report at the helper's RDD call: find it by the reason
    const here = byLine.get(line) ?? lines.map((l) => l.replace(/^\d+ [a-zA-Z]+: /, "")).filter((r) => expected.test(r));
    expect(here.join(" | ")).toMatch(expected);
  });

  test("the annotation of a function that runs in process carries only the reason", () => {
    const after = results.get("main")!.after;
    expect(after).toContain(`r.map(Object.defineProperty((p) => { counter++; return p; }, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it assigns \`counter\`, a variable outside the function" }, configurable: true }))`);
    // no annotation where Object is shadowed
    expect(after).toContain("const Object = 1; return r.map((p) => p[1] + Object); }");
  });

  test("imports: false (bundled code) makes every import run in process", () => {
    const bundled = captureResults(program, { prune: false, broadcast: false, imports: false });
    const reasons = captureLines(bundled.get("main")!).filter((l) => l.includes("scale(p[1]) + RATE") || l.includes("bundled"));
    expect(reasons.join("\n")).toMatch(/runs in process: it uses `scale` imported from "\.\/helper\.js": bundled code: its modules cannot be loaded by a worker/);
  });

  test("where other files are not read (crossFile off, watch, incremental), every import runs in process", () => {
    const local = captureResults(program, { prune: false, broadcast: false, crossFile: false });
    const lines = captureLines(local.get("main")!);
    expect(lines.join("\n")).toMatch(/runs in process: it uses `scale` imported from "\.\/helper\.js": this build does not read other files/);
    expect(lines.join("\n")).toMatch(/runs on workers \(captures values k\)/);
  });

  test("capture: false leaves functions unannotated and unreported", () => {
    const off = captureResults(program, { prune: false, broadcast: false, capture: false });
    expect(off.get("main")!.after).not.toContain("rddopt.closure");
    expect(captureLines(off.get("main")!)).toEqual([]);
  });
});
