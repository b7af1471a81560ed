/** What every step of one file's pass shares: the compiler instance, the checker and a symbol index. */
import type * as ts from "typescript";

export type TS = typeof import("typescript");

export interface FileContext {
  ts: TS;
  program: ts.Program;
  checker: ts.TypeChecker;
  /** The file being planned: the only one whose code may be rewritten. */
  sourceFile: ts.SourceFile;
  /**
   * Whether the analysis may read through functions declared in other files of the Program (never rewrite
   * them). Off where a build re-emits only changed files (watch, incremental), which would leave a file's
   * plan stale after an edit in a module it depends on.
   */
  crossFile: boolean;
  /** Identifier uses of a symbol in the file declaring it (declaration names excluded). */
  references(symbol: ts.Symbol): readonly ts.Identifier[];
  /** The symbol an identifier use refers to (shorthand properties resolve to the value). */
  symbolOf(node: ts.Identifier): ts.Symbol | undefined;
  /** Whether code outside its file can reach the symbol: exported by any form, or a global of a script. */
  isExported(symbol: ts.Symbol): boolean;
  /** Whether `node` belongs to the file being planned (so it may be rewritten). */
  isLocal(node: ts.Node): boolean;
}

/** Thrown when the analysis meets something it cannot follow; the pipeline is then left untouched. */
export class Unsupported extends Error {}

/** Per source file: identifiers by text (resolved lazily), references per symbol, exported symbols. */
interface FileIndex {
  byText?: Map<string, ts.Identifier[]>;
  resolved: Map<ts.Symbol, ts.Identifier[]>;
  exported?: Set<ts.Symbol>;
}

/** Indices per Program (one Program's files and symbols never change; a rebuild makes a new Program). */
const indicesByProgram = new WeakMap<ts.Program, Map<ts.SourceFile, FileIndex>>();

export function createFileContext(ts: TS, program: ts.Program, sourceFile: ts.SourceFile, crossFile = false): FileContext {
  const checker = program.getTypeChecker();
  let indices = indicesByProgram.get(program);
  if (!indices) indicesByProgram.set(program, (indices = new Map()));
  const indexOf = (file: ts.SourceFile): FileIndex => {
    let index = indices!.get(file);
    if (!index) indices!.set(file, (index = { resolved: new Map() }));
    return index;
  };
  const symbolOf = (node: ts.Identifier): ts.Symbol | undefined => {
    const parent = node.parent;
    if (parent && ts.isShorthandPropertyAssignment(parent) && parent.name === node) {
      return checker.getShorthandAssignmentValueSymbol(parent);
    }
    return checker.getSymbolAtLocation(node);
  };
  // Identifiers grouped by text without the checker; only names actually asked about get resolved.
  const build = (file: ts.SourceFile): Map<string, ts.Identifier[]> => {
    const map = new Map<string, ts.Identifier[]>();
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && !isDeclarationName(ts, node)) {
        const list = map.get(node.text);
        if (list) list.push(node);
        else map.set(node.text, [node]);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    return map;
  };
  const declaringFile = (symbol: ts.Symbol): ts.SourceFile | undefined => {
    const files = new Set((symbol.declarations ?? []).map((d) => d.getSourceFile()));
    return files.size === 1 ? [...files][0] : undefined;
  };
  return {
    ts,
    program,
    checker,
    sourceFile,
    crossFile,
    symbolOf,
    isLocal: (node) => node.getSourceFile() === sourceFile,
    isExported(symbol) {
      const file = declaringFile(symbol);
      if (!file) return true; // declared in several files (merged globals): others can reach it
      const index = indexOf(file);
      index.exported ??= exportedSymbols(ts, checker, file);
      if (index.exported.has(symbol)) return true;
      // a script (no import/export) declares globals that every other file can use
      return !index.exported.size && !ts.isExternalModule(file) && isTopLevel(ts, symbol, file);
    },
    references(symbol) {
      const file = declaringFile(symbol) ?? sourceFile;
      const index = indexOf(file);
      const known = index.resolved.get(symbol);
      if (known) return known;
      index.byText ??= build(file);
      const refs = (index.byText.get(symbol.name) ?? []).filter((id) => symbolOf(id) === symbol);
      index.resolved.set(symbol, refs);
      return refs;
    },
  };
}

function isDeclarationName(ts: TS, node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isShorthandPropertyAssignment(parent)) return false;
  if (ts.isBindingElement(parent)) return parent.name === node;
  return (
    (ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isImportSpecifier(parent) ||
      ts.isImportClause(parent) ||
      ts.isNamespaceImport(parent)) &&
    (parent as ts.NamedDeclaration).name === node
  ) || (ts.isPropertyAccessExpression(parent) && parent.name === node);
}

