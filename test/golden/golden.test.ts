/**
 * Golden tests: test/golden/<case>/input.ts through the transformer (the ts.factory path, `output: "printer"`) must print exactly like expected.ts
 * (both printed by the same TypeScript printer). options.json (optional) holds the plugin options; the
 * default is { broadcast: false } so the cases show pruning alone. UPDATE_GOLDEN=1 rewrites expected.ts.
 */
import { describe, expect, test } from "vitest";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { analyzeProgram } from "../../transformer/index.js";
import type { FileResult, RddoptOptions } from "../../transformer/report/types.js";
import { programOf, printSource, userErrors } from "../transformer/harness.js";

const GOLDEN = import.meta.dirname;
const CASES = fs.readdirSync(GOLDEN).filter((name) => fs.existsSync(path.join(GOLDEN, name, "input.ts"))).sort();

const optionsOf = (name: string): RddoptOptions => {
  const file = path.join(GOLDEN, name, "options.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as RddoptOptions) : { broadcast: false };
};

/** One program per option set keeps this fast: the compiler loads the runtime's types once. */
function analyseAll(): Map<string, FileResult> {
  const results = new Map<string, FileResult>();
  const groups = new Map<string, string[]>();
  for (const name of CASES) {
    const key = JSON.stringify(optionsOf(name));
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  for (const [key, names] of groups) {
    const files = names.map((n) => path.join(GOLDEN, n, "input.ts"));
    const program = programOf(files);
    const errors = userErrors(program);
    if (errors.length) throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => GOLDEN, getNewLine: () => "\n" }));
    for (const result of analyzeProgram(program, JSON.parse(key) as RddoptOptions, ts, { output: "printer" })) {
      results.set(path.basename(path.dirname(result.fileName)), result);
    }
  }
  return results;
}

const results = analyseAll();

describe.each(CASES)("%s", (name) => {
  test("prints as expected.ts", () => {
    const result = results.get(name)!;
    const expectedFile = path.join(GOLDEN, name, "expected.ts");
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(expectedFile, result.after);
    expect(result.after).toBe(printSource(expectedFile, fs.readFileSync(expectedFile, "utf8")));
    expect(result.warnings ?? []).toEqual([]);
  });
});
