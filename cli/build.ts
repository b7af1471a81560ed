/**
 * `rddopt build`: what `tsc -p` does, with the rddopt transformer, and without patching TypeScript. `tspc`
 * (ts-patch) patches the compiler in memory on every start, which costs about 0.4 s on this machine before
 * anything is compiled; this builds the Program with the compiler API and hands the transformer to `emit`,
 * as a bundler plugin does. The plugin options are the tsconfig's rddopt plugin entry (defaults without one),
 * and `--no-prune` / `--no-broadcast` override them.
 */
import type * as ts from "typescript";
import rddoptTransformer, { type PluginConfig } from "../transformer/index.js";
import { saveCodeCaches } from "./code-cache.js";
import { CliError } from "./errors.js";
import { pluginEntry } from "./options.js";
import type { TypeScript } from "./typescript.js";

export interface BuildOverrides {
  prune?: boolean;
  broadcast?: boolean;
}

/** tsc's exit statuses: 0 clean, 1 errors and nothing emitted, 2 errors with the output written. */
const SUCCESS = 0;
const ERRORS_OUTPUT_SKIPPED = 1;
const ERRORS_OUTPUT_GENERATED = 2;

/** The transformer config for a Program built from `options`: the tsconfig's entry, then the overrides. */
function configFor(options: ts.CompilerOptions, overrides: BuildOverrides): PluginConfig {
  return { ...(pluginEntry(options) as PluginConfig), ...overrides };
}

function formatHost(tsi: TypeScript): ts.FormatDiagnosticsHost {
  return { getCanonicalFileName: (f) => f, getCurrentDirectory: () => tsi.sys.getCurrentDirectory(), getNewLine: () => tsi.sys.newLine };
}

function pretty(options: ts.CompilerOptions): boolean {
  return typeof options.pretty === "boolean" ? options.pretty : process.stdout.isTTY === true;
}

function print(tsi: TypeScript, diagnostics: readonly ts.Diagnostic[], options: ts.CompilerOptions): void {
  if (diagnostics.length === 0) return;
  const host = formatHost(tsi);
  const text = pretty(options) ? tsi.formatDiagnosticsWithColorAndContext(diagnostics, host) : tsi.formatDiagnostics(diagnostics, host);
  process.stdout.write(text);
}

function parseConfig(tsi: TypeScript, configPath: string): ts.ParsedCommandLine {
  const unrecoverable: ts.Diagnostic[] = [];
  const parsed = tsi.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...tsi.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => unrecoverable.push(d),
  });
  if (!parsed || unrecoverable.length > 0) {
    throw new CliError(`cannot read ${configPath}:\n${tsi.formatDiagnostics(unrecoverable, formatHost(tsi))}`);
  }
  return parsed;
}

/**
 * One build of the project; returns tsc's exit status. With `incremental` or `composite`, as `tsc -p` does: the
 * `.tsbuildinfo` is read, only files affected since are emitted, and it is written again.
 */
export function buildOnce(tsi: TypeScript, configPath: string, overrides: BuildOverrides): number {
  const parsed = parseConfig(tsi, configPath);
  const root = {
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    configFileParsingDiagnostics: tsi.getConfigFileParsingDiagnostics(parsed),
  };
  const incremental = parsed.options.incremental === true || parsed.options.composite === true;
  const builder = incremental ? tsi.createIncrementalProgram(root) : undefined;
  const program = builder ? builder.getProgram() : tsi.createProgram(root);
  const diagnostics: ts.Diagnostic[] = [...tsi.getPreEmitDiagnostics(program)];
  const transformer = rddoptTransformer(program, configFor(parsed.options, overrides), { ts: tsi, addDiagnostic: (d) => void diagnostics.push(d) });
  const emitted = (builder ?? program).emit(undefined, undefined, undefined, undefined, { before: [transformer] });
  diagnostics.push(...emitted.diagnostics);
  const sorted = tsi.sortAndDeduplicateDiagnostics(diagnostics);
  print(tsi, sorted, parsed.options);
  const errors = sorted.filter((d) => d.category === tsi.DiagnosticCategory.Error).length;
  if (errors > 0) process.stdout.write(`\nFound ${errors} error${errors === 1 ? "" : "s"}.\n`);
  if (errors === 0) return SUCCESS;
  return emitted.emitSkipped ? ERRORS_OUTPUT_SKIPPED : ERRORS_OUTPUT_GENERATED;
}

/**
 * `--watch`: TypeScript's own watch host (the messages `tsc --watch` prints), each Program's emit given the
 * transformer built for that Program (its analysis is cached per Program, so an edit is analysed afresh).
 */
export function buildWatch(tsi: TypeScript, configPath: string, overrides: BuildOverrides): void {
  const parsed = parseConfig(tsi, configPath); // reports a broken tsconfig before watching starts
  const reportDiagnostic: ts.DiagnosticReporter = (d) => print(tsi, [d], parsed.options);
  // `watch: true` as `tsc --watch` sets it: the transformer reads no other file's code then (crossFile), since a
  // rebuild re-emits only the files that changed
  const host = tsi.createWatchCompilerHost(configPath, { watch: true }, tsi.sys, tsi.createEmitAndSemanticDiagnosticsBuilderProgram, reportDiagnostic);
  const afterProgramCreate = host.afterProgramCreate;
  host.afterProgramCreate = (builder) => {
    const program = builder.getProgram();
    const transformer = rddoptTransformer(program, configFor(program.getCompilerOptions(), overrides), { ts: tsi, addDiagnostic: (d) => reportDiagnostic(d) });
    const emit = builder.emit.bind(builder);
    builder.emit = (target, write, cancel, onlyDts, custom) =>
      emit(target, write, cancel, onlyDts, { ...custom, before: [transformer, ...(custom?.before ?? [])] });
    afterProgramCreate?.(builder);
    saveCodeCaches(); // a watch ends with Ctrl-C, which skips the exit hook: the first build is the compile to keep
  };
  tsi.createWatchProgram(host);
}
