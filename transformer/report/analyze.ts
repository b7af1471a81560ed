/** The transformer's plan as data for `rddopt report`: each file before and after (same printer) plus its decisions. */
import type * as ts from "typescript";
import { createRequire } from "node:module";
import path from "node:path";
import type { TS } from "../context.js";
import { mentionsRddopt, normalizeOptions, planFor } from "../engine.js";
import { applyEdits } from "../rewrite/apply.js";
import type { FileResult, RddoptOptions } from "./types.js";

export function analyzeProgram(program: ts.Program, options: RddoptOptions = {}, typescript?: TS): FileResult[] {
  const tsi = typescript ?? (createRequire(path.join(process.cwd(), "noop.js"))("typescript") as TS);
  const planOptions = normalizeOptions(options);
  const printer = tsi.createPrinter({ newLine: tsi.NewLineKind.LineFeed });
  const results: FileResult[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (!mentionsRddopt(tsi, program, sourceFile) || program.isSourceFileFromExternalLibrary(sourceFile) || sourceFile.fileName.includes("/node_modules/")) continue;
    const plan = planFor(tsi, program, sourceFile, planOptions);
    const before = printer.printFile(sourceFile);
    let after = before;
    if (plan.edits.size > 0) {
      const result = tsi.transform(sourceFile, [(context) => (file) => applyEdits(tsi, context, file, plan.edits)]);
      after = printer.printFile(result.transformed[0]);
      result.dispose();
    }
    results.push({ fileName: sourceFile.fileName, before, after, changed: before !== after, optimizations: plan.optimizations, warnings: plan.warnings });
  }
  return results;
}
