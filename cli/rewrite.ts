/**
 * `rddopt rewrite --out DIR`: the project's optimized TypeScript sources, for any compiler to build
 * (TypeScript 7's tsc, a bundler, node's type stripping). The edits are the transformer's own plan applied
 * to the original text (transformer/rewrite/text.ts), each rewritten file with a `.map` beside it leading
 * back to the original; every other file of the project directory is copied as it is.
 *
 * The output must still type-check. Pruning changes the runtime shape of values while their static types
 * still describe the original tuples and objects, so the rewrite erases the static types at the sites it
 * changes: projections are `projectValues<K, any, any>`, pruned literals `as any`, renumbered index reads
 * read from `any`. Then it type-checks the result in memory; where errors remain, destructuring patterns
 * it renumbered are annotated `: any`, and a file that still does not check gets `// @ts-nocheck`.
 */
import fs from "node:fs";
import path from "node:path";
import type * as ts from "typescript";
import MagicString from "magic-string";
import { allEdits, normalizeOptions, planFor, mentionsRddopt } from "../transformer/engine.js";
import { applyTextEdits, textEditMap, type TextEditOptions } from "../transformer/rewrite/text.js";
import { injectLineageText } from "../transformer/lineage/inject.js";
import type { Optimization, RddoptOptions, TransformerWarning } from "../transformer/report/types.js";
import { CliError } from "./errors.js";
import type { TypeScript } from "./typescript.js";

export interface RewrittenFile {
  /** Absolute path of the original source. */
  fileName: string;
  code: string;
  /** Source map (v3, JSON) from `code` to the original, `sources` relative to the map's own directory. */
  map: string;
  optimizations: Optimization[];
  /**
   * How much type erasure the file needed: "sites" (the edited sites), "patterns" (also the renumbered
   * destructuring patterns), "nocheck" (`// @ts-nocheck`; also for a file rddopt did not optimize whose
   * types broke because a rewritten module it imports exports erased types).
   */
  typing: "sites" | "patterns" | "nocheck";
  /** With "nocheck": the first error that remained without it. */
  typeError?: string;
}

export interface RewriteResult {
  files: RewrittenFile[];
  /** Files rddopt left as written, with the reason (type errors, no type information, internal errors). */
  warnings: TransformerWarning[];
  /** Errors the output still has after every fallback (none expected): file → first error. */
  remainingErrors: Map<string, string>;
}

type Plan = ReturnType<typeof planFor>;
type Rendered = ReturnType<typeof applyTextEdits>;

const NOCHECK = "// @ts-nocheck -- rddopt rewrite: the static types here no longer describe the pruned values (see rddopt's docs/entry-points.md)\n";

const rewritable = (fileName: string) => /\.(ts|tsx|mts|cts)$/.test(fileName) && !/\.d\.(ts|mts|cts)$/.test(fileName);

/**
 * Plans every file of `files` (absolute paths) and applies the edits to the text, with the types the edits
 * invalidate erased and the result type-checked; `outputOf(file)` is where the rewritten `file` will be
 * written (its map goes beside it, `<file>.map`).
 */
