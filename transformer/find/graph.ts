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
import { keepsTypeModuloNullish, outerExpression, short, wrappersKeepType, type FileContext } from "../context.js";
import { rddCallOf, type RddCall } from "./rdd-calls.js";
import { functionOf, helperCallSites, returningFunction, usesArguments, type FunctionLike } from "./functions.js";

/**
 * `role` is "receiver" or the argument index of the consuming call; `returnTo` is the return context the
 * call was reached in (what the enclosing helpers' returns flow to), for following its output.
 */
export type RddUse =
  | { kind: "call"; rdd: RddCall; role: "receiver" | number; via: ts.Expression; returnTo: ReturnTargets }
  | { kind: "escape"; reason: string; node: ts.Node };

/**
 * Where a helper's `return` flows: the call the walk entered the helper through (context-sensitive, so a
 * helper called from several places does not mix its callers), innermost first.
 */
export type ReturnTargets = ReadonlyMap<FunctionLike, ts.CallExpression>;
export const NO_TARGETS: ReturnTargets = new Map();

const nodeIds = new WeakMap<ts.Node, number>();
let nextId = 1;
const idOf = (node: ts.Node): number => {
  let id = nodeIds.get(node);
  if (id === undefined) nodeIds.set(node, (id = nextId++));
  return id;
};

/** A return context as a string, for caches and visited sets (equal contexts, equal keys). */
export function targetsKey(targets: ReturnTargets): string {
  return [...targets].map(([fn, call]) => `${idOf(fn)}>${idOf(call)}`).sort().join(",");
}

export function rddUses(
  fc: FileContext,
  expression: ts.Expression,
  exclusive = false,
  seen = new Map<ts.Node, Set<string>>(),
  returnTo: ReturnTargets = NO_TARGETS,
): RddUse[] {
  const { ts } = fc;
  const expr = outerExpression(ts, expression);
  // one visit per node and return context: the same helper body entered from two calls is walked twice
  const visits = seen.get(expr) ?? new Set<string>();
  const key = targetsKey(returnTo);
  if (visits.has(key)) return [];
  visits.add(key);
  seen.set(expr, visits);
  const parent = expr.parent;
  const escape = (reason: string): RddUse[] => [{ kind: "escape", reason, node: expr }];
  if (!parent) return escape("no context");
  if (!wrappersKeepType(ts, fc.checker, expression, expr)) return escape("a type assertion changes the RDD's type");

  if (ts.isPropertyAccessExpression(parent) && parent.expression === expr) {
    const call = parent.parent;
    if (call && ts.isCallExpression(call) && call.expression === parent) {
      const rdd = rddCallOf(fc, call);
      if (rdd) return [{ kind: "call", rdd, role: "receiver", via: expr, returnTo }];
    }
    return escape(`\`.${parent.name.text}\` is not an rddopt RDD method call`);
  }
  if (ts.isCallExpression(parent) && parent.arguments.includes(expr)) {
    const index = parent.arguments.indexOf(expr);
    const rdd = rddCallOf(fc, parent);
    if (rdd) return [{ kind: "call", rdd, role: index, via: expr, returnTo }];
    return helperParameterUses(fc, parent, index, expr, exclusive, seen, returnTo) ?? escape(`passed to \`${short(fc, parent.expression)}\`, which is not analysed`);
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
    return fc.references(symbol).flatMap((ref) => rddUses(fc, ref, exclusive, seen, returnTo));
  }
  const returner = returningFunction(fc, expr);
  if (returner) {
    const target = returnTo.get(returner);
    if (target) {
      if (!returnKeepsType(fc, returner, expr)) return escape("returned as another type");
      const rest = new Map(returnTo);
      rest.delete(returner);
      return rddUses(fc, target, exclusive, seen, rest);
    }
    const sites = helperCallSites(fc, returner);
    if (!sites) return escape("returned from a function that is not only called directly in this file");
    if (exclusive && sites.length !== 1) return escape("returned from a helper called from several places (its callers would all see the pruned rows)");
    if (!returnKeepsType(fc, returner, expr)) return escape("returned as another type");
    return sites.flatMap((site) => rddUses(fc, site, exclusive, seen, returnTo));
  }
  return escape(`used as ${ts.SyntaxKind[parent.kind]}`);
}

