/**
 * Whether a projection can be fused into the value literal a lambda returns right before a shuffle:
 * dropped parts must be free of side effects, and kept parts that shrink must be literals themselves.
 */
import type * as ts from "typescript";
import { innerExpression, simplePropertyName, type TS } from "../context.js";
import type { Shape } from "./shape.js";

/**
 * Whether a returned literal can be pruned in place to `shape`: dropped parts must be free of side
 * effects, and kept parts that shrink must be literals themselves.
 */
export function canPruneLiteral(ts: TS, literal: ts.Expression, shape: Shape): boolean {
  const node = innerExpression(ts, literal);
  if (shape.kind === "keep") return true;
  if (shape.kind === "none") return isPure(ts, node); // replaced by undefined: it must not have had an effect
  if (shape.kind === "tuple") {
    if (!ts.isArrayLiteralExpression(node) || node.elements.some((e) => ts.isSpreadElement(e) || ts.isOmittedExpression(e))) return false;
    if (node.elements.length !== shape.length) return false;
    return node.elements.every((element, index) => {
      const kept = shape.elements.find((e) => e.from === index);
      return kept ? canPruneInside(ts, element, kept.shape) : isPure(ts, element);
    });
  }
  if (shape.kind === "object") {
    if (!ts.isObjectLiteralExpression(node)) return false;
    const names = new Set<string>();
    for (const property of node.properties) {
      const name = simplePropertyName(ts, property);
      if (name === undefined || names.has(name)) return false;
      names.add(name);
      const kept = shape.properties.find((p) => p.name === name);
      const value = ts.isPropertyAssignment(property) ? property.initializer : (property as ts.ShorthandPropertyAssignment).name;
      if (kept ? !canPruneInside(ts, value, kept.shape) : !isPure(ts, value)) return false;
    }
    return shape.properties.every((p) => names.has(p.name));
  }
  return false;
}

/** A kept part that shrinks must be a literal itself: pruning anything else would read it again. */
function canPruneInside(ts: TS, element: ts.Expression, shape: Shape): boolean {
  if (shape.kind === "keep") return true;
  return canPruneLiteral(ts, element, shape);
}

/**
 * Expressions whose evaluation has no side effects, so dropping them changes nothing. Property reads are
 * not: a getter may count (the value may be a class instance behind an interface), and calls may do anything.
 */
export function isPure(ts: TS, node: ts.Expression): boolean {
  const inner = innerExpression(ts, node);
  if (ts.isIdentifier(inner)) return true;
  if (ts.isLiteralExpression(inner) || ts.isNoSubstitutionTemplateLiteral(inner)) return true;
  switch (inner.kind) {
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
      return true;
  }
  if (ts.isPrefixUnaryExpression(inner)) {
    return inner.operator !== ts.SyntaxKind.PlusPlusToken && inner.operator !== ts.SyntaxKind.MinusMinusToken && isPure(ts, inner.operand);
  }
  if (ts.isBinaryExpression(inner)) {
    const op = inner.operatorToken.kind;
    if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) return false;
    if (op === ts.SyntaxKind.InKeyword || op === ts.SyntaxKind.InstanceOfKeyword) return false;
    return isPure(ts, inner.left) && isPure(ts, inner.right);
  }
  if (ts.isConditionalExpression(inner)) return isPure(ts, inner.condition) && isPure(ts, inner.whenTrue) && isPure(ts, inner.whenFalse);
  if (ts.isTemplateExpression(inner)) return inner.templateSpans.every((s) => isPure(ts, s.expression));
  if (ts.isArrayLiteralExpression(inner)) return inner.elements.every((e) => !ts.isSpreadElement(e) && isPure(ts, e));
  if (ts.isObjectLiteralExpression(inner)) {
    return inner.properties.every((p) => (ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name) && isPure(ts, p.initializer)) || (ts.isShorthandPropertyAssignment(p) && !p.objectAssignmentInitializer));
  }
  return false;
}