export function rewriteProgram(
  tsi: TypeScript,
  program: ts.Program,
  files: readonly string[],
  options: RddoptOptions,
  outputOf: (fileName: string) => string,
): RewriteResult {
  const planOptions = normalizeOptions(options);
  const checker = program.getTypeChecker();
  const warnings: TransformerWarning[] = [];
  const planned = new Map<string, { sourceFile: ts.SourceFile; plan: Plan }>();
  for (const file of files) {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile || !rewritable(file) || !mentionsRddopt(tsi, program, sourceFile)) continue;
    const plan = planFor(tsi, program, sourceFile, planOptions);
    warnings.push(...plan.warnings);
    // with lineage tags every file with pipelines is rewritten (render finds out whether it has actions)
    if (allEdits(plan).size > 0 || options.lineage === true) planned.set(sourceFile.fileName, { sourceFile, plan });
  }

  const typing = new Map<string, RewrittenFile["typing"]>();
  const typeErrors = new Map<string, string>();
  const render = (sourceFile: ts.SourceFile, plan: Plan): Rendered => {
    const level = typing.get(sourceFile.fileName) ?? "sites";
    const textOptions: TextEditOptions = { types: level === "sites" ? "erase" : "erase-patterns", checker };
    const result = applyTextEdits(tsi, sourceFile, allEdits(plan), textOptions);
    const tagged = options.lineage === true && injectLineageText(tsi, program, sourceFile, result.magic) > 0;
    if (level === "nocheck") prependNocheck(result.magic, sourceFile.text);
    return { ...result, code: result.magic.toString(), changed: result.changed || tagged };
  };
  const texts = new Map<string, Rendered>();
  for (const [file, { sourceFile, plan }] of planned) {
    try {
      texts.set(file, render(sourceFile, plan));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      warnings.push({ code: 90003, file, start: 0, length: 0, message: `rddopt rewrite: internal error while rewriting, file left unchanged: ${message}` });
    }
  }

  // Type-check the rewritten project; where new errors remain, erase more (patterns, then the file).
  const unchanged = new Map<string, Rendered>(); // files rddopt did not optimize that need @ts-nocheck
  // Only a rewritten file, or one that imports one (directly or not), can get new errors: check just those.
  const affected = dependentsOf(tsi, program, new Set(planned.keys()));
  const baseline = errorKeysOf(tsi, program);
  let previous: ts.Program = program;
  let remainingErrors = new Map<string, string>();
  for (let round = 0; round < 4 && texts.size > 0; round++) {
    const overlay = overlayProgram(tsi, program, new Map([...texts, ...unchanged].map(([f, r]) => [f, r.code])), previous);
    previous = overlay;
    remainingErrors = newErrors(tsi, overlay, baseline, affected);
    let escalated = false;
    for (const [file, first] of remainingErrors) {
      const entry = planned.get(file);
      if (entry && texts.has(file)) {
        const level = typing.get(file) ?? "sites";
        if (level === "nocheck") continue;
        const next = level === "sites" ? "patterns" : "nocheck";
        typing.set(file, next);
        if (next === "nocheck") typeErrors.set(file, first);
        texts.set(file, render(entry.sourceFile, entry.plan));
        escalated = true;
      } else if (!unchanged.has(file)) {
        const sourceFile = overlay.getSourceFile(file);
        if (!sourceFile) continue;
        const original = program.getSourceFile(file) ?? sourceFile;
        const magic = new MagicString(original.text);
        prependNocheck(magic, original.text);
        unchanged.set(file, { code: magic.toString(), changed: true, magic });
        typing.set(file, "nocheck");
        typeErrors.set(file, first);
        escalated = true;
      }
    }
    if (!escalated) break;
  }

  const rewritten: RewrittenFile[] = [];
  for (const [file, result] of [...texts, ...unchanged]) {
    if (!result.changed) continue;
    const mapFile = `${outputOf(file)}.map`;
    const map = textEditMap(result, path.relative(path.dirname(mapFile), file).split(path.sep).join("/"), path.basename(outputOf(file)));
    rewritten.push({
      fileName: file,
      code: result.code,
      map: map.toString(),
      optimizations: planned.get(file)?.plan.optimizations ?? [],
      typing: typing.get(file) ?? "sites",
      typeError: typeErrors.get(file),
    });
  }
  return { files: rewritten, warnings, remainingErrors };
}

function prependNocheck(magic: MagicString, text: string): void {
  if (text.startsWith("#!")) {
    const end = text.indexOf("\n");
    if (end >= 0) magic.prependLeft(end + 1, NOCHECK);
    else magic.prepend(NOCHECK);
  } else {
    magic.prepend(NOCHECK);
  }
}

function errorText(tsi: TypeScript, d: ts.Diagnostic): string {
  return `TS${d.code}: ${tsi.flattenDiagnosticMessageText(d.messageText, "\n")}`;
}

