/**
 * Closure capture, the emission: a function argument becomes
 * `Object.defineProperty(<fn>, Symbol.for("rddopt.closure"), { value: { v: 1, ... }, configurable: true })`.
 * No import is needed, the call returns its first argument with its type (so contextual typing stays), and
 * the property is inert where no worker runs the function. `configurable` lets a named function passed at
 * several sites be annotated at each. Both rewrite paths build it here (text.ts prints these nodes).
 */
import type * as ts from "typescript";
import type { TS } from "../context.js";
import type { ClosureSpec, ImportUrl } from "../plan/capture.js";

export const CLOSURE_SYMBOL = "rddopt.closure";

/** `Object.defineProperty(fn, Symbol.for("rddopt.closure"), descriptor)` */
export function closureAnnotation(ts: TS, fn: ts.Expression, spec: ClosureSpec): ts.CallExpression {
  const { factory } = ts;
  const defineProperty = factory.createPropertyAccessExpression(factory.createIdentifier("Object"), "defineProperty");
  return factory.createCallExpression(defineProperty, undefined, [fn, closureKey(ts), closureDescriptor(ts, spec)]);
}

/** `Symbol.for("rddopt.closure")` */
export function closureKey(ts: TS): ts.Expression {
  const { factory } = ts;
  return factory.createCallExpression(factory.createPropertyAccessExpression(factory.createIdentifier("Symbol"), "for"), undefined, [factory.createStringLiteral(CLOSURE_SYMBOL)]);
}

/** `{ value: <ClosureInfo>, configurable: true }` */
export function closureDescriptor(ts: TS, spec: ClosureSpec): ts.ObjectLiteralExpression {
  const { factory } = ts;
  return factory.createObjectLiteralExpression([
    factory.createPropertyAssignment("value", closureInfo(ts, spec)),
    factory.createPropertyAssignment("configurable", factory.createTrue()),
  ]);
}

function closureInfo(ts: TS, spec: ClosureSpec): ts.ObjectLiteralExpression {
  const { factory } = ts;
  const properties: ts.ObjectLiteralElementLike[] = [factory.createPropertyAssignment("v", factory.createNumericLiteral(1))];
  if (spec.values.length) {
    const record = factory.createObjectLiteralExpression(spec.values.map((name) => factory.createShorthandPropertyAssignment(name)));
    properties.push(factory.createPropertyAssignment("values", getter(ts, factory.createParenthesizedExpression(record))));
  }
  if (spec.imports.length) {
    const entries = spec.imports.map((i) =>
      factory.createPropertyAssignment(
        i.name,
        factory.createObjectLiteralExpression([factory.createPropertyAssignment("from", importUrl(ts, i.from)), factory.createPropertyAssignment("name", factory.createStringLiteral(i.exportName))]),
      ),
    );
    properties.push(factory.createPropertyAssignment("imports", factory.createObjectLiteralExpression(entries)));
  }
  if (spec.functions.length) {
    const entries = spec.functions.map((f) =>
      factory.createPropertyAssignment(
        f.name,
        factory.createObjectLiteralExpression([
          factory.createPropertyAssignment("fn", getter(ts, factory.createIdentifier(f.name))),
          // described elsewhere in this annotation: the runtime flattens every function into one scope
          factory.createPropertyAssignment("info", f.info ? closureInfo(ts, f.info) : factory.createObjectLiteralExpression([factory.createPropertyAssignment("v", factory.createNumericLiteral(1))])),
        ]),
      ),
    );
    properties.push(factory.createPropertyAssignment("functions", factory.createObjectLiteralExpression(entries)));
  }
  if (spec.inProcess) properties.push(factory.createPropertyAssignment("inProcess", factory.createStringLiteral(spec.inProcess)));
  return factory.createObjectLiteralExpression(properties);
}

const getter = (ts: TS, body: ts.Expression): ts.ArrowFunction =>
  ts.factory.createArrowFunction(undefined, undefined, [], undefined, ts.factory.createToken(ts.SyntaxKind.EqualsGreaterThanToken), body);

function importUrl(ts: TS, from: ImportUrl): ts.Expression {
  const { factory } = ts;
  const importMeta = () => factory.createMetaProperty(ts.SyntaxKind.ImportKeyword, factory.createIdentifier("meta"));
  switch (from.kind) {
    case "esm-relative": {
      const url = factory.createNewExpression(factory.createIdentifier("URL"), undefined, [factory.createStringLiteral(from.path), factory.createPropertyAccessExpression(importMeta(), "url")]);
      return factory.createPropertyAccessExpression(url, "href");
    }
    case "esm-bare":
      return factory.createCallExpression(factory.createPropertyAccessExpression(importMeta(), "resolve"), undefined, [factory.createStringLiteral(from.specifier)]);
    case "cjs": {
      const require = (arg: ts.Expression) => factory.createCallExpression(factory.createIdentifier("require"), undefined, [arg]);
      const resolved = factory.createCallExpression(factory.createPropertyAccessExpression(factory.createIdentifier("require"), "resolve"), undefined, [factory.createStringLiteral(from.specifier)]);
      const fileUrl = factory.createCallExpression(factory.createPropertyAccessExpression(require(factory.createStringLiteral("node:url")), "pathToFileURL"), undefined, [resolved]);
      return factory.createPropertyAccessExpression(fileUrl, "href");
    }
  }
}
