/**
 * Closure capture, the decision: for every function argument of an RDD method call (arrow functions,
 * function expressions, names of same-file functions), the annotation to emit as data (ClosureSpec), or
 * why the function runs in process. rewrite/closure.ts prints the annotation; analyse/closures.ts decides
 * what each function captures.
 */
import type * as ts from "typescript";
import path from "node:path";
import { innerExpression, isStandardLibrary, position, short, type FileContext } from "../context.js";
import type { RddCall } from "../find/rdd-calls.js";
import { ClosureAnalysis, declaredFunction, inProcessReason, type CapturedImport, type Closure, type FunctionNode } from "../analyse/closures.js";
import { Edits } from "./edits.js";

/** Where a worker loads an imported module from, computed at run time by the importing module. */
export type ImportUrl =
  /** ESM: `new URL(path, import.meta.url).href` */
  | { kind: "esm-relative"; path: string }
  /** ESM: `import.meta.resolve(specifier)` */
  | { kind: "esm-bare"; specifier: string }
  /** CommonJS: `require("node:url").pathToFileURL(require.resolve(specifier)).href` */
  | { kind: "cjs"; specifier: string };

/** The ClosureInfo the runtime reads (runtime contract, v: 1), as data. */
export interface ClosureSpec {
  values: readonly string[];
  imports: readonly { name: string; from: ImportUrl; exportName: string }[];
  /** `info` undefined: the function is described elsewhere in the same annotation (a cycle, or reached twice). */
  functions: readonly { name: string; info: ClosureSpec | undefined }[];
  inProcess?: string;
}

export interface CaptureOptions {
  capture: boolean;
  /** Whether imports may be captured (`imports: false` for bundled code). */
  imports: boolean;
}

export interface CaptureOutcome {
  rdd: RddCall;
  /** undefined: runs on workers. */
  inProcess?: string;
  /** What was captured, for the report ("k, rate; imports f; functions g"). */
  captured: string;
}

export function planCaptures(fc: FileContext, calls: readonly RddCall[], options: CaptureOptions): { edits: Edits; outcomes: CaptureOutcome[] } {
  const edits = new Edits();
  const outcomes: CaptureOutcome[] = [];
  if (!options.capture) return { edits, outcomes };
  const format = moduleFormat(fc);
  const analysis = new ClosureAnalysis(fc, { noImports: noImportsReason(fc, options, format), commonJs: format === "commonjs", target: emitTarget(fc) });
  for (const rdd of calls) {
    const reasons: string[] = [];
    const captured: string[] = [];
    let functions = 0;
    for (const argument of rdd.call.arguments) {
      const target = functionArgument(fc, argument);
      if (!target) continue;
      functions++;
      if (typeof target === "string") {
        reasons.push(target);
        continue;
      }
      const decision = decide(fc, analysis, target, rdd.call, format);
      if (decision.annotate) edits.add(argument, { kind: "capture", closure: decision.spec });
      if (decision.spec.inProcess) reasons.push(decision.spec.inProcess);
      else captured.push(describeSpec(decision.spec));
    }
    if (functions === 0) continue;
    // the reason alone (not the function's text), so the report can group sites by it
    outcomes.push({ rdd, inProcess: reasons[0], captured: captured.filter(Boolean).join("; ") });
  }
  return { edits, outcomes };
}

/** The compiler's output language level (its own default where none is set: ES5 before TypeScript 6, later since). */
function emitTarget(fc: FileContext): number {
  const options = fc.program.getCompilerOptions();
  const getEmitScriptTarget = (fc.ts as unknown as { getEmitScriptTarget?: (o: ts.CompilerOptions) => number }).getEmitScriptTarget;
  return getEmitScriptTarget ? getEmitScriptTarget(options) : (options.target ?? fc.ts.ScriptTarget.ES5);
}

function noImportsReason(fc: FileContext, options: CaptureOptions, format: ModuleFormat): string | undefined {
  if (!options.imports) return "bundled code: its modules cannot be loaded by a worker";
  if (format === "other") return "AMD, UMD and System output have no module URL a worker could load";
  // whether an imported function has effects is read from its module: a build that re-emits only changed
  // files (watch, incremental, composite) would keep this file's annotation after that module changed
  if (!fc.crossFile) return "this build does not read other files (crossFile off, or a watch/incremental/composite build that re-emits only changed files), so the imported module could change unseen";
  return undefined;
}

