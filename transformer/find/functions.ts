/** Functions declared in the same file that the analysis may follow into. */
import type * as ts from "typescript";
import { innerExpression, type FileContext } from "../context.js";

export type FunctionLike = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

/** The function an expression denotes when it is written inline or names a same-file function. */
export function functionOf(fc: FileContext, expression: ts.Expression): FunctionLike | undefined {
  const { ts } = fc;
  const inner = innerExpression(ts, expression);
  if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) return inner;
  if (!ts.isIdentifier(inner)) return undefined;
  return declaredFunction(fc, fc.symbolOf(inner));
}

export function declaredFunction(fc: FileContext, named: ts.Symbol | undefined): FunctionLike | undefined {
  const { ts } = fc;
  const symbol = named && named.flags & ts.SymbolFlags.Alias && fc.crossFile ? aliasTarget(fc, named) : named;
  const declaration = symbol?.valueDeclaration;
  if (!declaration || !isAnalysable(fc, declaration.getSourceFile())) return undefined;
  if (ts.isFunctionDeclaration(declaration) && declaration.body) {
    return symbol!.declarations?.length === 1 ? declaration : undefined;
  }
  if (
    ts.isVariableDeclaration(declaration) &&
    declaration.initializer &&
    ts.isVariableDeclarationList(declaration.parent) &&
    declaration.parent.flags & ts.NodeFlags.Const
  ) {
    const init = innerExpression(ts, declaration.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

/** An imported name's declaration. */
function aliasTarget(fc: FileContext, symbol: ts.Symbol): ts.Symbol | undefined {
  try {
    return fc.checker.getAliasedSymbol(symbol);
  } catch {
    return undefined;
  }
}

/**
 * Files whose functions the analysis may read: the file being planned, and (cross-file mode) the other
 * source files of the Program. Never declaration files or installed packages.
 */
function isAnalysable(fc: FileContext, file: ts.SourceFile): boolean {
  if (file === fc.sourceFile) return true;
  return fc.crossFile && !file.isDeclarationFile && !fc.program.isSourceFileFromExternalLibrary(file) && !/[\\/]node_modules[\\/]/.test(file.fileName);
}

/** The symbol naming a function (declaration name or the const it is assigned to). */
export function functionSymbol(fc: FileContext, fn: FunctionLike): ts.Symbol | undefined {
  const { ts } = fc;
  if (ts.isFunctionDeclaration(fn)) return fn.name ? fc.checker.getSymbolAtLocation(fn.name) : undefined;
  const holder = fn.parent && ts.isVariableDeclaration(fn.parent) ? fn.parent : undefined;
  return holder && ts.isIdentifier(holder.name) ? fc.checker.getSymbolAtLocation(holder.name) : undefined;
}

function isExported(fc: FileContext, fn: FunctionLike): boolean {
  const { ts } = fc;
  const statement = ts.isFunctionDeclaration(fn) ? fn : fn.parent?.parent?.parent;
  if (statement && ts.canHaveModifiers(statement)) {
    const modifiers = ts.getModifiers(statement) ?? [];
    if (modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword)) return true;
  }
  const symbol = functionSymbol(fc, fn);
  return !!symbol && fc.isExported(symbol);
}

/** Whether other modules (or code this file does not show) may call the function. */
export function isReachableFromOutside(fc: FileContext, fn: FunctionLike): boolean {
  return isExported(fc, fn);
}

/**
 * Call sites of a helper when every use of its name is a direct call in this file (so RDDs that flow in
 * and out of it are all known), else undefined.
 */
export function helperCallSites(fc: FileContext, fn: FunctionLike): ts.CallExpression[] | undefined {
  const { ts } = fc;
  if (isExported(fc, fn)) return undefined;
  const symbol = functionSymbol(fc, fn);
  if (!symbol) return undefined;
  const calls: ts.CallExpression[] = [];
  for (const ref of fc.references(symbol)) {
    const use = ref.parent;
    if (!use || !ts.isCallExpression(use) || use.expression !== ref) return undefined;
    calls.push(use);
  }
  return calls;
}

export function usesArguments(fc: FileContext, fn: FunctionLike): boolean {
  const { ts } = fc;
  if (ts.isArrowFunction(fn)) return false;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node.text === "arguments") found = true;
    else if (!ts.isFunctionDeclaration(node) && !ts.isFunctionExpression(node)) ts.forEachChild(node, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  return found;
}

/** The function whose `return` (or expression body) yields `node`, if `node` is returned. */
export function returningFunction(fc: FileContext, node: ts.Expression): FunctionLike | undefined {
  const { ts } = fc;
  const parent = node.parent;
  if (ts.isArrowFunction(parent) && parent.body === node) return parent;
  if (!ts.isReturnStatement(parent)) return undefined;
  let current: ts.Node = parent.parent;
  while (current && !ts.isFunctionLike(current)) current = current.parent;
  if (current && (ts.isFunctionDeclaration(current) || ts.isArrowFunction(current) || ts.isFunctionExpression(current))) {
    return current;
  }
  return undefined;
}

/** Every value a function body returns, or undefined when a path may end without a return we can see. */
export function returnedExpressions(fc: FileContext, body: ts.ConciseBody): ts.Expression[] | undefined {
  const { ts } = fc;
  if (!ts.isBlock(body)) return [body];
  const found: ts.Expression[] = [];
  let ok = true;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node)) {
      if (node.expression) found.push(node.expression);
      else ok = false;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  const last = body.statements[body.statements.length - 1];
  if (!last || !ts.isReturnStatement(last)) return undefined;
  return ok ? found : undefined;
}
