#!/usr/bin/env node
/** The `rddopt` command line. */
import fs from "node:fs";
import module from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, type CommanderError } from "commander";
import { CliError } from "./errors.js";
import { captureOptions, lineageOption, pluginOptions } from "./options.js";
import { loadProject, resolveConfigPath } from "./project.js";
import type { Report } from "./report.js";
import { loadTypeScript, type LoadedTypeScript } from "./typescript.js";
import type { BuildOverrides } from "./build.js";
// Each command imports its own modules when it runs (below): `rddopt build` starts without the report's,
// the rewrite's and the lineage's code, as every command starts without the others'.

interface RewriteFlags {
  project: string;
  out: string;
  prune: boolean;
  broadcast: boolean;
  lineage?: boolean;
  typescript?: string;
}

interface ReportFlags {
  project: string;
  json?: boolean;
  html?: string;
  check?: boolean;
  prune: boolean;
  broadcast: boolean;
  typescript?: string;
  color?: boolean;
}

function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "rddopt") return pkg.version ?? "0.0.0";
  }
  return "0.0.0";
}

function wantsColor(flags: ReportFlags): boolean {
  if (flags.color === false || process.env.NO_COLOR) return false;
  return Boolean(process.env.FORCE_COLOR) || process.stdout.isTTY === true;
}

/** prune/broadcast: a flag given on the command line wins over the tsconfig's plugin entry. */
function optionsFor(compilerOptions: object, flags: { prune: boolean; broadcast: boolean }, command: Command): { prune: boolean; broadcast: boolean; capture: boolean; imports: boolean } {
  const configured = pluginOptions(compilerOptions);
  return {
    ...captureOptions(compilerOptions),
    prune: command.getOptionValueSource("prune") === "cli" ? flags.prune : configured.prune,
    broadcast: command.getOptionValueSource("broadcast") === "cli" ? flags.broadcast : configured.broadcast,
  };
}

/** The compiler for the project at `configPath` (see loadTypeScript), saying on stderr when it is rddopt's own. */
async function compilerFor(configPath: string, typescript: string | undefined): Promise<LoadedTypeScript> {
  const loaded = await loadTypeScript(path.dirname(configPath), typescript);
  if (loaded.note) process.stderr.write(`rddopt: ${loaded.note}\n`);
  return loaded;
}

async function rewrite(flags: RewriteFlags, command: Command): Promise<number> {
  const { checkOutput, outputPath, projectBase, rewriteProgram, writeOutput } = await import("./rewrite.js");
  const { displayPath } = await import("./report.js");
  const configPath = resolveConfigPath(flags.project);
  checkOutput(path.dirname(configPath), flags.out); // early, before the compiler loads; again below with the exact base
  const { ts } = await compilerFor(configPath, flags.typescript);
  const project = loadProject(ts, configPath, []);
  const options = { ...optionsFor(project.program.getCompilerOptions(), flags, command), lineage: flags.lineage === true || lineageOption(project.program.getCompilerOptions()) };
  const out = path.resolve(flags.out);
  // an earlier rewrite inside the project is output, not input
  const files = project.files.filter((f) => path.relative(out, f).startsWith(".."));
  const base = projectBase(configPath, files);
  checkOutput(base, out);
  const result = rewriteProgram(ts, project.program, files, options, (file) => outputPath(base, out, file));
  const outDir = project.program.getCompilerOptions().outDir;
  const written = writeOutput(base, out, result, outDir ? [outDir] : []);

  const lines: string[] = [];
  for (const file of result.files) {
    const applied = file.optimizations.filter((o) => o.status === "applied" && o.kind !== "capture").length;
    const onWorkers = file.optimizations.filter((o) => o.status === "applied" && o.kind === "capture").length;
    const typing =
      file.typing === "nocheck"
        ? `; types not checked (// @ts-nocheck): ${file.typeError ?? "errors remained"}`
        : file.typing === "patterns"
          ? "; renumbered destructuring patterns typed any"
          : "";
    const captured = onWorkers ? ` (${onWorkers} function${onWorkers === 1 ? "" : "s"} annotated for workers)` : "";
    lines.push(`  ${displayPath(file.fileName)}  ${applied ? `${applied} optimization${applied === 1 ? "" : "s"} applied` : "not optimized"}${typing}${captured}`);
  }
  for (const warning of result.warnings) lines.push(`  ${displayPath(warning.file)}  TS${warning.code} ${warning.message}`);
  for (const [file, error] of result.remainingErrors) {
    if (!result.files.some((f) => f.fileName === file && f.typing === "nocheck")) lines.push(`  ${displayPath(file)}  still has a type error: ${error}`);
  }
  const optimized = result.files.filter((f) => f.optimizations.some((o) => o.status === "applied" && o.kind !== "capture")).length;
  process.stdout.write(
    [
      `rddopt: wrote ${displayPath(out)}: ${optimized} of ${files.length} file${files.length === 1 ? "" : "s"} rewritten (each with a .map beside it), ${written.copied} other file${written.copied === 1 ? "" : "s"} copied` +
        (written.linkedNodeModules ? "; node_modules linked to the project's" : ""),
      ...lines,
      `build it with any compiler, e.g. tsc -p ${displayPath(path.join(out, path.relative(base, configPath)))}`,
      "",
    ].join("\n"),
  );
  return 0;
}

