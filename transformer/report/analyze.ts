/**
 * The transformer's plan as data for `rddopt report`: each file before and after, plus its decisions.
 *
 * By default `before` is the user's source as written and `after` the same text with the plan's edits
 * applied in place (rewrite/text.ts), so a diff shows the user's own lines, line numbers and formatting.
 * `output: "printer"` prints both sides with the TypeScript printer after the ts.factory rewrite instead
 * (what the transformer emits; the golden tests compare that).
 */
import type * as ts from "typescript";
import { createRequire } from "node:module";
import path from "node:path";
import type { TS } from "../context.js";
import { allEdits, mentionsRddopt, normalizeOptions, planFor } from "../engine.js";
import { applyEdits } from "../rewrite/apply.js";
import { applyTextEdits } from "../rewrite/text.js";
import type { FileResult, RddoptOptions } from "./types.js";

export interface AnalyzeOptions {
  /** "text" (default): the original text and the text-edited one. "printer": both printed after the factory rewrite. */
  output?: "text" | "printer";
  /**
   * Include the closure annotations in `after` (default false: the report's diff shows the optimizations,
   * and each function's "runs on workers" / "runs in process: why" is an optimization entry instead).
   */
  captures?: boolean;
}

export function analyzeProgram(program: ts.Program, options: RddoptOptions = {}, typescript?: TS, analyze: AnalyzeOptions = {}): FileResult[] {
  const tsi = typescript ?? (createRequire(path.join(process.cwd(), "noop.js"))("typescript") as TS);
  const planOptions = normalizeOptions(options);
  const printer = tsi.createPrinter({ newLine: tsi.NewLineKind.LineFeed });
  const results: FileResult[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (!mentionsRddopt(tsi, program, sourceFile) || program.isSourceFileFromExternalLibrary(sourceFile) || sourceFile.fileName.includes("/node_modules/")) continue;
    const planned = planFor(tsi, program, sourceFile, planOptions);
    const plan = { ...planned, edits: analyze.captures ? allEdits(planned) : planned.edits };
    const printed = (): { before: string; after: string } => {
      const before = printer.printFile(sourceFile);
      if (plan.edits.size === 0) return { before, after: before };
      const result = tsi.transform(sourceFile, [(context) => (file) => applyEdits(tsi, context, file, plan.edits)]);
      try {
        return { before, after: printer.printFile(result.transformed[0]) };
      } finally {
        result.dispose();
      }
    };
    let sides: { before: string; after: string };
    if (analyze.output === "printer") {
      sides = printed();
    } else {
      try {
        sides = { before: sourceFile.text, after: applyTextEdits(tsi, sourceFile, plan.edits).code };
      } catch {
        // an edit the text path cannot place (it keeps source order): show the printer's view of both sides
        sides = printed();
      }
    }
    results.push({ fileName: sourceFile.fileName, ...sides, changed: sides.before !== sides.after, optimizations: plan.optimizations, warnings: plan.warnings });
  }
  return results;
}