/** The function an argument passes (or why it cannot be captured), undefined for arguments that are no function. */
function functionArgument(fc: FileContext, argument: ts.Expression): FunctionNode | string | undefined {
  const { ts } = fc;
  const inner = innerExpression(ts, argument);
  if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) return inner;
  const type = fc.checker.getTypeAtLocation(argument);
  if (!fc.checker.getSignaturesOfType(fc.checker.getNonNullableType(type), ts.SignatureKind.Call).length) return undefined;
  if (ts.isIdentifier(inner)) {
    const symbol = fc.symbolOf(inner);
    const fn = symbol && !(symbol.flags & ts.SymbolFlags.Alias) ? declaredFunction(fc, symbol) : undefined;
    if (fn && fn.getSourceFile() === fc.sourceFile) return frozenAt(fc, symbol!) ?? fn;
  }
  return `\`${short(fc, argument)}\` is not a function written here or declared in this file`;
}

/** Defining a property on a frozen, sealed or non-extensible function throws: such a function is not annotated. */
function frozenAt(fc: FileContext, symbol: ts.Symbol): string | undefined {
  const { ts } = fc;
  for (const reference of fc.references(symbol)) {
    const call = reference.parent;
    if (!ts.isCallExpression(call) || !call.arguments.includes(reference)) continue;
    const callee = call.expression.getText(fc.sourceFile).replace(/\s+/g, "");
    if (/^(Object|Reflect)\.(freeze|seal|preventExtensions)$/.test(callee)) {
      return `\`${symbol.name}\` is made non-extensible at ${position(fc, call)}, so no annotation can be added to it`;
    }
  }
  return undefined;
}

function decide(fc: FileContext, analysis: ClosureAnalysis, fn: FunctionNode, site: ts.Node, format: ModuleFormat): { spec: ClosureSpec; annotate: boolean } {
  const shadowed = ["Object", "Symbol"].find((name) => !isGlobalAt(fc, name, site));
  if (shadowed) return { spec: inProcess(`\`${shadowed}\` is shadowed here, so no capture annotation can be written`), annotate: false };
  const closure = analysis.closureOf(fn);
  const reason = inProcessReason(closure) ?? nameClash(closure) ?? visibilityProblem(fc, closure, site) ?? emissionProblem(fc, closure, site, format);
  if (reason) return { spec: inProcess(reason), annotate: true };
  return { spec: specOf(fc, closure, new Set([closure]), format), annotate: true };
}

const inProcess = (reason: string): ClosureSpec => ({ values: [], imports: [], functions: [], inProcess: reason });

/** The runtime flattens every capture of one annotation into one scope: a name must mean one thing throughout. */
function nameClash(root: Closure): string | undefined {
  const meaning = new Map<string, unknown>();
  for (const closure of reachable(root)) {
    const entries: [string, unknown][] = [
      ...closure.values.map((v): [string, unknown] => [v.name, v.symbol]),
      ...closure.functions.map((f): [string, unknown] => [f.name, f.symbol]),
      ...closure.imports.map((i): [string, unknown] => [i.name, `${i.module.fileName}\0${i.exportName}`]),
    ];
    for (const [name, what] of entries) {
      if (meaning.has(name) && meaning.get(name) !== what) return `two different variables named \`${name}\` would be captured`;
      meaning.set(name, what);
    }
  }
  return undefined;
}

/** Every captured name must mean the same binding where the annotation is written (the RDD method call). */
function visibilityProblem(fc: FileContext, root: Closure, site: ts.Node): string | undefined {
  for (const closure of reachable(root)) {
    for (const captured of [...closure.values, ...closure.functions]) {
      const seen = fc.checker.resolveName(captured.name, site, fc.ts.SymbolFlags.Value, false);
      if (seen !== captured.symbol) return `it captures \`${captured.name}\`, which means another variable (or nothing) where the RDD method is called`;
    }
  }
  return undefined;
}

/** The globals the annotation's import URLs use must be the real ones. */
function emissionProblem(fc: FileContext, root: Closure, site: ts.Node, format: ModuleFormat): string | undefined {
  const hasImports = [...reachable(root)].some((c) => c.imports.length > 0);
  if (!hasImports) return undefined;
  const needed = format === "commonjs" ? "require" : "URL";
  const symbol = fc.checker.resolveName(needed, site, fc.ts.SymbolFlags.Value, false);
  const local = symbol?.declarations?.some((d) => !d.getSourceFile().isDeclarationFile);
  return local ? `\`${needed}\` is shadowed here, so the imports' URLs cannot be written` : undefined;
}

function isGlobalAt(fc: FileContext, name: string, site: ts.Node): boolean {
  return isStandardLibrary(fc, fc.checker.resolveName(name, site, fc.ts.SymbolFlags.Value, false));
}

function reachable(root: Closure): Set<Closure> {
  const seen = new Set<Closure>();
  const visit = (c: Closure): void => {
    if (seen.has(c)) return;
    seen.add(c);
    for (const f of c.functions) visit(f.closure);
  };
  visit(root);
  return seen;
}

