/** In-memory programs for the closure-capture tests (files under test/capture/virtual/, never written). */
import ts from "typescript";
import path from "node:path";
import { COMPILER_OPTIONS, ROOT, userErrors } from "../transformer/harness.js";
import { analyzeProgram } from "../../transformer/index.js";
import type { FileResult, Optimization, RddoptOptions } from "../../transformer/report/types.js";

export const VIRTUAL = path.join(ROOT, "test", "capture", "virtual");

export function programOfSources(sources: Record<string, string>, extra: ts.CompilerOptions = {}): ts.Program {
  const files = new Map(Object.entries(sources).map(([name, text]) => [path.join(VIRTUAL, name.includes(".") ? name : `${name}.ts`), text]));
  const options = { ...COMPILER_OPTIONS, ...extra };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => (files.has(fileName) ? ts.createSourceFile(fileName, files.get(fileName)!, language, true) : getSourceFile(fileName, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => d === VIRTUAL || VIRTUAL.startsWith(d + path.sep) || (directoryExists ? directoryExists(d) : true);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => files.get(fileName) ?? readFile(fileName);
  const program = ts.createProgram([...files.keys()], options, host);
  const errors = userErrors(program);
  if (errors.length) throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" }));
  return program;
}

/** Each file's result, with the closure annotations in `after` (text edits). */
export function captureResults(sources: Record<string, string> | ts.Program, options: RddoptOptions = { broadcast: false, prune: false }, extra: ts.CompilerOptions = {}): Map<string, FileResult> {
  const program = isProgram(sources) ? sources : programOfSources(sources, extra);
  const results = new Map<string, FileResult>();
  for (const r of analyzeProgram(program, options, ts, { captures: true })) results.set(path.basename(r.fileName).replace(/\.[cm]?tsx?$/, ""), r);
  return results;
}

function isProgram(value: Record<string, string> | ts.Program): value is ts.Program {
  return typeof (value as ts.Program).getTypeChecker === "function";
}

/** The capture entries of a file, in source order: "line method: reason". */
export function captureLines(result: FileResult): string[] {
  return result.optimizations.filter((o: Optimization) => o.kind === "capture").sort((a, b) => a.line - b.line || a.column - b.column).map((o) => `${o.line} ${o.operation}: ${o.reason}`);
}
