/**
 * The bridge to the transformer: `analyzeProgram` when the transformer exports it; otherwise
 * the default (ts-patch) export run through `ts.transform`, with both sides printed by one
 * printer so that a diff shows only the transformer's edits.
 */
import path from "node:path";
import type * as ts from "typescript";
import * as transformer from "../transformer/index.js";
import type { FileResult, RddoptOptions } from "../transformer/report/types.js";
import type { TypeScript } from "./typescript.js";

type AnalyzeProgram = (program: ts.Program, options: RddoptOptions, tsInstance?: TypeScript) => FileResult[];
type ProgramTransformer = (
  program: ts.Program,
  config: RddoptOptions,
  extras: { ts: TypeScript; addDiagnostic: (d: ts.Diagnostic) => number },
) => ts.TransformerFactory<ts.SourceFile>;

interface TransformerModule {
  analyzeProgram?: AnalyzeProgram;
  default: ProgramTransformer;
}

const loaded = transformer as unknown as TransformerModule;

/** Results for `files` (absolute paths), in the order given. */
export function analyze(tsi: TypeScript, program: ts.Program, options: RddoptOptions, files: readonly string[]): FileResult[] {
  const results = loaded.analyzeProgram ? loaded.analyzeProgram(program, options, tsi) : transformEachFile(tsi, program, options, files);
  const byFile = new Map(results.map((r) => [path.resolve(r.fileName), r]));
  return files.map((file) => byFile.get(file) ?? unchanged(tsi, program, file));
}

function printerFor(tsi: TypeScript): ts.Printer {
  return tsi.createPrinter({ newLine: tsi.NewLineKind.LineFeed, removeComments: false });
}

function unchanged(tsi: TypeScript, program: ts.Program, file: string): FileResult {
  const source = program.getSourceFile(file);
  // as analyzeProgram reports files: the source as written (the printer's view only in the fallback below)
  const text = source ? (loaded.analyzeProgram ? source.text : printerFor(tsi).printFile(source)) : "";
  return { fileName: file, before: text, after: text, changed: false, optimizations: [] };
}

function transformEachFile(tsi: TypeScript, program: ts.Program, options: RddoptOptions, files: readonly string[]): FileResult[] {
  const factory = loaded.default(program, options, { ts: tsi, addDiagnostic: () => 0 });
  const printer = printerFor(tsi);
  return files.flatMap((file) => {
    const source = program.getSourceFile(file);
    if (!source) return [];
    const result = tsi.transform(source, [factory], program.getCompilerOptions());
    try {
      const before = printer.printFile(source);
      const after = printer.printFile(result.transformed[0] ?? source);
      return [{ fileName: file, before, after, changed: before !== after, optimizations: [] }];
    } finally {
      result.dispose();
    }
  });
}
