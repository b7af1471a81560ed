/**
 * analyse/purity.ts: which computations a rewrite may delete. Each case is the initializer of a `probe_*`
 * constant inside a function, so parameters, earlier and later declarations, imports and globals are all in reach.
 */
import ts from "typescript";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createFileContext } from "../../transformer/context.js";
import { isEffectFree } from "../../transformer/analyse/purity.js";
import { COMPILER_OPTIONS } from "./harness.js";

const SOURCE = `
import { join } from "node:path";
declare const ambient: number;
const before = 2;
const tag = { toString: () => "t" };
function helper(): number { return 1; }
export function probes(n: number, s: string, b: boolean, big: bigint, o: { x: number }, u: unknown, [d]: [number], brand: string & { __b: true }) {
  const probe_literals = [1, "a", true, null, undefined, 1n, { a: 1 }, [2, "b"]];
  const probe_arithmetic = n * 2 + (b ? 1 : 0) - ~n;
  const probe_concat = s + n + b;
  const probe_template = \`\${n}-\${s}-\${brand}\`;
  const probe_identity = o === tag && n !== before ? d : !u;
  const probe_nullish = u ?? (o || n);
  const probe_typeof = typeof u === "string";
  const probe_math = Math.max(n, d);
  const probe_function = helper;
  const probe_globals = [Infinity, NaN, undefined];
  const probe_earlier = before * n;
  const bad_bigint = big * 2n;
  const bad_unknown = (u as number) + 1;
  const bad_object = \`\${tag}\`;
  const bad_objectConcat = "" + o;
  const bad_propertyRead = o.x;
  const bad_call = helper();
  const bad_later = later;
  const bad_import = join;
  const bad_ambient = ambient;
  const bad_global = Math;
  const bad_increment = n++;
  const bad_assign = (n = 3);
  const bad_in = "x" in o;
  const bad_spread = [...[n]];
  const bad_unaryBig = -big;
  const bad_mathObject = Math.max(n, o as unknown as number);
  return [probe_literals, probe_arithmetic, probe_concat, probe_template, probe_identity, probe_nullish, probe_typeof, probe_math, probe_function, probe_globals, probe_earlier,
    bad_bigint, bad_unknown, bad_object, bad_objectConcat, bad_propertyRead, bad_call, bad_later, bad_import, bad_ambient, bad_global, bad_increment, bad_assign, bad_in, bad_spread, bad_unaryBig, bad_mathObject];
}
const later = 1;
`;

function probes(): Map<string, boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-purity-"));
  const file = path.join(dir, "probes.ts");
  fs.writeFileSync(file, SOURCE);
  const program = ts.createProgram([file], { ...COMPILER_OPTIONS, rootDir: dir, paths: {} });
  const sourceFile = program.getSourceFile(file)!;
  const fc = createFileContext(ts, program, sourceFile);
  const verdicts = new Map<string, boolean>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && /^(probe|bad)_/.test(node.name.text) && node.initializer) {
      verdicts.set(node.name.text, isEffectFree(fc, node.initializer));
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return verdicts;
}

describe("isEffectFree", () => {
  const verdicts = probes();
  it("finds every probe", () => expect(verdicts.size).toBe(27));
  for (const [name, verdict] of verdicts) {
    it(`${name} is ${name.startsWith("probe_") ? "inert" : "kept"}`, () => expect(verdict).toBe(name.startsWith("probe_")));
  }
});