async function report(files: string[], flags: ReportFlags, command: Command): Promise<number> {
  const { analyze } = await import("./analyze.js");
  const { displayPath, fileReport, summarize } = await import("./report.js");
  const { renderText } = await import("./render-text.js");
  const configPath = resolveConfigPath(flags.project);
  const { ts, from } = await compilerFor(configPath, flags.typescript);
  const project = loadProject(ts, configPath, files);
  const options = optionsFor(project.program.getCompilerOptions(), flags, command);
  const fileReports = analyze(ts, project.program, options, project.files).map((r) => fileReport(r));
  const result: Report = {
    project: displayPath(configPath),
    typescript: `${ts.version} (${displayPath(from)})`,
    options,
    summary: summarize(fileReports),
    files: fileReports,
  };
  if (flags.html) {
    const { renderHtml } = await import("./render-html.js"); // loaded only when asked for: every other command starts faster
    fs.writeFileSync(flags.html, renderHtml(result));
    process.stderr.write(`rddopt: wrote ${flags.html}\n`);
  }
  process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + "\n" : renderText(result, wantsColor(flags)));
  return flags.check && result.summary.changed > 0 ? 1 : 0;
}

interface BuildFlags {
  project: string;
  watch?: boolean;
  prune: boolean;
  broadcast: boolean;
  typescript?: string;
}

async function build(flags: BuildFlags, command: Command): Promise<number> {
  const { buildOnce, buildWatch } = await import("./build.js");
  const configPath = resolveConfigPath(flags.project);
  const { ts } = await compilerFor(configPath, flags.typescript);
  const overrides: BuildOverrides = {};
  if (command.getOptionValueSource("prune") === "cli") overrides.prune = flags.prune;
  if (command.getOptionValueSource("broadcast") === "cli") overrides.broadcast = flags.broadcast;
  if (!flags.watch) return buildOnce(ts, configPath, overrides);
  buildWatch(ts, configPath, overrides);
  return 0;
}

interface LineageFlags {
  project: string;
  json?: boolean;
  typescript?: string;
}

async function lineage(files: string[], flags: LineageFlags): Promise<number> {
  const { lineageJson, lineageReport, renderLineageText } = await import("./lineage.js");
  const { displayPath } = await import("./report.js");
  const configPath = resolveConfigPath(flags.project);
  const { ts } = await compilerFor(configPath, flags.typescript);
  const project = loadProject(ts, configPath, files);
  const result = lineageReport(ts, project.program, project.files);
  for (const { file, reason } of result.skipped ?? []) process.stderr.write(`rddopt: ${displayPath(file)} left out of the lineage: ${reason}\n`);
  process.stdout.write(flags.json ? lineageJson(result) : renderLineageText(result));
  return 0;
}

/** Help and --version exit 0; usage errors (a mistyped flag, a missing argument) exit 2: status 1 means "--check found a change". */
function usageExit(error: CommanderError): never {
  if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") process.exit(0);
  process.exit(2);
}

