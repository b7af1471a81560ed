/**
 * `node --import rddopt/register src/main.ts`: runs a TypeScript project with rddopt, no build step.
 *
 * Once, before the program starts: finds the nearest tsconfig.json (from the entry script's directory up;
 * `RDDOPT_TSCONFIG` overrides), type-checks the project as one ts.Program (TypeScript 6 API: the project's
 * 5.9/6.0 compiler, else rddopt's bundled TypeScript 6, e.g. in a TypeScript 7 project) and emits every file
 * to memory with the rddopt transformer, with inline source maps. Then it serves those files: Node's
 * module.register hooks for ES modules (top-level await works), a require hook for CommonJS. Each file runs
 * in the format the compiler emitted it in (NodeNext: what its package.json says).
 *
 * A project with type errors still runs, unoptimized, after the errors and rddopt's warning are printed.
 * A .ts file outside the tsconfig is transpiled alone (unoptimized, with a warning).
 */
import fs from "node:fs";
import Module, { register } from "node:module";
import path from "node:path";
import type * as ts from "typescript";
import rddoptTransformer from "../transformer/index.js";
import { captureOptions, lineageOption, pluginOptions } from "./options.js";
import { saveCodeCaches } from "./code-cache.js";
import { loadTypeScript, type TypeScript } from "./typescript.js";
import type { CompiledFile, HookData } from "./register-hooks.js";

const PREFIX = "rddopt/register";
const warn = (message: string) => process.stderr.write(`${PREFIX}: ${message}\n`);

function findTsconfig(from: string): string | undefined {
  const override = process.env.RDDOPT_TSCONFIG;
  if (override) {
    const resolved = path.resolve(override);
    const file = fs.existsSync(resolved) && fs.statSync(resolved).isDirectory() ? path.join(resolved, "tsconfig.json") : resolved;
    if (fs.existsSync(file)) return file;
    warn(`RDDOPT_TSCONFIG=${override}: no such tsconfig`);
    return undefined;
  }
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "tsconfig.json");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir || path.basename(dir) === "node_modules") return undefined;
  }
}

/** The options the in-memory emit needs, whatever the project's build writes (declarations, build info, ...). */
function emitOptions(tsi: TypeScript, options: ts.CompilerOptions): ts.CompilerOptions {
  return {
    ...options,
    noEmit: false,
    emitDeclarationOnly: false,
    declaration: false,
    declarationMap: false,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
    noEmitOnError: false,
    outFile: undefined,
    // written to memory only, "beside" each source, so the inline map's relative `sources` name the source as
    // Node sees the module (its .ts path); JavaScript inputs (allowJs) are not emitted then, and need not be
    outDir: undefined,
    newLine: tsi.NewLineKind.LineFeed,
  };
}

/** "module" or "commonjs": how the compiler emitted `sourceFile` (Node decides the same for NodeNext). */
function formatOf(tsi: TypeScript, sourceFile: ts.SourceFile, options: ts.CompilerOptions): CompiledFile["format"] {
  const file = sourceFile.fileName;
  if (file.endsWith(".mts")) return "module";
  if (file.endsWith(".cts")) return "commonjs";
  const kind = options.module;
  const M = tsi.ModuleKind;
  if (kind !== undefined && kind >= M.Node16 && kind <= M.NodeNext) return sourceFile.impliedNodeFormat === M.ESNext ? "module" : "commonjs";
  if (kind === M.CommonJS || kind === M.AMD || kind === M.UMD || kind === M.System) return "commonjs";
  if (kind === undefined || kind === M.None) return (options.target ?? tsi.ScriptTarget.ES2015) < tsi.ScriptTarget.ES2015 ? "commonjs" : "module";
  return "module";
}

function formatHost(tsi: TypeScript): ts.FormatDiagnosticsHost {
  return { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => tsi.sys.newLine };
}

interface Compiled {
  tsi: TypeScript;
  tsPath: string;
  options: ts.CompilerOptions;
  files: Map<string, CompiledFile>;
}

async function compileProject(configPath: string): Promise<Compiled> {
  const configDir = path.dirname(configPath);
  const { ts: tsi, from } = await loadTypeScript(configDir);
  const read = tsi.readConfigFile(configPath, (f) => tsi.sys.readFile(f));
  if (read.error) throw new Error(tsi.formatDiagnostics([read.error], formatHost(tsi)));
  const parsed = tsi.parseJsonConfigFileContent(read.config, tsi.sys, configDir, undefined, configPath);
  const fatal = parsed.errors.filter((d) => d.category === tsi.DiagnosticCategory.Error && d.code !== 18003);
  if (fatal.length) throw new Error(`invalid ${configPath}:\n${tsi.formatDiagnostics(fatal, formatHost(tsi))}`);
  const options = emitOptions(tsi, parsed.options);
  const program = tsi.createProgram({ rootNames: parsed.fileNames, options, projectReferences: parsed.projectReferences });

  const errors = [...program.getSyntacticDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()].filter(
    (d) => d.category === tsi.DiagnosticCategory.Error,
  );
  const transformers: ts.CustomTransformers = {};
  if (errors.length > 0) {
    const shown = errors.slice(0, 10);
    const format = process.stderr.isTTY ? tsi.formatDiagnosticsWithColorAndContext : tsi.formatDiagnostics;
    process.stderr.write(format(shown, formatHost(tsi)));
    if (errors.length > shown.length) process.stderr.write(`... and ${errors.length - shown.length} more\n`);
    warn(
      `warning: ${errors.length} type error${errors.length === 1 ? "" : "s"} in ${path.relative(process.cwd(), configPath) || configPath}: ` +
        "running the program UNOPTIMIZED (rddopt needs a program that type-checks; fix the errors to get the optimized one).",
    );
  } else {
    const configured = pluginOptions(parsed.options);
    const transformer = rddoptTransformer(program, { ...configured, lineage: lineageOption(parsed.options), ...captureOptions(parsed.options), warnings: "stderr" }, { ts: tsi });
    transformers.before = [transformer];
  }

  const files = new Map<string, CompiledFile>();
  const bySource = new Map<string, ts.SourceFile>(program.getSourceFiles().map((f) => [path.resolve(f.fileName), f]));
  const result = program.emit(
    undefined,
    (fileName, text, _bom, _onError, sources) => {
      if (!/\.(m|c)?jsx?$/.test(fileName) || !sources?.length) return;
      const source = path.resolve(sources[0].fileName);
      const sourceFile = bySource.get(source);
      if (!sourceFile) return;
      files.set(source, { code: text, format: formatOf(tsi, sourceFile, parsed.options) });
    },
    undefined,
    false,
    transformers,
  );
  if (result.emitSkipped) warn("warning: TypeScript skipped the emit; .ts files are transpiled one by one, unoptimized");
  return { tsi, tsPath: from, options: parsed.options, files };
}

