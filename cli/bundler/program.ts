/**
 * The one analysis Program a bundler build shares: created on the first file, then updated incrementally
 * (a new Program with the old one as `oldProgram`, so unchanged files keep their parsed SourceFile) when a
 * file the bundler hands over differs from the Program's text, or a rebuild starts and a file changed on disk.
 * Plans are cached per Program (transformer/engine.ts), so a file is planned once per Program.
 */
import fs from "node:fs";
import path from "node:path";
import type * as ts from "typescript";
import type { TypeScript } from "../typescript.js";
import { CliError } from "../errors.js";

interface ReadFile {
  text: string;
  /** mtime of the file when it was read (undefined for text the bundler handed over). */
  mtimeMs?: number;
  sourceFile?: ts.SourceFile;
}

export class AnalysisProgram {
  private program: ts.Program | undefined;
  private parsed: ts.ParsedCommandLine | undefined;
  /**
   * Text the bundler handed over for a file, with the file's mtime then: it wins over the disk (another
   * plugin's output, a dev server's in-memory module) until the file changes on disk again.
   */
  private readonly overlay = new Map<string, { text: string; mtimeMs: number | undefined }>();
  /** The text (and parsed SourceFile) of every file the last Program read. */
  private readonly files = new Map<string, ReadFile>();
  private stale = true;
  /** How many Programs were built: for tests that check the Program is reused. */
  builds = 0;

  constructor(
    private readonly tsi: TypeScript,
    readonly configPath: string,
  ) {}

  /** A rebuild started or a file changed: check the disk before the next file is analysed. */
  invalidate(fileName?: string): void {
    if (fileName) this.files.delete(path.resolve(fileName));
    this.stale = true;
  }

  /** Whether `fileName` is one of the tsconfig's files (only those are analysed). */
  includes(fileName: string): boolean {
    return this.rootNames().has(path.resolve(fileName));
  }

  /** The Program, with `code` as the text of `fileName` (a new Program only when something changed). */
  programFor(fileName: string, code: string): ts.Program {
    const file = path.resolve(fileName);
    if (this.files.get(file)?.text !== code) {
      this.overlay.set(file, { text: code, mtimeMs: statMtime(file) });
      this.stale = true;
    }
    if (!this.program || this.stale) this.rebuild();
    return this.program!;
  }

  private roots: Set<string> | undefined;

  private rootNames(): Set<string> {
    if (!this.parsed) this.parsed = this.parseConfig();
    return (this.roots ??= new Set(this.parsed.fileNames.map((f) => path.resolve(f))));
  }

  private parseConfig(): ts.ParsedCommandLine {
    const tsi = this.tsi;
    const read = tsi.readConfigFile(this.configPath, (f) => tsi.sys.readFile(f));
    if (read.error) throw new CliError(`rddopt: cannot read ${this.configPath}: ${tsi.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
    const parsed = tsi.parseJsonConfigFileContent(read.config, tsi.sys, path.dirname(this.configPath), undefined, this.configPath);
    const fatal = parsed.errors.filter((d) => d.category === tsi.DiagnosticCategory.Error && d.code !== 18003);
    if (fatal.length > 0) throw new CliError(`rddopt: invalid ${this.configPath}: ${tsi.flattenDiagnosticMessageText(fatal[0]!.messageText, "\n")}`);
    return parsed;
  }

  private rebuild(): void {
    const tsi = this.tsi;
    // the file list may have changed (a new file in `include`): parse the config again, it is cheap
    this.parsed = this.parseConfig();
    this.roots = undefined;
    const options = this.parsed.options;
    const host = tsi.createCompilerHost(options, true);
    // as tsc: JSDoc in TypeScript files carries no types, and the analysis never reads it
    host.jsDocParsingMode = tsi.JSDocParsingMode.ParseForTypeErrors;
    host.getSourceFile = (fileName, languageVersion) => this.sourceFile(fileName, languageVersion);
    const readFile = host.readFile.bind(host);
    host.readFile = (fileName) => this.overlay.get(path.resolve(fileName))?.text ?? readFile(fileName);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (fileName) => this.overlay.has(path.resolve(fileName)) || fileExists(fileName);
    this.program = tsi.createProgram({
      rootNames: this.parsed.fileNames,
      options,
      host,
      oldProgram: this.program,
      projectReferences: this.parsed.projectReferences,
    });
    this.builds++;
    this.stale = false;
  }

  /** The file's SourceFile: the one already parsed while its text (or mtime on disk) is unchanged. */
  private sourceFile(fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions): ts.SourceFile | undefined {
    const file = path.resolve(fileName);
    const mtimeMs = statMtime(file);
    const handed = this.overlay.get(file);
    let entry = this.files.get(file);
    if (handed && handed.mtimeMs === mtimeMs) {
      if (entry?.text !== handed.text) this.files.set(file, (entry = { text: handed.text }));
    } else {
      this.overlay.delete(file);
      if (mtimeMs === undefined) {
        this.files.delete(file);
        return undefined;
      }
      if (!entry || entry.mtimeMs !== mtimeMs) {
        const text = this.tsi.sys.readFile(file);
        if (text === undefined) return undefined;
        this.files.set(file, (entry = { text, mtimeMs }));
      }
    }
    entry.sourceFile ??= this.tsi.createSourceFile(fileName, entry.text, languageVersion, true);
    return entry.sourceFile;
  }

  /** The tsconfig files `sourceFile` imports, directly or through others (their types shape its plan). */
  projectDependencies(program: ts.Program, sourceFile: ts.SourceFile): string[] {
    const roots = this.rootNames();
    const checker = program.getTypeChecker();
    const found = new Set<string>();
    const visit = (file: ts.SourceFile): void => {
      for (const specifier of moduleSpecifiers(this.tsi, file)) {
        const target = checker.getSymbolAtLocation(specifier)?.valueDeclaration;
        if (!target || !this.tsi.isSourceFile(target)) continue;
        const name = path.resolve(target.fileName);
        if (found.has(name) || name === path.resolve(sourceFile.fileName) || !roots.has(name)) continue;
        found.add(name);
        visit(target);
      }
    };
    visit(sourceFile);
    return [...found];
  }
}

function moduleSpecifiers(tsi: TypeScript, file: ts.SourceFile): ts.StringLiteral[] {
  const specifiers: ts.StringLiteral[] = [];
  for (const statement of file.statements) {
    const specifier = tsi.isImportDeclaration(statement) || tsi.isExportDeclaration(statement) ? statement.moduleSpecifier : undefined;
    if (specifier && tsi.isStringLiteral(specifier)) specifiers.push(specifier);
  }
  return specifiers;
}

function statMtime(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
