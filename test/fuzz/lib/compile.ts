/**
 * Compiles a batch of generated programs once (one type check) and emits it
 * three times: without the plugin, with `prune` only, and with everything on.
 * The transformer is called in-process through the TypeScript API, exactly as
 * ts-patch calls a program transformer.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import ts from "typescript";
import type { TsVariant } from "./types.js";

export type Variant = "plain" | "prune" | "all";

export interface PluginOptions {
  prune?: boolean;
  broadcast?: boolean;
}

export const VARIANTS: Record<Variant, PluginOptions | undefined> = {
  plain: undefined,
  prune: { prune: true, broadcast: false },
  all: { prune: true, broadcast: true },
};

export type ProgramTransformer = (
  program: ts.Program,
  config: Record<string, unknown>,
  extras: Record<string, unknown>,
) => ts.TransformerFactory<ts.SourceFile>;

/**
 * The transformer as ts-patch loads it: the built one (dist/cjs/transformer), or
 * with `from: "source"` transformer/**\/*.ts transpiled here, to fuzz the
 * work in progress before it is built.
 */
export function loadTransformer(root: string, from: "dist" | "source" = "dist", cacheDir?: string): ProgramTransformer {
  const require = createRequire(path.join(root, "package.json"));
  const entry = from === "dist" ? path.join(root, "dist", "cjs", "transformer", "index.js") : transpileTransformer(root, cacheDir ?? path.join(root, "test", "fuzz", ".cache"));
  const mod = require(entry) as { default?: ProgramTransformer } & ProgramTransformer;
  return mod.default ?? mod;
}

function transpileTransformer(root: string, cacheDir: string): string {
  const out = path.join(cacheDir, `transformer-src-${process.pid}`);
  fs.rmSync(out, { recursive: true, force: true });
  // the repository's layout is kept, so the transformer's imports of runtime facts (lineage constants) resolve
  const transpile = (file: string) => {
    const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, ".js");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const { outputText } = ts.transpileModule(fs.readFileSync(file, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    fs.writeFileSync(target, outputText);
  };
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) transpile(file);
    }
  };
  walk(path.join(root, "transformer"));
  transpile(path.join(root, "runtime", "lineage", "openlineage.ts"));
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify({ type: "commonjs" }));
  return path.join(out, "transformer", "index.js");
}

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2022.d.ts"],
  types: [],
  strict: true,
  skipLibCheck: true,
  noEmitOnError: false,
};

/** The tsconfig variants batches are compiled under (spread over COMPILER_OPTIONS). */
export const TS_VARIANT_OPTIONS: Record<TsVariant, ts.CompilerOptions> = {
  strict: {},
  loose: { strict: false },
  unchecked: { noUncheckedIndexedAccess: true },
  exact: { exactOptionalPropertyTypes: true },
};

/** A compiler host that keeps parsed library and declaration files across batches. */
export function cachingHost(options: ts.CompilerOptions, isBatchFile: (f: string) => boolean): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const cache = new Map<string, ts.SourceFile | undefined>();
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (isBatchFile(fileName)) return original(fileName, languageVersion, onError, shouldCreate);
    const key = `${fileName}|${typeof languageVersion === "object" ? languageVersion.languageVersion : languageVersion}`;
    if (!cache.has(key)) cache.set(key, original(fileName, languageVersion, onError, shouldCreate));
    return cache.get(key);
  };
  return host;
}

export interface TransformerIssue {
  variant: Variant;
  file: string;
  message: string;
}

export interface CompiledBatch {
  /** Type errors per source file (a generator bug when not empty). */
  typeErrors: Map<string, string[]>;
  /** Emitted JavaScript per variant per source file (absolute .ts path). */
  js: Record<Variant, Map<string, string>>;
  /** Transformer crashes (exceptions out of emit). */
  crashes: TransformerIssue[];
  /** Diagnostics the transformer reported through ts-patch's `addDiagnostic`. */
  diagnostics: TransformerIssue[];
  compileMs: number;
  /** Parse + type check. */
  checkMs: number;
  /** Emit time per variant (the transformer's share is prune/all minus plain). */
  emitMs: Record<Variant, number>;
}