/** A file outside the project: transpiled alone, without types (so unoptimized). */
function transpileAlone(tsi: TypeScript, options: ts.CompilerOptions, file: string, format: CompiledFile["format"]): string {
  const out = tsi.transpileModule(fs.readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: {
      ...options,
      module: format === "module" ? tsi.ModuleKind.ESNext : tsi.ModuleKind.CommonJS,
      moduleResolution: undefined,
      inlineSourceMap: true,
      inlineSources: true,
      sourceMap: false,
      declaration: false,
      noEmit: false,
    },
  });
  return out.outputText;
}

const warnedAlone = new Set<string>();
function warnAlone(file: string, configPath: string | undefined): void {
  if (warnedAlone.has(file)) return;
  warnedAlone.add(file);
  warn(
    `warning: ${path.relative(process.cwd(), file)} is not part of ${configPath ? path.relative(process.cwd(), configPath) : "a tsconfig.json project"}: ` +
      "transpiled on its own, unoptimized.",
  );
}

type ModuleInternals = typeof Module & {
  _extensions: Record<string, (module: { _compile(code: string, filename: string): void }, filename: string) => void>;
  _resolveFilename: (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
};

/** CommonJS: `.ts` files compile through the same in-memory output; `require("./x.js")` finds `x.ts`. */
function installRequireHook(compiled: Compiled | undefined, configPath: string | undefined, fallback: () => { tsi: TypeScript; options: ts.CompilerOptions }): void {
  const internals = Module as ModuleInternals;
  const compile = (module: { _compile(code: string, filename: string): void }, filename: string) => {
    const file = path.resolve(filename);
    const output = compiled?.files.get(file);
    if (output && output.format === "module") {
      throw new Error(`${PREFIX}: ${file} is an ES module (as compiled from the tsconfig): import it instead of require()`);
    }
    if (output) return module._compile(output.code, filename);
    warnAlone(file, configPath);
    const { tsi, options } = fallback();
    module._compile(transpileAlone(tsi, options, file, "commonjs"), filename);
  };
  for (const extension of [".ts", ".cts", ".tsx"]) internals._extensions[extension] = compile;
  const resolveFilename = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, options) {
    try {
      return resolveFilename.call(this, request, parent, isMain, options);
    } catch (error) {
      const mapped = /^\.\.?\//.test(request) && request.replace(/\.js$/, ".ts").replace(/\.cjs$/, ".cts").replace(/\.jsx$/, ".tsx");
      if (mapped && mapped !== request) {
        try {
          return resolveFilename.call(this, mapped, parent, isMain, options);
        } catch {
          // fall through to the original error
        }
      }
      throw error;
    }
  };
}

async function main(): Promise<void> {
  const entry = process.argv[1] ? path.resolve(process.argv[1]) : undefined;
  const configPath = findTsconfig(entry ? path.dirname(entry) : process.cwd());
  let compiled: Compiled | undefined;
  if (!configPath) {
    warn(`warning: no tsconfig.json found from ${entry ? path.dirname(entry) : process.cwd()}: .ts files run transpiled one by one, unoptimized (set RDDOPT_TSCONFIG to point at one).`);
  } else {
    try {
      compiled = await compileProject(configPath);
      saveCodeCaches(); // now, not at the program's exit: the compile is done, and the program may never exit cleanly
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      warn(`error: ${message.replace(/^rddopt: /, "")}`);
      warn("warning: .ts files run transpiled one by one, unoptimized.");
    }
  }
  const dir = configPath ? path.dirname(configPath) : process.cwd();
  const loaded = compiled ? { ts: compiled.tsi, from: compiled.tsPath } : await loadTypeScript(dir).catch(() => undefined);
  if (!loaded) {
    warn("error: no TypeScript to transpile with: install typescript, or reinstall rddopt (it brings TypeScript 6).");
    process.exit(1);
  }
  const fallbackTs = { tsi: loaded.ts, options: compiled?.options ?? { target: loaded.ts.ScriptTarget.ES2022 }, path: loaded.from };

  process.setSourceMapsEnabled(true);
  installRequireHook(compiled, configPath, () => fallbackTs);
  const data: HookData = {
    files: Object.fromEntries([...(compiled?.files ?? [])].map(([file, output]) => [file, output])),
    typescript: fallbackTs.path,
    options: JSON.parse(JSON.stringify(fallbackTs.options)) as Record<string, unknown>,
    configPath: configPath ?? null,
  };
  register(new URL("./register-hooks.js", import.meta.url).href, { parentURL: import.meta.url, data });
}

await main();