/**
 * The uses of an RDD passed as argument `index` of a call of a helper function: the uses of its parameter
 * inside the helper, with what the helper returns flowing back to this call. For a rewrite (`exclusive`)
 * the helper must be this file's, called from this one place, without a default for the parameter; demand
 * may also read through exported helpers and (cross-file mode) helpers of other files.
 */
function helperParameterUses(
  fc: FileContext,
  call: ts.CallExpression,
  index: number,
  argument: ts.Expression,
  exclusive: boolean,
  seen: Map<ts.Node, Set<string>>,
  returnTo: ReturnTargets,
): RddUse[] | undefined {
  const { ts } = fc;
  const fn = functionOf(fc, call.expression);
  if (!fn?.body || usesArguments(fc, fn)) return undefined;
  const parameter = fn.parameters[index];
  if (!parameter || parameter.dotDotDotToken || !ts.isIdentifier(parameter.name)) return undefined;
  if (call.arguments.slice(0, index).some((a) => ts.isSpreadElement(a))) return undefined;
  if (exclusive) {
    // the helper's body also sees its other callers' RDDs (or the default): it cannot be rewritten for this one
    const sites = helperCallSites(fc, fn);
    if (!sites || sites.length !== 1 || parameter.initializer || !fc.isLocal(fn)) return undefined;
  } else if (!isDirectCallee(fc, call, fn)) {
    return undefined;
  }
  const symbol = fc.checker.getSymbolAtLocation(parameter.name);
  if (!symbol) return undefined;
  if (!keepsTypeModuloNullish(ts, fc.checker, fc.checker.getTypeAtLocation(argument), fc.checker.getTypeOfSymbol(symbol))) return undefined;
  const inner = new Map(returnTo);
  inner.set(fn, call);
  const uses: RddUse[] = [];
  for (const ref of fc.references(symbol)) {
    const parent = outerExpression(ts, ref).parent;
    if (parent && ts.isBinaryExpression(parent) && parent.left === ref) return undefined; // reassigned
    uses.push(...rddUses(fc, ref, exclusive, seen, inner));
  }
  return uses;
}

/** The call invokes `fn` itself (by its name or inline), so its body is what runs. */
function isDirectCallee(fc: FileContext, call: ts.CallExpression, fn: FunctionLike): boolean {
  return functionOf(fc, call.expression) === fn && !fc.ts.isPropertyAccessExpression(call.expression);
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


/**
 * Every RDD method call downstream of `expression` (following the RDDs each call returns), and whether the
 * rows may reach code the analysis cannot see.
 */
export function downstreamCalls(fc: FileContext, expression: ts.Expression): { calls: RddCall[]; escapes: string[] } {
  const calls: RddCall[] = [];
  const escapes: string[] = [];
  const visited = new Set<string>();
  const pending: [ts.Expression, ReturnTargets][] = [[expression, NO_TARGETS]];
  while (pending.length) {
    const [next, context] = pending.pop()!;
    const key = `${idOf(next)}|${targetsKey(context)}`;
    if (visited.has(key)) continue;
    visited.add(key);
    for (const use of rddUses(fc, next, false, undefined, context)) {
      if (use.kind === "escape") {
        escapes.push(use.reason);
        continue;
      }
      calls.push(use.rdd);
      if (returnsRdd(fc, use.rdd.call)) pending.push([use.rdd.call, use.returnTo]);
    }
  }
  return { calls, escapes };
}

function returnsRdd(fc: FileContext, call: ts.CallExpression): boolean {
  return fc.checker.getTypeAtLocation(call).getSymbol()?.name === "RDD";
}
