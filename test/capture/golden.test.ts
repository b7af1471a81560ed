/**
 * Capture goldens: test/capture/golden/<case>/input.ts through the transformer with its closure
 * annotations, printed after the ts.factory rewrite, must equal expected.ts; the text-edit path (magic-string,
 * `rddopt rewrite` and register) must print the same. options.json (optional): `{ "options": RddoptOptions,
 * "compilerOptions": ... }`; the default runs capture alone. UPDATE_GOLDEN=1 rewrites expected.ts.
 */
import { describe, expect, test } from "vitest";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { analyzeProgram } from "../../transformer/index.js";
import type { FileResult, RddoptOptions } from "../../transformer/report/types.js";
import { COMPILER_OPTIONS, printSource, userErrors } from "../transformer/harness.js";

const GOLDEN = path.join(import.meta.dirname, "golden");
const CASES = fs.readdirSync(GOLDEN).filter((name) => fs.existsSync(path.join(GOLDEN, name, "input.ts"))).sort();

interface CaseOptions {
  options?: RddoptOptions;
  compilerOptions?: Record<string, unknown>;
}
const optionsOf = (name: string): CaseOptions => {
  const file = path.join(GOLDEN, name, "options.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as CaseOptions) : {};
};

/** One program per set of compiler options (plans are cached per plugin options); both rewrite paths for every case. */
function analyseAll(): Map<string, { printer: FileResult; text: FileResult }> {
  const results = new Map<string, { printer: FileResult; text: FileResult }>();
  const groups = new Map<string, string[]>();
  for (const name of CASES) {
    const key = JSON.stringify(optionsOf(name).compilerOptions ?? {});
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  for (const [key, names] of groups) {
    const converted = ts.convertCompilerOptionsFromJson(JSON.parse(key), GOLDEN).options;
    const program = ts.createProgram(names.map((n) => path.join(GOLDEN, n, "input.ts")), { ...COMPILER_OPTIONS, ...converted });
    const errors = userErrors(program);
    if (errors.length) throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => GOLDEN, getNewLine: () => "\n" }));
    for (const name of names) {
      const options = optionsOf(name).options ?? { prune: false, broadcast: false };
      const fileName = path.join(GOLDEN, name, "input.ts");
      const own = (results: FileResult[]): FileResult => results.find((r) => path.resolve(r.fileName) === fileName)!;
      results.set(name, { printer: own(analyzeProgram(program, options, ts, { output: "printer", captures: true })), text: own(analyzeProgram(program, options, ts, { captures: true })) });
    }
  }
  return results;
}

const results = analyseAll();

describe.each(CASES)("%s", (name) => {
  test("prints as expected.ts, through both rewrite paths", () => {
    const { printer, text } = results.get(name)!;
    const expectedFile = path.join(GOLDEN, name, "expected.ts");
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(expectedFile, printer.after);
    const expected = printSource(expectedFile, fs.readFileSync(expectedFile, "utf8"));
    expect(printer.after).toBe(expected);
    expect(printSource(text.fileName, text.after)).toBe(expected);
    expect(printer.warnings ?? []).toEqual([]);
  });
});