export function buildProgram(): Command {
  const program = new Command("rddopt")
    .description("Compile-time optimizer for RDD pipelines: see what it changes in your code and why.")
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride(usageExit);
  program
    .command("report")
    .exitOverride(usageExit)
    .description("show, per file, the diff the transformer makes and every optimization taken or skipped")
    .argument("[files...]", "only these files (each must belong to the project)")
    .option("-p, --project <tsconfig>", "tsconfig.json, or the directory holding it", "tsconfig.json")
    .option("--json", "print the report as JSON")
    .option("--html <file>", "also write a self-contained HTML page with side-by-side diffs")
    .option("--check", "exit with status 1 when any file would change (for CI)")
    .option("--no-prune", "report with field pruning off (default: the tsconfig plugin entry, else on)")
    .option("--no-broadcast", "report with broadcast joins off (default: the tsconfig plugin entry, else on)")
    .option("--typescript <dir>", "load TypeScript from this directory instead of the project's")
    .option("--no-color", "no colours even on a terminal")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  rddopt report                         every file of ./tsconfig.json",
        "  rddopt report -p app app/src/jobs.ts  one file of app/tsconfig.json",
        "  rddopt report --html rddopt.html      also write a page with side-by-side diffs",
        "  rddopt report --check                 in CI: exit 1 if rddopt would change a file",
        "",
        "Exit status: 0 done, 1 --check found a file that would change, 2 error.",
      ].join("\n"),
    )
    .action(async (files: string[], flags: ReportFlags, command: Command) => {
      process.exitCode = await report(files, flags, command);
    });
  program
    .command("rewrite")
    .exitOverride(usageExit)
    .description("write the project's optimized TypeScript sources (with source maps) to a directory, for any compiler to build")
    .requiredOption("--out <dir>", "the directory to write (created; replaced when an earlier rewrite wrote it)")
    .option("-p, --project <tsconfig>", "tsconfig.json, or the directory holding it", "tsconfig.json")
    .option("--no-prune", "rewrite with field pruning off (default: the tsconfig plugin entry, else on)")
    .option("--no-broadcast", "rewrite with broadcast joins off (default: the tsconfig plugin entry, else on)")
    .option("--lineage", "tag each action with its static column lineage for run-time events (default: the plugin entry's lineage)")
    .option("--typescript <dir>", "analyse with the TypeScript in this directory instead of the project's")
    .addHelpText(
      "after",
      [
        "",
        "The output mirrors the project's directory (node_modules and .git excepted): rewritten .ts files, a",
        ".map beside each leading back to the original, every other file copied. At the sites rddopt changes,",
        "static types are erased to any, so the output type-checks; see docs/entry-points.md.",
        "",
        "Examples:",
        "  rddopt rewrite --out .rddopt                  then: tsc -p .rddopt (TypeScript 7 works)",
        "  rddopt rewrite -p app/tsconfig.json --out build/optimized",
        "",
        "Exit status: 0 done, 2 error.",
      ].join("\n"),
    )
    .action(async (flags: RewriteFlags, command: Command) => {
      process.exitCode = await rewrite(flags, command);
    });
  program
    .command("build")
    .exitOverride(usageExit)
    .description("compile the project as tsc -p does, with the rddopt transformer (no ts-patch needed)")
    .option("-p, --project <tsconfig>", "tsconfig.json, or the directory holding it", "tsconfig.json")
    .option("-w, --watch", "rebuild on every change, as tsc --watch")
    .option("--no-prune", "build with field pruning off (default: the tsconfig plugin entry, else on)")
    .option("--no-broadcast", "build with broadcast joins off (default: the tsconfig plugin entry, else on)")
    .option("--typescript <dir>", "compile with the TypeScript in this directory instead of the project's")
    .addHelpText(
      "after",
      [
        "",
        "The plugin options come from the tsconfig's rddopt plugin entry, when it has one; the flags above win.",
        "",
        "Examples:",
        "  rddopt build                      ./tsconfig.json",
        "  rddopt build -p app --watch",
        "",
        "Exit status (as tsc's): 0 built, 1 errors and nothing written, 2 errors with the output written;",
        "2 also for a usage error or a missing tsconfig.",
      ].join("\n"),
    )
    .action(async (flags: BuildFlags, command: Command) => {
      process.exitCode = await build(flags, command);
    });
  program
    .command("ui")
    .exitOverride(usageExit)
    .description("reopen a saved run (ctx.saveRun(file) or ctx.ui({ save: file })) in the live view's page")
    .argument("<run.json>", "the saved run")
    .option("--port <port>", "port on 127.0.0.1 (0: any free port; default 4040 or the next free one)")
    .addHelpText(
      "after",
      ["", "Examples:", "  rddopt ui run.json               then open the address it prints", "  rddopt ui run.json --port 0", "", "Serves until interrupted (Ctrl-C). Exit status: 0 done, 2 error."].join("\n"),
    )
    .action(async (file: string, flags: { port?: string }) => {
      const { showRun } = await import("./ui.js");
      process.exitCode = await showRun(file, flags.port);
    });
  program
    .command("lineage")
    .exitOverride(usageExit)
    .description("show, per pipeline (each action), which source fields feed each output field, and how")
    .argument("[files...]", "only these files (each must belong to the project)")
    .option("-p, --project <tsconfig>", "tsconfig.json, or the directory holding it", "tsconfig.json")
    .option("--json", "print OpenLineage output datasets with the columnLineage facet")
    .option("--typescript <dir>", "load TypeScript from this directory instead of the project's")
    .addHelpText(
      "after",
      [
        "",
        "Fields are dotted paths: tuple positions _1, _2, ..., object properties by name, a row that is",
        "neither tuple nor object is `value`. See docs/lineage.md.",
        "",
        "Examples:",
        "  rddopt lineage                          every pipeline of ./tsconfig.json",
        "  rddopt lineage -p app app/src/jobs.ts   one file of app/tsconfig.json",
        "  rddopt lineage --json > lineage.json    OpenLineage column lineage facets",
        "",
        "Exit status: 0 done, 2 error.",
      ].join("\n"),
    )
    .action(async (files: string[], flags: LineageFlags) => {
      process.exitCode = await lineage(files, flags);
    });
  return program;
}

async function main(argv: string[]): Promise<void> {
  // Node 22.1+: V8's code cache for the modules loaded (TypeScript's 9 MB compiler above all) on disk, as
  // TypeScript's own tsc does; every later run starts faster. Absent on Node 20: nothing happens.
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`rddopt: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    // A bug, not a finding: exit 2 so that `--check` (exit 1 = "would change") stays unambiguous.
    process.stderr.write(`rddopt: internal error, please report it with this trace:\n${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  }
}

await main(process.argv);
