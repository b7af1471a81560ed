/**
 * rddopt's ts-patch program transformer: prunes unread value fields before every shuffle and gives joins
 * written without a strategy `strategy: "auto"` plus a site id. Plans are cached per Program.
 *
 * tsconfig.json: `"plugins": [{ "transform": "rddopt/transformer", "prune": true, "broadcast": true }]`
 */
import type * as ts from "typescript";
import { createRequire } from "node:module";
import path from "node:path";
import type { RddoptOptions, TransformerWarning } from "./report/types.js";
import type { TS } from "./context.js";
import { allEdits, mentionsRddopt, normalizeOptions, planFor } from "./engine.js";
import { applyEdits } from "./rewrite/apply.js";
import { toDiagnostic } from "./report/diagnostic.js";
import { injectLineage } from "./lineage/inject.js";

export type { RddoptOptions, Optimization, FileResult, OptimizationKind, TransformerWarning } from "./report/types.js";
export { analyzeProgram, type AnalyzeOptions } from "./report/analyze.js";
export { DIAGNOSTIC_CODES } from "./diagnostics.js";
import { DIAGNOSTIC_CODES, MIN_TYPESCRIPT } from "./diagnostics.js";

/** What ts-patch passes as the third argument of a "program" transformer. */
export interface TransformerExtras {
  ts?: TS;
  addDiagnostic?: (diagnostic: ts.Diagnostic) => number | void;
  [key: string]: unknown;
}

export type PluginConfig = RddoptOptions & { transform?: string };

const reported = new WeakMap<ts.Program, Set<string>>();

export default function rddoptTransformer(
  program: ts.Program,
  config: PluginConfig = {},
  extras: TransformerExtras = {},
): ts.TransformerFactory<ts.SourceFile> {
  const typescript = extras.ts ?? loadTypeScript();
  const options = normalizeOptions(config);
  if (!supported(typescript)) {
    warnOnce(
      `rddopt warning TS${DIAGNOSTIC_CODES.unsupportedTypeScript}: TypeScript ${typescript.version} is older than ${MIN_TYPESCRIPT.join(".")}; ` +
        `the rddopt transformer needs TypeScript 5.9 or 6.0 and left your code unchanged.\n`,
    );
    return () => (sourceFile) => sourceFile;
  }
  const optimizeFile = (context: ts.TransformationContext, sourceFile: ts.SourceFile): ts.SourceFile => {
    if (!mentionsRddopt(typescript, program, sourceFile)) return sourceFile;
    const plan = planFor(typescript, program, sourceFile, options);
    const sink = config.warnings === "stderr" ? {} : extras;
    reportWarnings(typescript, program, sourceFile, plan.warnings, sink);
    const edits = allEdits(plan);
    if (edits.size === 0) return sourceFile;
    try {
      return applyEdits(typescript, context, sourceFile, edits);
    } catch (error) {
      reportWarnings(typescript, program, sourceFile, [
        {
          code: DIAGNOSTIC_CODES.fileSkipped,
          file: sourceFile.fileName,
          start: 0,
          length: 0,
          message: `rddopt: internal error while rewriting, file left unchanged: ${error instanceof Error ? error.message : String(error)}`,
        },
      ], config.warnings === "stderr" ? {} : extras);
      return sourceFile;
    }
  };
  // `lineage: true`: each action also hands its static column lineage to the runtime (transformer/lineage/inject.ts)
  if (config.lineage !== true) return (context) => (sourceFile) => optimizeFile(context, sourceFile);
  return (context) => (sourceFile) => injectLineage(typescript, program, context, sourceFile, optimizeFile(context, sourceFile));
}

function reportWarnings(
  typescript: TS,
  program: ts.Program,
  sourceFile: ts.SourceFile,
  warnings: readonly TransformerWarning[],
  extras: TransformerExtras,
): void {
  if (!warnings.length) return;
  let seen = reported.get(program);
  if (!seen) reported.set(program, (seen = new Set()));
  for (const warning of warnings) {
    const key = `${warning.file}:${warning.start}:${warning.code}:${warning.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const diagnostic = toDiagnostic(typescript, sourceFile, warning);
    if (extras.addDiagnostic) extras.addDiagnostic(diagnostic);
    // Transpile-only hosts (ts-node --transpileOnly, ts.transpileModule) drop transformer diagnostics:
    // the "no type information" warning is also printed, so it is never silent.
    if (!extras.addDiagnostic || warning.code === DIAGNOSTIC_CODES.needsTypeInformation) {
      process.stderr.write(typescript.formatDiagnostic(diagnostic, formatHost(typescript)));
    }
  }
}

function formatHost(typescript: TS): ts.FormatDiagnosticsHost {
  return {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => typescript.sys.newLine,
  };
}

function supported(typescript: TS): boolean {
  const [major = 0, minor = 0] = typescript.versionMajorMinor.split(".").map(Number);
  return major > MIN_TYPESCRIPT[0] || (major === MIN_TYPESCRIPT[0] && minor >= MIN_TYPESCRIPT[1]);
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  process.stderr.write(message);
}

/** The compiler ts-patch did not hand us: the one the project itself resolves. */
function loadTypeScript(): TS {
  const require = createRequire(path.join(process.cwd(), "noop.js"));
  return require("typescript") as TS;
}
