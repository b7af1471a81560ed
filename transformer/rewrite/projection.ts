/** Builds projections with factory calls: the runtime's projection data (`[0, 3]`, `{ a: true }`), or prunes a returned literal. */
import type * as ts from "typescript";
import { Unsupported, innerExpression, type TS } from "../context.js";
import { KEEP, isKeep, type Shape } from "../plan/shape.js";

/**
 * The runtime's projection (`rdd.projectValues(<this>)`, see runtime/rdd/projection.ts) of a value to
 * `shape`, reading it as it arrives (`arriving` says where upstream pruning moved things): `[0, [3, { a: true }]]`.
 * The runtime guards every level, so a value whose static type lies is handed on as it is.
 */
export function projectionSpec(ts: TS, shape: Shape, arriving: Shape): ts.Expression {
  const { factory } = ts;
  switch (shape.kind) {
    case "keep":
    case "array":
      throw new Unsupported("a whole value needs no projection");
    case "tuple":
      return factory.createArrayLiteralExpression(
        shape.elements.map((element) => {
          const located = locate(arriving, element.from, element.shape);
          if (!located) return factory.createNull(); // kept for its position only, removed upstream: never read
          const index = factory.createNumericLiteral(located.position);
          if (isKeep(element.shape)) return index;
          return factory.createArrayLiteralExpression([index, projectionSpec(ts, element.shape, located.child)]);
        }),
      );
    case "object":
      return factory.createObjectLiteralExpression(
        shape.properties.map((property) => {
          const child = arriving.kind === "object" ? arriving.properties.find((p) => p.name === property.name)?.shape : KEEP;
          if (!child) throw new Unsupported(`upstream pruning removed \`${property.name}\``);
          const value = isKeep(property.shape) ? factory.createTrue() : projectionSpec(ts, property.shape, child);
          const name = property.name === "__proto__" ? factory.createComputedPropertyName(factory.createStringLiteral(property.name)) : propertyName(ts, property.name);
          return factory.createPropertyAssignment(name, value);
        }),
        false,
      );
  }
}

function locate(arriving: Shape, from: number, wanted: Shape): { position: number; child: Shape } | undefined {
  if (arriving.kind !== "tuple") return { position: from, child: KEEP };
  const position = arriving.elements.findIndex((e) => e.from === from);
  if (position < 0 && wanted.kind === "keep") return undefined;
  if (position < 0) throw new Unsupported(`upstream pruning removed element ${from}`);
  return { position, child: arriving.elements[position].shape };
}

function propertyName(ts: TS, name: string): ts.PropertyName {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? ts.factory.createIdentifier(name) : ts.factory.createStringLiteral(name);
}

/**
 * Whether a returned literal can be pruned in place to `shape`: dropped parts must be free of side
 * effects, and kept parts that shrink must be literals themselves or cheap expressions to repeat.
 */
export function canPruneLiteral(ts: TS, literal: ts.Expression, shape: Shape): boolean {
  const node = innerExpression(ts, literal);
  if (shape.kind === "keep") return true;
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

/** Prunes the (visited) literal according to `shape`; `canPruneLiteral` was true for its original. */
export function pruneLiteral(ts: TS, literal: ts.Expression, shape: Shape): ts.Expression {
  const { factory } = ts;
  const node = innerExpression(ts, literal);
  if (shape.kind === "tuple" && ts.isArrayLiteralExpression(node)) {
    const elements = shape.elements.map((e) => pruneInside(ts, node.elements[e.from], e.shape));
    return ts.setTextRange(factory.createArrayLiteralExpression(elements, false), node);
  }
  if (shape.kind === "object" && ts.isObjectLiteralExpression(node)) {
    const properties = node.properties.filter((p) => shape.properties.some((k) => k.name === simplePropertyName(ts, p)));
    const updated = properties.map((p) => {
      const kept = shape.properties.find((k) => k.name === simplePropertyName(ts, p))!;
      if (kept.shape.kind === "keep") return p;
      const value = ts.isPropertyAssignment(p) ? p.initializer : (p as ts.ShorthandPropertyAssignment).name;
      return factory.createPropertyAssignment(p.name as ts.PropertyName, pruneInside(ts, value, kept.shape));
    });
    return ts.setTextRange(factory.createObjectLiteralExpression(updated, node.properties.hasTrailingComma), node);
  }
  throw new Unsupported("a literal that cannot be pruned in place");
}

function pruneInside(ts: TS, element: ts.Expression, shape: Shape): ts.Expression {
  if (shape.kind === "keep") return element;
  return pruneLiteral(ts, innerExpression(ts, element), shape);
}

function simplePropertyName(ts: TS, property: ts.ObjectLiteralElementLike): string | undefined {
  if (ts.isShorthandPropertyAssignment(property)) return property.objectAssignmentInitializer ? undefined : property.name.text;
  if (!ts.isPropertyAssignment(property)) return undefined;
  const name = property.name;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  return undefined;
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
