/** Reads a tsconfig, builds the Program, and picks the files the report covers. */
import fs from "node:fs";
import path from "node:path";
import type * as ts from "typescript";
import { CliError } from "./errors.js";
import type { TypeScript } from "./typescript.js";

export interface Project {
  configPath: string;
  rootDir: string;
  program: ts.Program;
  /** Absolute, normalized paths of the files to report on. */
  files: string[];
}

/** The tsconfig path `-p` names: a file, or a directory holding tsconfig.json. */
export function resolveConfigPath(project: string, cwd = process.cwd()): string {
  const given = path.resolve(cwd, project);
  const configPath = fs.existsSync(given) && fs.statSync(given).isDirectory() ? path.join(given, "tsconfig.json") : given;
  if (!fs.existsSync(configPath)) {
    throw new CliError(
      `no tsconfig found at ${path.relative(cwd, configPath) || configPath}. ` +
        "Run rddopt report from your project's root or point at its config with -p path/to/tsconfig.json.",
    );
  }
  return configPath;
}

function formatDiagnostics(tsi: TypeScript, diagnostics: readonly ts.Diagnostic[]): string {
  return tsi.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  });
}

export function loadProject(tsi: TypeScript, configPath: string, requested: readonly string[], cwd = process.cwd()): Project {
  const read = tsi.readConfigFile(configPath, (f) => tsi.sys.readFile(f));
  if (read.error) throw new CliError(`cannot read ${configPath}:\n${formatDiagnostics(tsi, [read.error])}`);
  const rootDir = path.dirname(configPath);
  const parsed = tsi.parseJsonConfigFileContent(read.config, tsi.sys, rootDir, undefined, configPath);
  const fatal = parsed.errors.filter((d) => d.category === tsi.DiagnosticCategory.Error && d.code !== 18003);
  if (fatal.length > 0) throw new CliError(`invalid ${configPath}:\n${formatDiagnostics(tsi, fatal)}`);
  if (parsed.fileNames.length === 0) throw new CliError(`${configPath} includes no source files.`);

  const program = tsi.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences });
  const projectFiles = new Map(parsed.fileNames.map((f) => [normalize(f), f]));
  const files = requested.length === 0 ? [...projectFiles.keys()] : requested.map((f) => pickFile(f, projectFiles, configPath, cwd));
  return { configPath, rootDir, program, files };
}

function normalize(file: string): string {
  return path.resolve(file);
}

function pickFile(file: string, projectFiles: Map<string, string>, configPath: string, cwd: string): string {
  const absolute = normalize(path.resolve(cwd, file));
  if (!fs.existsSync(absolute)) throw new CliError(`no such file: ${file}`);
  if (!projectFiles.has(absolute)) {
    throw new CliError(
      `${file} is not part of the project ${path.relative(cwd, configPath) || configPath}: ` +
        `add it to "include" or "files" there, or pass the tsconfig that compiles it with -p.`,
    );
  }
  return absolute;
}
