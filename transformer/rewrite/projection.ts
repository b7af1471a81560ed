/** Builds projections with factory calls: the runtime's projection data (`[0, 3]`, `{ a: true }`), or prunes a returned literal. */
import type * as ts from "typescript";
import { Unsupported, innerExpression, simplePropertyName, type TS } from "../context.js";
import { KEEP, isKeep, type Shape } from "../plan/shape.js";

/**
 * The runtime's projection (`rdd.projectValues(<this>)`, see runtime/rdd/projection.ts) of a value to
 * `shape`, reading it as it arrives (`arriving` says where upstream pruning moved things): `[0, [3, { a: true }]]`,
 * or `null` for a value dropped whole.
 * The runtime guards every level, so a value whose static type lies is handed on as it is.
 */
export function projectionSpec(ts: TS, shape: Shape, arriving: Shape): ts.Expression {
  const { factory } = ts;
  switch (shape.kind) {
    case "keep":
    case "array":
      throw new Unsupported("a whole value needs no projection");
    case "none":
      return factory.createNull();
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

/** Prunes the (visited) literal according to `shape` (NONE: to `void 0`); `canPruneLiteral` was true for its original. */
export function pruneLiteral(ts: TS, literal: ts.Expression, shape: Shape): ts.Expression {
  const { factory } = ts;
  const node = innerExpression(ts, literal);
  if (shape.kind === "none") return ts.setTextRange(factory.createVoidZero(), node);
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
