/**
 * rddopt as a bundler plugin, on unplugin: `rddopt/vite`, `rddopt/esbuild`, `rddopt/rollup`,
 * `rddopt/webpack` and `rddopt/rspack` are this one factory.
 *
 * `transform` (enforce "pre", before the bundler strips types) takes each TypeScript file of the tsconfig's
 * project, plans it on one analysis Program shared by the whole build and its rebuilds (program.ts), and
 * applies the edits to the text it was handed, the same path as `rddopt rewrite` and `rddopt/register`
 * (transformer/rewrite/text.ts), with a source map. The output stays TypeScript.
 *
 * Watch and HMR: the analysis runs with `crossFile: false`, so a file's plan depends only on its own code
 * and the types it imports; every project file those types come from is registered with `addWatchFile`, so
 * an edit there re-transforms the importer (and a file's own edit re-transforms it, as always).
 */
import path from "node:path";
import type * as ts from "typescript";
import { createUnplugin, type UnpluginBuildContext, type UnpluginContext, type UnpluginInstance } from "unplugin";
import { mentionsRddopt, normalizeOptions, planFor } from "../../transformer/engine.js";
import { applyTextEdits, textEditMap } from "../../transformer/rewrite/text.js";
import type { RddoptOptions, TransformerWarning } from "../../transformer/report/types.js";
import type { EnvironmentModuleGraph, EnvironmentModuleNode, ViteDevServer } from "vite";
import { loadTypeScript, type LoadedTypeScript } from "../typescript.js";
import { findTsconfig } from "./tsconfig.js";
import { AnalysisProgram } from "./program.js";
import { compileFilter, type FilterPattern } from "./filter.js";

export interface RddoptBundlerOptions {
  /** Prune unread fields before every shuffle (default true). */
  prune?: boolean;
  /** Give joins written without a strategy `strategy: "auto"` and a site id (default true). */
  broadcast?: boolean;
  /** "warn" (default): rddopt's warnings go through the bundler's warning channel; "silent": dropped. */
  warnings?: "warn" | "silent";
  /**
   * The tsconfig whose program is analysed: a file, or a directory holding tsconfig.json. Default: the
   * nearest tsconfig.json from the bundler's root (Vite) or the working directory, upwards.
   */
  tsconfig?: string;
  /** Only files matching (a RegExp, or a path: a file or a directory prefix, relative to the working directory). */
  include?: FilterPattern;
  /** Never these files (same forms as `include`). node_modules and .d.ts files are always left alone. */
  exclude?: FilterPattern;
  /** The TypeScript (directory or module) to analyse with; default as `rddopt rewrite`: the project's 5.9/6.0, else rddopt's TypeScript 6. */
  typescript?: string;
}

const TYPESCRIPT_FILE = /\.(ts|tsx|mts|cts)$/;
const DECLARATION_FILE = /\.d\.(ts|mts|cts)$/;

type TransformContext = UnpluginBuildContext & UnpluginContext;

/** The engine's options in bundler mode. */
export function engineOptions(options: RddoptBundlerOptions): RddoptOptions {
  return {
    prune: options.prune,
    broadcast: options.broadcast,
    // A bundler re-transforms only changed modules: reading through other files' functions would leave an
    // importer's plan stale. Off, so each file's plan depends on its own code (and its imports' types, watched).
    crossFile: false,
    // Bundled code's modules cannot be loaded by worker threads: functions that use imports run in process
    // (captured values and same-file functions still reach workers).
    imports: false,
  };
}

/** A bundler module id as a file path: no query (`?v=123`), no virtual modules. */
function fileOf(id: string): string | undefined {
  if (id.startsWith("\0") || id.startsWith("virtual:")) return undefined;
  const file = id.split("?")[0]!;
  return path.isAbsolute(file) ? path.normalize(file) : undefined;
}