function errorsOf(tsi: TypeScript, program: ts.Program, file: ts.SourceFile): ts.Diagnostic[] {
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].filter((d) => d.category === tsi.DiagnosticCategory.Error);
}

/**
 * `changed` and every project file that imports one of them, directly or through others: the files whose
 * diagnostics a rewrite of `changed` can change. A file that reaches modules by other means the import
 * graph does not show (`import("...")` types, `/// <reference>`) is counted in, to stay on the safe side.
 */
function dependentsOf(tsi: TypeScript, program: ts.Program, changed: ReadonlySet<string>): Set<string> {
  const checker = program.getTypeChecker();
  const importers = new Map<string, string[]>();
  const affected = new Set(changed);
  for (const file of program.getSourceFiles()) {
    if (program.isSourceFileFromExternalLibrary(file) || file.isDeclarationFile) continue;
    if (file.text.includes("import(") || file.text.includes("/// <reference")) affected.add(file.fileName);
    for (const statement of file.statements) {
      const specifier = tsi.isImportDeclaration(statement) || tsi.isExportDeclaration(statement) ? statement.moduleSpecifier : undefined;
      if (!specifier || !tsi.isStringLiteral(specifier)) continue;
      const target = checker.getSymbolAtLocation(specifier)?.valueDeclaration;
      if (target && tsi.isSourceFile(target)) importers.set(target.fileName, [...(importers.get(target.fileName) ?? []), file.fileName]);
    }
  }
  const queue = [...affected];
  while (queue.length > 0) {
    for (const importer of importers.get(queue.pop()!) ?? []) {
      if (!affected.has(importer)) {
        affected.add(importer);
        queue.push(importer);
      }
    }
  }
  return affected;
}

/**
 * A file's errors in the original program, by message (positions move in rewritten files). Asked only for
 * files that have errors after the rewrite, so a rewrite that type-checks costs no second full check.
 */
function errorKeysOf(tsi: TypeScript, program: ts.Program): (fileName: string) => ReadonlySet<string> {
  const known = new Map<string, Set<string>>();
  return (fileName) => {
    let keys = known.get(fileName);
    if (!keys) {
      const file = program.getSourceFile(fileName);
      keys = new Set(file ? errorsOf(tsi, program, file).map((d) => errorText(tsi, d)) : []);
      known.set(fileName, keys);
    }
    return keys;
  };
}

/** Files of the rewritten program with errors the original did not have: file → the first one, formatted. */
function newErrors(tsi: TypeScript, program: ts.Program, baseline: (fileName: string) => ReadonlySet<string>, within: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of program.getSourceFiles()) {
    if (program.isSourceFileFromExternalLibrary(file) || file.isDeclarationFile || !within.has(file.fileName)) continue;
    for (const d of errorsOf(tsi, program, file)) {
      if (baseline(file.fileName).has(errorText(tsi, d))) continue;
      const { line, character } = file.getLineAndCharacterOfPosition(d.start ?? 0);
      if (!found.has(file.fileName)) found.set(file.fileName, `${line + 1}:${character + 1} ${errorText(tsi, d)}`);
    }
  }
  return found;
}

/** The program with some files' text replaced (same options, same roots). */
function overlayProgram(tsi: TypeScript, program: ts.Program, texts: Map<string, string>, oldProgram?: ts.Program): ts.Program {
  const options = program.getCompilerOptions();
  const host = tsi.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = texts.get(path.resolve(fileName)) ?? texts.get(fileName);
    if (text !== undefined) return tsi.createSourceFile(fileName, text, languageVersion, true);
    // an unchanged file: the original's SourceFile, already parsed and bound (same options, same text)
    return program.getSourceFile(fileName) ?? getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => texts.get(path.resolve(fileName)) ?? readFile(fileName);
  return tsi.createProgram({ rootNames: program.getRootFileNames(), options, host, oldProgram, projectReferences: program.getProjectReferences() });
}

