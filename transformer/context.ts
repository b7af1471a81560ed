/** What every step of one file's pass shares: the compiler instance, the checker and a symbol index. */
import type * as ts from "typescript";

export type TS = typeof import("typescript");

export interface FileContext {
  ts: TS;
  program: ts.Program;
  checker: ts.TypeChecker;
  sourceFile: ts.SourceFile;
  /** Identifier uses of each symbol in the file (declaration names excluded). */
  references(symbol: ts.Symbol): readonly ts.Identifier[];
  /** The symbol an identifier use refers to (shorthand properties resolve to the value). */
  symbolOf(node: ts.Identifier): ts.Symbol | undefined;
}

/** Thrown when the analysis meets something it cannot follow; the pipeline is then left untouched. */
export class Unsupported extends Error {}

export function createFileContext(ts: TS, program: ts.Program, sourceFile: ts.SourceFile): FileContext {
  const checker = program.getTypeChecker();
  let byText: Map<string, ts.Identifier[]> | undefined;
  const resolved = new Map<ts.Symbol, ts.Identifier[]>();
  const symbolOf = (node: ts.Identifier): ts.Symbol | undefined => {
    const parent = node.parent;
    if (parent && ts.isShorthandPropertyAssignment(parent) && parent.name === node) {
      return checker.getShorthandAssignmentValueSymbol(parent);
    }
    return checker.getSymbolAtLocation(node);
  };
  // Identifiers grouped by text without the checker; only names actually asked about get resolved.
  const build = (): Map<string, ts.Identifier[]> => {
    const map = new Map<string, ts.Identifier[]>();
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && !isDeclarationName(ts, node)) {
        const list = map.get(node.text);
        if (list) list.push(node);
        else map.set(node.text, [node]);
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return map;
  };
  return {
    ts,
    program,
    checker,
    sourceFile,
    symbolOf,
    references(symbol) {
      const known = resolved.get(symbol);
      if (known) return known;
      byText ??= build();
      const refs = (byText.get(symbol.name) ?? []).filter((id) => symbolOf(id) === symbol);
      resolved.set(symbol, refs);
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