/** Skip wrappers that do not change a value: parentheses, `as`, `!`, `satisfies`. */
export function outerExpression(ts: TS, node: ts.Expression): ts.Expression {
  let current: ts.Expression = node;
  while (
    current.parent &&
    (ts.isParenthesizedExpression(current.parent) ||
      ts.isAsExpression(current.parent) ||
      ts.isNonNullExpression(current.parent) ||
      ts.isSatisfiesExpression(current.parent) ||
      ts.isTypeAssertionExpression(current.parent))
  ) {
    current = current.parent;
  }
  return current;
}

export function innerExpression(ts: TS, node: ts.Expression): ts.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isTypeAssertionExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/**
 * Local symbols other modules can reach: `export` modifiers, `export { x as y }`, `export default x`,
 * `export = x`, and whatever the checker lists as the module's exports (aliases resolved).
 */
function exportedSymbols(ts: TS, checker: ts.TypeChecker, sourceFile: ts.SourceFile): Set<ts.Symbol> {
  const result = new Set<ts.Symbol>();
  const add = (symbol: ts.Symbol | undefined): void => {
    if (!symbol) return;
    result.add(symbol);
    if (symbol.flags & ts.SymbolFlags.Alias) {
      try {
        result.add(checker.getAliasedSymbol(symbol));
      } catch {
        // an unresolvable alias names nothing local
      }
    }
  };
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  if (moduleSymbol) for (const symbol of checker.getExportsOfModule(moduleSymbol)) add(symbol);
  for (const statement of sourceFile.statements) {
    if (ts.isExportAssignment(statement)) {
      const target = innerExpression(ts, statement.expression);
      if (ts.isIdentifier(target)) add(checker.getSymbolAtLocation(target));
    } else if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) add(checker.getExportSpecifierLocalTargetSymbol(element));
    }
  }
  return result;
}

function isTopLevel(ts: TS, symbol: ts.Symbol, sourceFile: ts.SourceFile): boolean {
  return (symbol.declarations ?? []).some((d) => {
    let node: ts.Node = d;
    while (node.parent && !ts.isSourceFile(node.parent) && (ts.isVariableDeclaration(node) || ts.isVariableDeclarationList(node))) node = node.parent;
    return node.parent === sourceFile;
  });
}

/**
 * Whether a value of static type `source` keeps its type when seen as `target` (a parameter, an annotated
 * variable, a cast, a declared return type). Where it does not, code reading it through `target` may
 * observe what the analysis judges by the type (`.length` of a tuple seen as `unknown[]`): the value is whole.
 * `any` never counts as the same type.
 */
export function keepsType(ts: TS, checker: ts.TypeChecker, source: ts.Type, target: ts.Type): boolean {
  if (source === target) return !(source.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown));
  if ((source.flags | target.flags) & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
  return checker.isTypeAssignableTo(source, target) && checker.isTypeAssignableTo(target, source);
}

/** `keepsType` up to null/undefined being added or removed (optional parameters, `!`). */
export function keepsTypeModuloNullish(ts: TS, checker: ts.TypeChecker, source: ts.Type, target: ts.Type): boolean {
  return (
    keepsType(ts, checker, source, target) ||
    keepsType(ts, checker, checker.getNonNullableType(source), checker.getNonNullableType(target))
  );
}

/**
 * Whether the wrappers between `node` and `outer` (parentheses, `as`, `<T>`, `satisfies`, `!`) leave the
 * value's type as it was, up to `!` removing null/undefined.
 */
export function wrappersKeepType(ts: TS, checker: ts.TypeChecker, node: ts.Expression, outer: ts.Expression): boolean {
  if (node === outer) return true;
  return keepsTypeModuloNullish(ts, checker, checker.getTypeAtLocation(node), checker.getTypeAtLocation(outer));
}

/** The name of a plain `name: value` / shorthand property of an object literal, else undefined. */
export function simplePropertyName(ts: TS, property: ts.ObjectLiteralElementLike): string | undefined {
  if (ts.isShorthandPropertyAssignment(property)) return property.objectAssignmentInitializer ? undefined : property.name.text;
  if (!ts.isPropertyAssignment(property)) return undefined;
  const name = property.name;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  return undefined;
}

/** Whether `symbol` is declared only in the compiler's default library: a standard global, not user code of that name. */
export function isStandardLibrary(fc: FileContext, symbol: ts.Symbol | undefined): boolean {
  const declarations = symbol?.declarations ?? [];
  return declarations.length > 0 && declarations.every((d) => fc.program.isSourceFileDefaultLibrary(d.getSourceFile()));
}

/** A node's source text on one line, cut to 40 characters, for reasons in the report. */
export function short(fc: FileContext, node: ts.Node): string {
  const text = node.getText(node.getSourceFile()).replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** line:column of a node (with its file's name when it is not the file being planned). */
export function position(fc: FileContext, node: ts.Node): string {
  const file = node.getSourceFile();
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
  const where = `${line + 1}:${character + 1}`;
  return file === fc.sourceFile ? where : `${file.fileName.split(/[\\/]/).pop()}:${where}`;
}