// ---------------------------------------------------------------------------------------------------------
// Writing the output directory

/** Directories never copied into the output. */
const SKIPPED = new Set(["node_modules", ".git"]);

/** The directory the output mirrors: the tsconfig's directory, or an ancestor holding every project file. */
export function projectBase(configPath: string, files: readonly string[]): string {
  let base = path.dirname(path.resolve(configPath));
  for (const file of files) {
    while (path.relative(base, file).startsWith("..")) base = path.dirname(base);
  }
  return base;
}

const MARKER = ".rddopt-rewrite";
const inside = (dir: string, file: string) => !path.relative(dir, file).startsWith("..") && !path.isAbsolute(path.relative(dir, file));

/** Refuses an output directory that holds the project, or that is not empty and not an earlier rewrite's; returns it resolved. */
export function checkOutput(base: string, out: string): string {
  const resolvedOut = path.resolve(out);
  if (inside(resolvedOut, base)) throw new CliError(`--out ${out} holds the project itself: choose a directory that is not the project or one of its parents.`);
  if (fs.existsSync(resolvedOut)) {
    if (!fs.statSync(resolvedOut).isDirectory()) throw new CliError(`--out ${out} is a file: choose a directory.`);
    const entries = fs.readdirSync(resolvedOut);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new CliError(`--out ${out} exists and is not empty (and not written by rddopt rewrite): choose a new or empty directory.`);
    }
  }
  return resolvedOut;
}

export interface WriteOutcome {
  written: string[];
  copied: number;
  linkedNodeModules: boolean;
}

/**
 * Replaces `out` with a copy of `base` (minus node_modules, .git, `out` itself and the directories in `skip`,
 * e.g. the build's outDir), with the rewritten files and their maps in place of the originals.
 */
export function writeOutput(base: string, out: string, result: RewriteResult, skip: readonly string[] = []): WriteOutcome {
  const resolvedOut = checkOutput(base, out);
  for (const entry of fs.existsSync(resolvedOut) ? fs.readdirSync(resolvedOut) : []) fs.rmSync(path.join(resolvedOut, entry), { recursive: true, force: true });
  fs.mkdirSync(resolvedOut, { recursive: true });
  fs.writeFileSync(path.join(resolvedOut, MARKER), "written by `rddopt rewrite`; the whole directory is replaced on the next run\n");

  const skipped = [resolvedOut, ...skip.map((s) => path.resolve(s))];
  const rewritten = new Set(result.files.map((f) => path.resolve(f.fileName)));
  let copied = 0;
  const copy = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const from = path.join(dir, entry.name);
      if (SKIPPED.has(entry.name) || skipped.some((s) => inside(s, from)) || rewritten.has(from)) continue;
      const to = path.join(resolvedOut, path.relative(base, from));
      if (entry.isDirectory()) {
        fs.mkdirSync(to, { recursive: true });
        copy(from);
      } else if (entry.isSymbolicLink()) {
        fs.symlinkSync(fs.readlinkSync(from), to);
        copied++;
      } else if (entry.isFile()) {
        fs.copyFileSync(from, to);
        copied++;
      }
    }
  };
  copy(base);

  const written: string[] = [];
  for (const file of result.files) {
    const to = path.join(resolvedOut, path.relative(base, file.fileName));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, file.code);
    fs.writeFileSync(`${to}.map`, file.map);
    written.push(to);
  }

  // Packages resolve from the nearest node_modules up the tree: outside the project, link the project's.
  let linkedNodeModules = false;
  const modules = path.join(base, "node_modules");
  if (!inside(base, resolvedOut) && fs.existsSync(modules)) {
    fs.symlinkSync(modules, path.join(resolvedOut, "node_modules"), "junction");
    linkedNodeModules = true;
  }
  return { written, copied, linkedNodeModules };
}

/** Where the rewritten `fileName` and its map go. */
export function outputPath(base: string, out: string, fileName: string): string {
  return path.join(path.resolve(out), path.relative(base, fileName));
}
