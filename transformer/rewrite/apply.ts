/**
 * Applies a plan's edits (plan/edits.ts) in one visit with `ts.factory`; new nodes keep the original's
 * position for source maps and diagnostics.
 */
import type * as ts from "typescript";
import { innerExpression, type TS } from "../context.js";
import type { Edit, Edits } from "../plan/edits.js";
import { projectionSpec, pruneLiteral } from "./projection.js";
import { readerOptionProperties } from "./reader-options.js";
import { closureAnnotation } from "./closure.js";

export function applyEdits(ts: TS, context: ts.TransformationContext, sourceFile: ts.SourceFile, edits: Edits): ts.SourceFile {
  if (edits.size === 0) return sourceFile;
  const onPath = editedSubtrees(sourceFile, edits);
  const visit = (node: ts.Node): ts.Node => {
    if (!onPath.has(node)) return node; // nothing below is edited: the same node, unvisited
    const visited = ts.visitEachChild(node, visit, context);
    const list = edits.byNode.get(node);
    if (!list) return visited;
    let result = visited;
    for (const edit of list) result = apply(ts, edit, result);
    if (result !== visited) {
      ts.setOriginalNode(result, node);
      if (result.pos < 0) ts.setTextRange(result, node);
    }
    return result;
  };
  return ts.visitEachChild(sourceFile, visit, context);
}

/**
 * The edited nodes and their ancestors: the only nodes the visit must enter (a file's few pipelines are a small
 * part of it). A node outside the file's parent chain (none is expected) makes the visit enter everything.
 */
function editedSubtrees(sourceFile: ts.SourceFile, edits: Edits): { has(node: ts.Node): boolean } {
  const nodes = new Set<ts.Node>();
  for (const edited of edits.byNode.keys()) {
    let node: ts.Node | undefined = edited;
    while (node && node !== sourceFile && !nodes.has(node)) {
      nodes.add(node);
      node = node.parent;
    }
    if (!node) return { has: () => true };
  }
  return nodes;
}

function apply(ts: TS, edit: Edit, visited: ts.Node): ts.Node {
  const { factory } = ts;
  switch (edit.kind) {
    case "index":
      return ts.setTextRange(factory.createNumericLiteral(edit.position), visited);
    case "pattern": {
      const node = visited as ts.ArrayBindingPattern;
      return factory.updateArrayBindingPattern(node, edit.kept.map((from) => node.elements[from] ?? factory.createOmittedExpression()));
    }
    case "joinOptions":
      return joinOptions(ts, visited as ts.CallExpression, edit);
    case "project": {
      const receiver = visited as ts.Expression;
      const access = ts.setTextRange(factory.createPropertyAccessExpression(receiver, "projectValues"), receiver);
      return ts.setTextRange(factory.createCallExpression(access, undefined, [projectionSpec(ts, edit.shape, edit.arriving)]), receiver);
    }
    case "pruneLiteral":
      return pruneLiteral(ts, visited as ts.Expression, edit.shape);
    case "readerOptions":
      return readerOptions(ts, visited as ts.CallExpression, edit);
    case "capture":
      return closureAnnotation(ts, visited as ts.Expression, edit.closure);
  }
}

function readerOptions(ts: TS, call: ts.CallExpression, edit: Extract<Edit, { kind: "readerOptions" }>): ts.CallExpression {
  const { factory } = ts;
  const ours = readerOptionProperties(ts, edit);
  const written = call.arguments[1];
  let options: ts.Expression = factory.createObjectLiteralExpression(ours, false);
  if (edit.placement === "after" && written) {
    const literal = innerExpression(ts, written) as ts.ObjectLiteralExpression;
    options = ts.setTextRange(factory.updateObjectLiteralExpression(literal, [...literal.properties, ...ours]), literal);
  }
  return factory.updateCallExpression(call, call.expression, call.typeArguments, [call.arguments[0]!, options]);
}
function joinOptions(ts: TS, call: ts.CallExpression, edit: Extract<Edit, { kind: "joinOptions" }>): ts.CallExpression {
  const { factory } = ts;
  const ours = [factory.createPropertyAssignment("strategy", factory.createStringLiteral("auto"))];
  if (edit.withSite) ours.push(factory.createPropertyAssignment("site", factory.createStringLiteral(edit.site)));
  if (edit.inPlace) ours.push(factory.createPropertyAssignment("inPlace", factory.createTrue()));
  if (edit.readOnly) ours.push(factory.createPropertyAssignment("readOnly", factory.createTrue()));
  const written = call.arguments[1];
  let options: ts.Expression;
  if (edit.placement === "only" || !written) {
    options = factory.createObjectLiteralExpression(ours, false);
  } else if (edit.placement === "spread") {
    options = ts.setTextRange(factory.createObjectLiteralExpression([...ours, factory.createSpreadAssignment(written)], false), written);
  } else {
    const literal = innerExpression(ts, written) as ts.ObjectLiteralExpression;
    const properties = edit.placement === "before" ? [...ours, ...literal.properties] : [...literal.properties, ...ours];
    options = ts.setTextRange(factory.updateObjectLiteralExpression(literal, properties), literal);
  }
  return factory.updateCallExpression(call, call.expression, call.typeArguments, [call.arguments[0], options]);
}