export function createRddoptPlugin(options: RddoptBundlerOptions = {}, root?: () => string | undefined) {
  /** Project file -> the analysed files whose plans rest on its types (they import it, directly or not). */
  const importers = new Map<string, Set<string>>();
  const planOptions = normalizeOptions(engineOptions(options));
  const filter = compileFilter(options.include, options.exclude, process.cwd());
  type State = { loaded: LoadedTypeScript; analysis: AnalysisProgram };
  let state: Promise<State> | undefined;
  /** Set once `state` resolved: the hooks that only invalidate need no await. */
  let ready: State | undefined;
  let noted = false;

  const analysisState = () =>
    (state ??= (async () => {
      const configPath = findTsconfig(options.tsconfig, root?.() ?? process.cwd());
      const loaded = await loadTypeScript(path.dirname(configPath), options.typescript);
      return (ready = { loaded, analysis: new AnalysisProgram(loaded.ts, configPath) });
    })());

  const warn = (context: TransformContext, message: string, file?: string, position?: { line: number; column: number }): void => {
    if (options.warnings === "silent") return;
    context.warn(position && file ? { message, id: file, loc: { file, ...position } } : message);
  };

  async function transform(this: TransformContext, code: string, id: string) {
    const file = fileOf(id);
    if (!file || !TYPESCRIPT_FILE.test(file) || DECLARATION_FILE.test(file) || file.includes(`${path.sep}node_modules${path.sep}`) || !filter(file)) return null;
    let current: Awaited<ReturnType<typeof analysisState>>;
    try {
      current = await analysisState();
    } catch (error) {
      state = undefined; // a fixed tsconfig is picked up on the next file
      warn(this, `rddopt: ${messageOf(error)}; ${path.basename(file)} left unoptimized`);
      return null;
    }
    const { loaded, analysis } = current;
    if (loaded.note && !noted) {
      noted = true;
      warn(this, `rddopt: ${loaded.note}`);
    }
    try {
      if (!analysis.includes(file)) return null; // not in the tsconfig's project: nothing to analyse it with
      const program = analysis.programFor(file, code);
      const sourceFile = program.getSourceFile(file);
      if (!sourceFile || !mentionsRddopt(loaded.ts, program, sourceFile)) return null;
      if (sourceFile.text !== code) {
        // the file changed on disk while the bundler held this text: edits planned on one cannot apply to the other
        warn(this, `rddopt: ${path.basename(file)} changed while it was being bundled; left unoptimized until the next rebuild`, file);
        return null;
      }
      for (const dependency of analysis.projectDependencies(program, sourceFile)) {
        this.addWatchFile(dependency);
        if (!importers.has(dependency)) importers.set(dependency, new Set());
        importers.get(dependency)!.add(file);
      }
      const plan = planFor(loaded.ts, program, sourceFile, planOptions);
      for (const w of plan.warnings) warn(this, w.message, file, positionOf(sourceFile, w));
      if (plan.edits.size === 0) return null;
      const edited = applyTextEdits(loaded.ts, sourceFile, plan.edits);
      if (!edited.changed) return null;
      return { code: edited.code, map: JSON.parse(textEditMap(edited, file, path.basename(file)).toString()) };
    } catch (error) {
      warn(this, `rddopt: internal error, ${path.basename(file)} left unoptimized: ${messageOf(error)}`, file);
      return null;
    }
  }

  return {
    name: "rddopt",
    enforce: "pre" as const,
    buildStart() {
      // a (re)build: files may have changed on disk since the last one
      ready?.analysis.invalidate();
    },
    watchChange(id: string) {
      ready?.analysis.invalidate(fileOf(id));
    },
    // the filter spares the bundler a call per module (webpack would otherwise run a loader on each)
    transform: { filter: { id: { include: [/\.(ts|tsx|mts|cts)(\?.*)?$/], exclude: [/[\\/]node_modules[\\/]/, /\.d\.(ts|mts|cts)(\?.*)?$/] } }, handler: transform },
    /** The analysed files whose plans rest on `file`'s types: a dev server invalidates them when it changes. */
    importersOf: (file: string): string[] => [...(importers.get(path.normalize(file)) ?? [])],
    /** How many analysis Programs this plugin instance has built (tests check that builds reuse one). */
    programBuilds: (): number => ready?.analysis.builds ?? 0,
  };
}

function positionOf(sourceFile: ts.SourceFile, warning: TransformerWarning): { line: number; column: number } {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(warning.start);
  return { line: line + 1, column: character };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One factory for every bundler unplugin supports. */
export const rddoptUnplugin: UnpluginInstance<RddoptBundlerOptions | undefined, false> = createUnplugin<RddoptBundlerOptions | undefined, false>(
  (options) => {
    let viteRoot: string | undefined;
    let devServer: ViteDevServer | undefined;
    const plugin = createRddoptPlugin(options ?? {}, () => viteRoot);
    /** The dev server's modules of the files whose plans rest on `file`, in one environment. */
    const staleImporters = (graph: EnvironmentModuleGraph, file: string): EnvironmentModuleNode[] =>
      plugin.importersOf(file).flatMap((importer) => [...(graph.getModulesByFile(importer) ?? [])]);
    return {
      ...plugin,
      watchChange(id: string) {
        plugin.watchChange.call(this, id);
        // Vite's dev server re-transforms only the changed module; an importer's plan rests on its types:
        // drop the importers' transform results too (with HMR on, hotUpdate below also updates them).
        for (const environment of Object.values(devServer?.environments ?? {})) {
          for (const module of staleImporters(environment.moduleGraph, id.split("?")[0]!)) environment.moduleGraph.invalidateModule(module);
        }
      },
      vite: {
        configResolved(config) {
          viteRoot = config.root;
        },
        configureServer(server) {
          devServer = server;
        },
        hotUpdate(update) {
          const extra = staleImporters(this.environment.moduleGraph, update.file);
          if (extra.length === 0) return;
          return [...new Set([...update.modules, ...extra])];
        },
      },
    };
  },
);
