/**
 * Pipelines as a graph of RDD values: who consumes the RDD an expression evaluates to. Values flow
 * through method chains, `const` variables, and helper functions of the same file (parameters and returns).
 */
import type * as ts from "typescript";
import { outerExpression, type FileContext } from "../context.js";
import { rddCallOf, type RddCall } from "./rdd-calls.js";
import { functionOf, helperCallSites, returningFunction } from "./functions.js";
import { short } from "../analyse/values.js";

/** `role` is "receiver" or the argument index of the consuming call. */
export type RddUse =
  | { kind: "call"; rdd: RddCall; role: "receiver" | number; via: ts.Expression }
  | { kind: "escape"; reason: string; node: ts.Node };

export function rddUses(fc: FileContext, expression: ts.Expression, seen = new Set<ts.Node>()): RddUse[] {
  const { ts } = fc;
  const expr = outerExpression(ts, expression);
  if (seen.has(expr)) return [];
  seen.add(expr);
  const parent = expr.parent;
  const escape = (reason: string): RddUse[] => [{ kind: "escape", reason, node: expr }];
  if (!parent) return escape("no context");

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
    return helperParameterUses(fc, parent, index, seen) ?? escape(`passed to \`${short(fc, parent.expression)}\`, which is not analysed`);
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === expr) {
    const list = parent.parent;
    if (!ts.isIdentifier(parent.name) || !ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) {
      return escape("stored in a variable that is not a plain `const`");
    }
    const statement = list.parent;
    if (ts.isVariableStatement(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      return escape(`\`${parent.name.text}\` is exported`);
    }
    const symbol = fc.checker.getSymbolAtLocation(parent.name);
    if (!symbol) return escape("unresolved variable");
    return fc.references(symbol).flatMap((ref) => rddUses(fc, ref, seen));
  }
  const returner = returningFunction(fc, expr);
  if (returner) {
    const sites = helperCallSites(fc, returner);
    if (!sites) return escape("returned from a function that is not only called directly in this file");
    return sites.flatMap((site) => rddUses(fc, site, seen));
  }
  return escape(`used as ${ts.SyntaxKind[parent.kind]}`);
}

function helperParameterUses(fc: FileContext, call: ts.CallExpression, index: number, seen: Set<ts.Node>): RddUse[] | undefined {
  const { ts } = fc;
  const fn = functionOf(fc, call.expression);
  if (!fn || !helperCallSites(fc, fn)) return undefined;
  if (call.arguments.slice(0, index).some((a) => ts.isSpreadElement(a))) return undefined;
  const parameter = fn.parameters[index];
  if (!parameter || parameter.dotDotDotToken || !ts.isIdentifier(parameter.name)) return undefined;
  const symbol = fc.checker.getSymbolAtLocation(parameter.name);
  if (!symbol) return undefined;
  const uses: RddUse[] = [];
  for (const ref of fc.references(symbol)) {
    const parent = outerExpression(ts, ref).parent;
    if (parent && ts.isBinaryExpression(parent) && parent.left === ref) return undefined; // reassigned
    uses.push(...rddUses(fc, ref, seen));
  }
  return uses;
}