/** The annotation's data; each function is described once (later mentions carry no info of their own). */
function specOf(fc: FileContext, closure: Closure, described: Set<Closure>, format: ModuleFormat): ClosureSpec {
  return {
    values: closure.values.map((v) => v.name),
    imports: closure.imports.map((i) => ({ name: i.name, exportName: i.exportName, from: importUrl(fc, i, format) })),
    functions: closure.functions.map((f) => {
      if (described.has(f.closure)) return { name: f.name, info: undefined };
      described.add(f.closure);
      return { name: f.name, info: specOf(fc, f.closure, described, format) };
    }),
  };
}

function describeSpec(spec: ClosureSpec): string {
  const names = (spec: ClosureSpec, into: { values: Set<string>; imports: Set<string>; functions: Set<string> }): void => {
    spec.values.forEach((v) => into.values.add(v));
    spec.imports.forEach((i) => into.imports.add(i.name));
    for (const f of spec.functions) {
      into.functions.add(f.name);
      if (f.info) names(f.info, into);
    }
  };
  const all = { values: new Set<string>(), imports: new Set<string>(), functions: new Set<string>() };
  names(spec, all);
  const parts: string[] = [];
  if (all.values.size) parts.push(`values ${[...all.values].join(", ")}`);
  if (all.imports.size) parts.push(`imports ${[...all.imports].join(", ")}`);
  if (all.functions.size) parts.push(`functions ${[...all.functions].join(", ")}`);
  return parts.join(", ");
}

type ModuleFormat = "esm" | "commonjs" | "other";

/** The module format the compiler emits this file in (per file under node16/nodenext). */
function moduleFormat(fc: FileContext): ModuleFormat {
  const { ts } = fc;
  const kind = emitModuleKind(fc);
  if (kind === ts.ModuleKind.CommonJS) return "commonjs";
  if (kind >= ts.ModuleKind.ES2015 || kind === ts.ModuleKind.None) return "esm";
  return "other"; // AMD, UMD, System: no module URL a worker could load
}

/** Program.getEmitModuleFormatOfFile (TypeScript 5.6+, not in the public typings), else the same rule by hand. */
function emitModuleKind(fc: FileContext): ts.ModuleKind {
  const { ts } = fc;
  const program = fc.program as ts.Program & { getEmitModuleFormatOfFile?: (file: ts.SourceFile) => ts.ModuleKind };
  if (program.getEmitModuleFormatOfFile) return program.getEmitModuleFormatOfFile(fc.sourceFile);
  const options = fc.program.getCompilerOptions();
  const module = options.module ?? ((options.target ?? ts.ScriptTarget.ES5) >= ts.ScriptTarget.ES2015 ? ts.ModuleKind.ES2015 : ts.ModuleKind.CommonJS);
  if (module >= ts.ModuleKind.Node16 && module <= ts.ModuleKind.NodeNext) return fc.sourceFile.impliedNodeFormat ?? ts.ModuleKind.CommonJS;
  return module;
}

const EMITTED_EXTENSION: Record<string, string> = { ".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs" };

function importUrl(fc: FileContext, captured: CapturedImport, format: ModuleFormat): ImportUrl {
  const specifier = captured.specifier;
  const relative = /^\.\.?(\/|$)/.test(specifier);
  if (!relative) return format === "commonjs" ? { kind: "cjs", specifier } : { kind: "esm-bare", specifier };
  const emitted = emittedSpecifier(fc, specifier, captured.module, format);
  return format === "commonjs" ? { kind: "cjs", specifier: emitted } : { kind: "esm-relative", path: emitted };
}

/** The relative specifier the emitted code loads: as the compiler writes it (a `.ts` extension rewritten when asked to). */
function emittedSpecifier(fc: FileContext, specifier: string, module: ts.SourceFile, format: ModuleFormat): string {
  const options = fc.program.getCompilerOptions();
  const tsExtension = /\.(ts|tsx|mts|cts)$/.exec(specifier);
  if (tsExtension && !/\.d\.[mc]?ts$/.test(specifier)) {
    if (!options.rewriteRelativeImportExtensions) return specifier;
    const ext = `.${tsExtension[1]}`;
    const jsx = ext === ".tsx" && options.jsx === fc.ts.JsxEmit.Preserve ? ".jsx" : EMITTED_EXTENSION[ext];
    return specifier.slice(0, -ext.length) + jsx;
  }
  if (/\.[mc]?jsx?$/.test(specifier) || format === "commonjs") return specifier; // require.resolve finds extensionless files
  // an extensionless specifier (bundler-style resolution): the emitted file it resolves to
  const moduleExt = path.extname(module.fileName);
  const target = module.fileName.slice(0, -moduleExt.length) + (EMITTED_EXTENSION[moduleExt] ?? moduleExt);
  const relativePath = path.relative(path.dirname(fc.sourceFile.fileName), target).split(path.sep).join("/");
  return relativePath.startsWith(".") ? relativePath : `./${relativePath}`;
}
