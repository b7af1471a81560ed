/** Plans per Program (cached, so watch and incremental builds never see a stale plan) and applies them. */
import type * as ts from "typescript";
import path from "node:path";
import { createFileContext, type TS } from "./context.js";
import { planFile, type FilePlan, type PlanOptions, type SiteInfo } from "./plan/plan.js";
import { Edits } from "./plan/edits.js";
import { DIAGNOSTIC_CODES } from "./diagnostics.js";
import type { RddoptOptions } from "./report/types.js";

const plans = new WeakMap<ts.Program, Map<string, FilePlan>>();

export function normalizeOptions(config: RddoptOptions | undefined): PlanOptions {
  return {
    prune: config?.prune !== false,
    broadcast: config?.broadcast !== false,
    crossFile: config?.crossFile !== false,
    capture: config?.capture !== false,
    captureImports: config?.imports !== false,
  };
}

/** The plan's edits with its closure annotations: what the emitted code gets (the report's diff shows `plan.edits` alone). */
export function allEdits(plan: FilePlan): Edits {
  if (plan.captures.size === 0) return plan.edits;
  const edits = new Edits();
  edits.merge(plan.edits);
  edits.merge(plan.captures);
  return edits;
}

/**
 * Whether this build may read through other files' functions: not where only changed files are re-emitted
 * (`--watch`, `incremental`, `composite`), since an edit there would leave a dependent file's plan stale.
 */
export function crossFileAllowed(program: ts.Program, options: PlanOptions): boolean {
  const compiler = program.getCompilerOptions();
  return options.crossFile && !compiler.watch && !compiler.incremental && !compiler.composite;
}

const reachesRddopt = new WeakMap<ts.Program, Map<string, boolean>>();

/**
 * Whether a file may hold rddopt pipelines at all: it names "rddopt", or imports a module of the program
 * that does (a project's own re-export of rddopt). A text check first spares the AST walk for most files.
 */
export function mentionsRddopt(ts: TS, program: ts.Program, sourceFile: ts.SourceFile): boolean {
  if (sourceFile.isDeclarationFile) return false;
  if (sourceFile.text.includes("rddopt")) return true;
  if (!/\b(import|export)\b/.test(sourceFile.text)) return false;
  let memo = reachesRddopt.get(program);
  if (!memo) reachesRddopt.set(program, (memo = new Map()));
  const known = memo.get(sourceFile.fileName);
  if (known !== undefined) return known;
  let result = false;
  const checker = program.getTypeChecker();
  for (const statement of sourceFile.statements) {
    const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) ? statement.moduleSpecifier : undefined;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) continue;
    const target = checker.getSymbolAtLocation(specifier)?.valueDeclaration;
    if (target && ts.isSourceFile(target) && target.text.includes("rddopt")) {
      result = true;
      break;
    }
  }
  memo.set(sourceFile.fileName, result);
  return result;
}

export function planFor(ts: TS, program: ts.Program, sourceFile: ts.SourceFile, options: PlanOptions): FilePlan {
  let perProgram = plans.get(program);
  if (!perProgram) plans.set(program, (perProgram = new Map()));
  const key = `${sourceFile.fileName}|${options.prune}|${options.broadcast}|${options.crossFile}|${options.capture}|${options.captureImports}`;
  const cached = perProgram.get(key);
  if (cached) return cached;
  const plan = computePlan(ts, program, sourceFile, options);
  perProgram.set(key, plan);
  return plan;
}

function computePlan(ts: TS, program: ts.Program, sourceFile: ts.SourceFile, options: PlanOptions): FilePlan {
  const empty = (): FilePlan => ({ edits: new Edits(), captures: new Edits(), optimizations: [], warnings: [] });
  if (!mentionsRddopt(ts, program, sourceFile)) return empty();
  if (!hasTypeInformation(ts, program, sourceFile)) {
    const plan = empty();
    plan.warnings.push({
      code: DIAGNOSTIC_CODES.needsTypeInformation,
      file: sourceFile.fileName,
      start: 0,
      length: 0,
      message: "rddopt: this file imports rddopt but the compiler has no type information for it (transpile-only?); the rddopt transformer needs a type-checked program and left the file unchanged",
    });
    return plan;
  }
  // Code with syntax or type errors (an edit in progress, a watch build mid-change) has types the analysis
  // cannot trust: leave it as written. The compiler reports the errors itself. Both lists are cached by
  // the program, and a build has already asked for them before it emits.
  if (hasErrors(ts, program, sourceFile)) {
    const plan = empty();
    plan.warnings.push({
      code: DIAGNOSTIC_CODES.typeErrors,
      file: sourceFile.fileName,
      start: 0,
      length: 0,
      message: "rddopt: this file has syntax or type errors, so its types cannot be trusted: rddopt left it unoptimized until they are fixed",
    });
    return plan;
  }
  try {
    const fc = createFileContext(ts, program, sourceFile, crossFileAllowed(program, options));
    return planFile(fc, options, (node) => siteOf(program, sourceFile, node));
  } catch (error) {
    const plan = empty();
    plan.warnings.push({
      code: DIAGNOSTIC_CODES.fileSkipped,
      file: sourceFile.fileName,
      start: 0,
      length: 0,
      message: `rddopt: internal error, file left unchanged: ${error instanceof Error ? error.message : String(error)}`,
    });
    return plan;
  }
}

function hasErrors(ts: TS, program: ts.Program, sourceFile: ts.SourceFile): boolean {
  const isError = (d: ts.Diagnostic) => d.category === ts.DiagnosticCategory.Error;
  return program.getSyntacticDiagnostics(sourceFile).some(isError) || program.getSemanticDiagnostics(sourceFile).some(isError);
}

/** An import of "rddopt" that the checker cannot resolve means there are no types to work with. */
function hasTypeInformation(ts: TS, program: ts.Program, sourceFile: ts.SourceFile): boolean {
  if (program.getSourceFile(sourceFile.fileName) !== sourceFile) return false;
  const checker = program.getTypeChecker();
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!/^rddopt(\/|$)/.test(statement.moduleSpecifier.text)) continue;
    if (statement.importClause?.isTypeOnly) continue;
    if (!checker.getSymbolAtLocation(statement.moduleSpecifier)) return false;
  }
  return true;
}

export function siteOf(program: ts.Program, sourceFile: ts.SourceFile, node: ts.Node): SiteInfo {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  const file = siteFileOf(program, sourceFile);
  return { site: `${file}:${line + 1}:${character + 1}`, file, line: line + 1, column: character + 1 };
}

/** The file part of a site, once per source file (path.relative is a measurable part of a plan otherwise). */
const siteFiles = new WeakMap<ts.SourceFile, { directory: string; file: string }>();
function siteFileOf(program: ts.Program, sourceFile: ts.SourceFile): string {
  const directory = program.getCurrentDirectory();
  const known = siteFiles.get(sourceFile);
  if (known && known.directory === directory) return known.file;
  const file = path.relative(directory, sourceFile.fileName).split(path.sep).join("/");
  siteFiles.set(sourceFile, { directory, file });
  return file;
}
