/**
 * Closure capture at run time: a small program compiled with the transformer (the ts.factory path, as
 * ts-patch runs it), as ES modules and as CommonJS, then run. The ClosureInfo on each function must let a
 * worker rebuild it: values() returns the captured values, import URLs load with `import()`, and a function
 * rebuilt from `fn.toString()` plus its info (test-only `rebuild`, the runtime has the real one) computes
 * the same results as the original.
 */
import { afterAll, describe, expect, test } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import rddoptTransformer from "../../transformer/index.js";
import { programOfSources, VIRTUAL } from "./helpers.js";

interface ClosureInfo {
  v: 1;
  values?: () => Record<string, unknown>;
  imports?: Record<string, { from: string; name: string }>;
  functions?: Record<string, { fn: () => (...args: unknown[]) => unknown; info: ClosureInfo }>;
  inProcess?: string;
}
type Fn = ((...args: unknown[]) => unknown) & { [key: symbol]: ClosureInfo | undefined };
const CLOSURE = Symbol.for("rddopt.closure");

const HELPER = `export function scale(x: number): number { return x * 2; }\nexport const RATE = 3;\n`;
const main = (imports: string, uses: string, extra = ""): string => `import type { RDD } from "rddopt";
${imports}
const k = 2;
const cfg = { factor: 3, names: ["a", "b"] };
function sq(x: number): number { return x * x + k; }
function twice(x: number): number { return sq(x) * 2; }
const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
export function build(r: RDD<[string, number]>): unknown[] {
  return [
    r.map((p) => p[1] * k + cfg.factor),
    r.map((p) => twice(p[1])),
    r.mapValues(fib),
    r.filter((p) => cfg.names.includes(p[0])),
    r.map((p) => ${uses}),
    r.map((p) => { console.log(p); return p; }),${extra}
  ];
}
`;
const ESM_MAIN = main(`import { scale, RATE } from "./helper.js";\nimport * as helper from "./helper.js";`, "scale(p[1]) + RATE + helper.scale(1)");
const CJS_MAIN = main(`import * as helper from "./helper";\nimport { scale } from "./helper";`, "helper.scale(p[1]) + helper.RATE", "\n    r.map((p) => scale(p[1])),");

/**
 * Node's own loader: vitest would rewrite the module's imports (and so the functions' source text), but it
 * leaves modules under a node_modules directory to Node, so the output goes there.
 */
const nativeImport = (url: string): Promise<unknown> => import(/* @vite-ignore */ url);

