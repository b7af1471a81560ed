#!/usr/bin/env node
/** The `rddopt` command line. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { analyze } from "./analyze.js";
import { CliError } from "./errors.js";
import { pluginOptions } from "./options.js";
import { loadProject, resolveConfigPath } from "./project.js";
import { displayPath, fileReport, summarize, type Report } from "./report.js";
import { renderHtml } from "./render-html.js";
import { renderText } from "./render-text.js";
import { loadTypeScript } from "./typescript.js";

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

async function report(files: string[], flags: ReportFlags, command: Command): Promise<number> {
  const configPath = resolveConfigPath(flags.project);
  const { ts, from } = await loadTypeScript(path.dirname(configPath), flags.typescript);
  const project = loadProject(ts, configPath, files);
  const configured = pluginOptions(project.program.getCompilerOptions());
  const options = {
    prune: command.getOptionValueSource("prune") === "cli" ? flags.prune : configured.prune,
    broadcast: command.getOptionValueSource("broadcast") === "cli" ? flags.broadcast : configured.broadcast,
  };
  const fileReports = analyze(ts, project.program, options, project.files).map((r) => fileReport(r));
  const result: Report = {
    project: displayPath(configPath),
    typescript: `${ts.version} (${displayPath(from)})`,
    options,
    summary: summarize(fileReports),
    files: fileReports,
  };
  if (flags.html) {
    fs.writeFileSync(flags.html, renderHtml(result));
    process.stderr.write(`rddopt: wrote ${flags.html}\n`);
  }
  process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + "\n" : renderText(result, wantsColor(flags)));
  return flags.check && result.summary.changed > 0 ? 1 : 0;
}

export function buildProgram(): Command {
  const program = new Command("rddopt")
    .description("Compile-time optimizer for RDD pipelines: see what it changes in your code and why.")
    .version(packageVersion())
    .showHelpAfterError()
    // usage errors (a mistyped flag, a missing argument) exit 2: status 1 means "--check found a change"
    .exitOverride((error) => {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") process.exit(0);
      process.exit(2);
    });
  program
    .command("report")
    .exitOverride((error) => {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.help") process.exit(0);
      process.exit(2);
    })
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
  return program;
}

async function main(argv: string[]): Promise<void> {
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
