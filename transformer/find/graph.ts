/**
 * Pipelines as a graph of RDD values: who consumes the RDD an expression evaluates to. Values flow
 * through method chains, `const` variables, and helper functions of the same file (parameters and returns).
 *
 * Two questions are asked of the graph. Demand ("what may read these rows?") may over-approximate: a helper
 * called from several places counts every caller. A rewrite ("which code will now see pruned rows?") must be
 * exact: code that also receives other rows (a helper with several call sites, a parameter default) cannot be
 * rewritten for one shape, so in `exclusive` mode those paths are escapes.
 */
import type * as ts from "typescript";
import { keepsTypeModuloNullish, outerExpression, wrappersKeepType, type FileContext } from "../context.js";
import { rddCallOf, type RddCall } from "./rdd-calls.js";
import { functionOf, helperCallSites, returningFunction, type FunctionLike } from "./functions.js";

/** `role` is "receiver" or the argument index of the consuming call. */
export type RddUse =
  | { kind: "call"; rdd: RddCall; role: "receiver" | number; via: ts.Expression }
  | { kind: "escape"; reason: string; node: ts.Node };

export function rddUses(fc: FileContext, expression: ts.Expression, exclusive = false, seen = new Set<ts.Node>()): RddUse[] {
  const { ts } = fc;
  const expr = outerExpression(ts, expression);
  if (seen.has(expr)) return [];
  seen.add(expr);
  const parent = expr.parent;
  const escape = (reason: string): RddUse[] => [{ kind: "escape", reason, node: expr }];
  if (!parent) return escape("no context");
  if (!wrappersKeepType(ts, fc.checker, expression, expr)) return escape("a type assertion changes the RDD's type");

  if (ts.isPropertyAccessExpression(parent) && parent.expression === expr) {
    const call = parent.parent;
    if (call && ts.isCallExpression(call) && call.expression === parent) {
      const rdd = rddCallOf(fc, call);
      if (rdd) return [{ kind: "call", rdd, role: "receiver", via: expr }];
    }
    return escape(`\`.${parent.name.text}\` is not an rddopt RDD method call`);
  }
  if (ts.isCallExpression(parent) && parent.arguments.includes(expr)) {
    const index = parent.arguments.indexOf(expr);
    const rdd = rddCallOf(fc, parent);
    if (rdd) return [{ kind: "call", rdd, role: index, via: expr }];
    return helperParameterUses(fc, parent, index, expr, exclusive, seen) ?? escape(`passed to \`${shortText(fc, parent.expression)}\`, which is not analysed`);
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === expr) {
    const list = parent.parent;
    if (!ts.isIdentifier(parent.name) || !ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) {
      return escape("stored in a variable that is not a plain `const`");
    }
    const symbol = fc.checker.getSymbolAtLocation(parent.name);
    if (!symbol) return escape("unresolved variable");
    if (fc.isExported(symbol) || isExportStatement(fc, list.parent)) return escape(`\`${parent.name.text}\` is exported`);
    if (parent.type && !keepsTypeModuloNullish(ts, fc.checker, fc.checker.getTypeAtLocation(expr), fc.checker.getTypeOfSymbol(symbol))) {
      return escape(`\`${parent.name.text}\` is declared with another type`);
    }
    return fc.references(symbol).flatMap((ref) => rddUses(fc, ref, exclusive, seen));
  }
  const returner = returningFunction(fc, expr);
  if (returner) {
    const sites = helperCallSites(fc, returner);
    if (!sites) return escape("returned from a function that is not only called directly in this file");
    if (exclusive && sites.length !== 1) return escape("returned from a helper called from several places (its callers would all see the pruned rows)");
    if (!returnKeepsType(fc, returner, expr)) return escape("returned as another type");
    return sites.flatMap((site) => rddUses(fc, site, exclusive, seen));
  }
  return escape(`used as ${ts.SyntaxKind[parent.kind]}`);
}

function helperParameterUses(
  fc: FileContext,
  call: ts.CallExpression,
  index: number,
  argument: ts.Expression,
  exclusive: boolean,
  seen: Set<ts.Node>,
): RddUse[] | undefined {
  const { ts } = fc;
  const fn = functionOf(fc, call.expression);
  const sites = fn && helperCallSites(fc, fn);
  if (!fn || !sites) return undefined;
  if (call.arguments.slice(0, index).some((a) => ts.isSpreadElement(a))) return undefined;
  const parameter = fn.parameters[index];
  if (!parameter || parameter.dotDotDotToken || !ts.isIdentifier(parameter.name)) return undefined;
  // the helper's body also sees its other callers' RDDs (or the default): it cannot be rewritten for this one
  if (exclusive && (sites.length !== 1 || parameter.initializer)) return undefined;
  const symbol = fc.checker.getSymbolAtLocation(parameter.name);
  if (!symbol) return undefined;
  if (!keepsTypeModuloNullish(ts, fc.checker, fc.checker.getTypeAtLocation(argument), fc.checker.getTypeOfSymbol(symbol))) return undefined;
  const uses: RddUse[] = [];
  for (const ref of fc.references(symbol)) {
    const parent = outerExpression(ts, ref).parent;
    if (parent && ts.isBinaryExpression(parent) && parent.left === ref) return undefined; // reassigned
    uses.push(...rddUses(fc, ref, exclusive, seen));
  }
  return uses;
}

function returnKeepsType(fc: FileContext, fn: FunctionLike, returned: ts.Expression): boolean {
  const signature = fc.checker.getSignatureFromDeclaration(fn);
  if (!signature) return false;
  return keepsTypeModuloNullish(fc.ts, fc.checker, fc.checker.getTypeAtLocation(returned), fc.checker.getReturnTypeOfSignature(signature));
}

function isExportStatement(fc: FileContext, statement: ts.Node): boolean {
  const { ts } = fc;
  return ts.isVariableStatement(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function shortText(fc: FileContext, node: ts.Node): string {
  const text = node.getText(fc.sourceFile).replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Every RDD method call downstream of `expression` (following the RDDs each call returns), and whether the
 * rows may reach code the analysis cannot see.
 */
export function downstreamCalls(fc: FileContext, expression: ts.Expression): { calls: RddCall[]; escapes: string[] } {
  const calls: RddCall[] = [];
  const escapes: string[] = [];
  const visited = new Set<ts.Node>();
  const pending: ts.Expression[] = [expression];
  while (pending.length) {
    const next = pending.pop()!;
    if (visited.has(next)) continue;
    visited.add(next);
    for (const use of rddUses(fc, next)) {
      if (use.kind === "escape") {
        escapes.push(use.reason);
        continue;
      }
      calls.push(use.rdd);
      if (returnsRdd(fc, use.rdd.call)) pending.push(use.rdd.call);
    }
  }
  return { calls, escapes };
}

function returnsRdd(fc: FileContext, call: ts.CallExpression): boolean {
  return fc.checker.getTypeAtLocation(call).getSymbol()?.name === "RDD";
}