const outDirs: string[] = [];
afterAll(() => {
  for (const dir of outDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Compiles the virtual files with the rddopt transformer into a temporary directory; returns it. */
function compile(sources: Record<string, string>, format: "module" | "commonjs"): string {
  const extra: ts.CompilerOptions = format === "module" ? { noEmit: false } : { noEmit: false, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true };
  const program = programOfSources(sources, extra);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-capture-"));
  outDirs.push(base);
  const out = path.join(base, "node_modules", "compiled");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify({ type: format }));
  const transformer = rddoptTransformer(program, { warnings: "stderr" }, { ts });
  for (const name of Object.keys(sources)) {
    const file = program.getSourceFile(path.join(VIRTUAL, `${name}.ts`))!;
    program.emit(file, (fileName, text) => {
      if (fileName.endsWith(".js")) fs.writeFileSync(path.join(out, path.basename(fileName)), text);
    }, undefined, false, { before: [transformer] });
  }
  return out;
}

/** A worker's view: the function rebuilt in a fresh scope from its source and its ClosureInfo (values copied). */
async function rebuild(fn: Fn): Promise<Fn> {
  const info = fn[CLOSURE];
  if (!info || info.inProcess) throw new Error(`not capturable: ${info?.inProcess ?? "no ClosureInfo"}`);
  const scope = new Map<string, unknown>();
  const sources = new Map<string, string>();
  const visit = async (i: ClosureInfo): Promise<void> => {
    for (const [name, value] of Object.entries(i.values?.() ?? {})) scope.set(name, structuredClone(value));
    for (const [name, { from, name: exported }] of Object.entries(i.imports ?? {})) {
      const namespace = (await nativeImport(from)) as Record<string, unknown>;
      scope.set(name, exported === "*" ? namespace : namespace[exported]);
    }
    for (const [name, entry] of Object.entries(i.functions ?? {})) {
      if (!sources.has(name)) sources.set(name, entry.fn().toString());
      await visit(entry.info);
    }
  };
  await visit(info);
  const names = [...scope.keys()].filter((n) => !sources.has(n));
  const declarations = [...sources].map(([name, source]) => `const ${name} = (${source});`).join("\n");
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- this is what a worker does
  const factory = new Function(...names, `"use strict";\n${declarations}\nreturn (${fn.toString()});`) as (...values: unknown[]) => Fn;
  return factory(...names.map((n) => scope.get(n)));
}

/** A stand-in RDD whose methods return the function they are given. */
const recorder = new Proxy({}, { get: () => (fn: unknown) => fn });
const ROWS: [string, number][] = [["a", 1], ["b", 5], ["c", 7]];

async function checkRebuilt(fns: Fn[], count: number): Promise<void> {
  for (const fn of fns.slice(0, count)) {
    const rebuilt = await rebuild(fn);
    for (const row of ROWS) {
      const input = fn === fns[2] ? row[1] : row; // mapValues(fib) takes the value
      expect(rebuilt(structuredClone(input))).toEqual(fn(structuredClone(input)));
    }
  }
}

describe("ES module output", () => {
  const out = compile({ helper: HELPER, main: ESM_MAIN }, "module");
  test("values, imports and same-file functions rebuild into the same functions", async () => {
    const mod = (await nativeImport(pathToFileURL(path.join(out, "main.js")).href)) as { build(r: unknown): Fn[] };
    const fns = mod.build(recorder);
    expect(fns[0][CLOSURE]?.values?.()).toEqual({ k: 2, cfg: { factor: 3, names: ["a", "b"] } });
    expect(Object.keys(fns[1][CLOSURE]?.functions ?? {})).toEqual(["twice"]);
    const imports = fns[4][CLOSURE]?.imports ?? {};
    expect(imports.scale).toEqual({ from: pathToFileURL(path.join(out, "helper.js")).href, name: "scale" });
    expect(imports.helper?.name).toBe("*");
    expect(((await nativeImport(imports.scale.from)) as { scale(x: number): number }).scale(4)).toBe(8);
    await checkRebuilt(fns, 5);
    expect(fns[5][CLOSURE]).toEqual({ v: 1, inProcess: "it writes to the console (output stays in process, in order)" });
    expect(Object.keys(fns[0])).toEqual([]); // non-enumerable: invisible to the program
  });
});

describe("CommonJS output", () => {
  const out = compile({ helper: HELPER, main: CJS_MAIN }, "commonjs");
  test("namespace imports resolve through require.resolve; the functions rebuild", async () => {
    const mod = createRequire(import.meta.url)(path.join(out, "main.js")) as { build(r: unknown): Fn[] };
    const fns = mod.build(recorder);
    expect(fns[4][CLOSURE]?.imports).toEqual({ helper: { from: pathToFileURL(path.join(out, "helper.js")).href, name: "*" } });
    await checkRebuilt(fns, 5);
  });

  test("named imports run in process: CommonJS output renames them", () => {
    const mod = createRequire(import.meta.url)(path.join(out, "main.js")) as { build(r: unknown): Fn[] };
    const fn = mod.build(recorder)[6];
    expect(fn.toString()).toContain("helper_1.scale"); // what the compiler made of `scale`
    expect(fn[CLOSURE]?.inProcess).toMatch(/CommonJS output renames imported bindings/);
  });
});
