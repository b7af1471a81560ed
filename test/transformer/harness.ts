/** Builds type-checked programs over test sources and runs the transformer's analysis on them. */
import ts from "typescript";
import path from "node:path";
import { analyzeProgram } from "../../transformer/index.js";
import type { FileResult, RddoptOptions } from "../../transformer/report/types.js";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  rootDir: ROOT,
};

export function programOf(files: string[]): ts.Program {
  return ts.createProgram(files, COMPILER_OPTIONS);
}

/** Analyses one file; fails loudly when the input does not type-check (goldens must be valid programs). */
export function analyzeFile(file: string, options: RddoptOptions = {}): FileResult {
  const program = programOf([file]);
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" }));
  }
  const result = analyzeProgram(program, options, ts).find((r) => path.resolve(r.fileName) === path.resolve(file));
  if (!result) throw new Error(`no result for ${file}`);
  return result;
}

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
/** Source printed by the same printer the transformer's report uses. */
export function printSource(fileName: string, text: string): string {
  return printer.printFile(ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS));
}