const formatDiagnostic = (d: ts.Diagnostic) => {
  const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
  return `${where ? `${where.line + 1}:${where.character + 1} ` : ""}TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
};

function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/**
 * Emit without a full type check (the transformer still asks the checker what it needs):
 * for long runs, once the generator is known to produce well-typed programs.
 */
export const FAST_OPTIONS: ts.CompilerOptions = { ...COMPILER_OPTIONS, noCheck: true, verbatimModuleSyntax: true };

/** Type-checks `files` (unless `fast`) under the tsconfig variant and emits each variant in memory. */
export function compileBatch(
  files: readonly string[],
  transformer: ProgramTransformer,
  host: ts.CompilerHost,
  oldProgram?: ts.Program,
  fast = false,
  tsVariant: TsVariant = "strict",
): CompiledBatch & { program: ts.Program } {
  const start = performance.now();
  const options = { ...(fast ? FAST_OPTIONS : COMPILER_OPTIONS), ...TS_VARIANT_OPTIONS[tsVariant] };
  const program = ts.createProgram({ rootNames: files, options, host, ...(oldProgram ? { oldProgram } : {}) });
  const typeErrors = new Map<string, string[]>();
  for (const d of fast ? [] : ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? "(global)";
    typeErrors.set(file, [...(typeErrors.get(file) ?? []), formatDiagnostic(d)]);
  }
  const checkedAt = performance.now();
  const js = { plain: new Map<string, string>(), prune: new Map<string, string>(), all: new Map<string, string>() };
  const crashes: TransformerIssue[] = [];
  const emitMs: Record<Variant, number> = { plain: 0, prune: 0, all: 0 };
  const diagnostics: TransformerIssue[] = [];
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const options = VARIANTS[variant];
    const extras = {
      ts,
      library: "typescript",
      diagnostics: [] as ts.Diagnostic[],
      addDiagnostic: (d: ts.Diagnostic) => {
        diagnostics.push({ variant, file: d.file?.fileName ?? "(unknown)", message: formatDiagnostic(d) });
        return 0;
      },
      removeDiagnostic: () => {},
    };
    let before: ts.TransformerFactory<ts.SourceFile>[] = [];
    try {
      if (options) before = [transformer(program, { transform: "rddopt/transformer", ...options }, extras)];
    } catch (e) {
      crashes.push({ variant, file: "(factory)", message: describeError(e) });
      continue;
    }
    const variantStart = performance.now();
    for (const file of files) {
      try {
        program.emit(program.getSourceFile(file), (name, text) => {
          if (name.endsWith(".js")) js[variant].set(file, text);
        }, undefined, false, { before });
      } catch (e) {
        crashes.push({ variant, file, message: describeError(e) });
      }
    }
    emitMs[variant] = performance.now() - variantStart;
  }
  return { program, typeErrors, js, crashes, diagnostics, compileMs: performance.now() - start, checkMs: checkedAt - start, emitMs };
}

/**
 * Writes each variant's JavaScript next to the sources: `<dir>/<variant>/<path under dir/src>.js`
 * (a program's modules stay together in their folder, so relative imports resolve).
 */
export function writeVariants(dir: string, batch: CompiledBatch): Record<Variant, Map<string, string>> {
  const out = { plain: new Map<string, string>(), prune: new Map<string, string>(), all: new Map<string, string>() };
  const src = path.resolve(dir, "src");
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const vdir = path.join(dir, variant);
    for (const [file, text] of batch.js[variant]) {
      const target = path.join(vdir, path.relative(src, path.resolve(file)).replace(/\.ts$/, ".js"));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
      out[variant].set(file, target);
    }
  }
  return out;
}
