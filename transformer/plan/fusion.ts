/**
 * Whether a projection can be fused into the value literal a lambda returns right before a shuffle:
 * dropped parts must be free of side effects, and kept parts that shrink must be literals themselves.
 */
import type * as ts from "typescript";
import { innerExpression, simplePropertyName, type FileContext } from "../context.js";
import { isEffectFree } from "../analyse/purity.js";
import type { Shape } from "./shape.js";

/**
 * Whether a returned literal can be pruned in place to `shape`: dropped parts must be free of side
 * effects, and kept parts that shrink must be literals themselves.
 */
export function canPruneLiteral(fc: FileContext, literal: ts.Expression, shape: Shape): boolean {
  const { ts } = fc;
  const node = innerExpression(ts, literal);
  if (shape.kind === "keep") return true;
  if (shape.kind === "none") return isEffectFree(fc, node); // replaced by undefined: it must not have had an effect
  if (shape.kind === "tuple") {
    if (!ts.isArrayLiteralExpression(node) || node.elements.some((e) => ts.isSpreadElement(e) || ts.isOmittedExpression(e))) return false;
    if (node.elements.length !== shape.length) return false;
    return node.elements.every((element, index) => {
      const kept = shape.elements.find((e) => e.from === index);
      return kept ? canPruneInside(fc, element, kept.shape) : isEffectFree(fc, element);
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
      if (kept ? !canPruneInside(fc, value, kept.shape) : !isEffectFree(fc, value)) return false;
    }
    return shape.properties.every((p) => names.has(p.name));
  }
  return false;
}

/** A kept part that shrinks must be a literal itself: pruning anything else would read it again. */
function canPruneInside(fc: FileContext, element: ts.Expression, shape: Shape): boolean {
  if (shape.kind === "keep") return true;
  return canPruneLiteral(fc, element, shape);
}
