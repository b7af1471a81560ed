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
  // the runtime's sources, not dist/: other builds of the shared tree may be replacing dist/ at any moment
  paths: { rddopt: [path.join(ROOT, "runtime", "index.ts")] },
};

export function programOf(files: string[]): ts.Program {
  return ts.createProgram(files, COMPILER_OPTIONS);
}

/** Analyses one file; fails loudly when the input does not type-check (goldens must be valid programs). */
export function analyzeFile(file: string, options: RddoptOptions = {}): FileResult {
  const program = programOf([file]);
  const errors = userErrors(program);
  if (errors.length) {
    throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" }));
  }
  const result = analyzeProgram(program, options, ts).find((r) => path.resolve(r.fileName) === path.resolve(file));
  if (!result) throw new Error(`no result for ${file}`);
  return result;
}

/** Type errors in the test's own files (not the runtime's). */
export function userErrors(program: ts.Program): ts.Diagnostic[] {
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error && !!d.file && !d.file.fileName.startsWith(path.join(ROOT, "runtime")));
}

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
/** Source printed by the same printer the transformer's report uses. */
export function printSource(fileName: string, text: string): string {
  return printer.printFile(ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS));
}

/** A program over in-memory sources (placed under test/transformer/virtual/), analysed once. */
export function analyzeSources(
  sources: Record<string, string>,
  options: RddoptOptions = {},
  extra: ts.CompilerOptions = {},
  previous?: { program?: ts.Program },
): Map<string, FileResult> {
  const dir = path.join(ROOT, "test", "transformer", "virtual");
  const files = new Map(Object.entries(sources).map(([name, text]) => [path.join(dir, `${name}.ts`), text]));
  const compilerOptions = { ...COMPILER_OPTIONS, ...extra };
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) =>
    files.has(fileName) ? ts.createSourceFile(fileName, files.get(fileName)!, language, true) : getSourceFile(fileName, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => d === dir || dir.startsWith(d + path.sep) || (directoryExists ? directoryExists(d) : true);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => files.get(fileName) ?? readFile(fileName);
  const program = ts.createProgram([...files.keys()], compilerOptions, host, previous?.program);
  if (previous) previous.program = program;
  const errors = extra.noResolve ? [] : userErrors(program);
  if (errors.length) {
    throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" }));
  }
  const results = new Map<string, FileResult>();
  for (const result of analyzeProgram(program, options, ts)) results.set(path.basename(result.fileName, ".ts"), result);
  return results;
}
