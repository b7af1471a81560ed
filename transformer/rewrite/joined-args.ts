/**
 * Joined-row twins, the emission (plan/joined-args.ts decides):
 * `Object.defineProperty(<fn>, Symbol.for("rddopt.joinedArgs"), { value: (l, r) => <fn's body>, configurable: true })`.
 * Like the closure annotation: no import, the call returns the function with its type, the property is inert
 * where no join reads it. The twin's parameters are typed `any` in TypeScript files, so `rddopt rewrite`'s
 * output still type-checks (the body is checked as written in the function itself).
 */
import type * as ts from "typescript";
import type { TS } from "../context.js";
import { twinParameters, type JoinedForm } from "../plan/joined-args.js";

export const JOINED_ARGS_SYMBOL = "rddopt.joinedArgs";

export interface JoinedArgsEdit {
  form: JoinedForm;
  holeName: string;
  typed: boolean;
}

/** The twin's parameter names, in order (a hole gets `holeName`). */
export function twinParameterNames(ts: TS, fn: ts.ArrowFunction, edit: JoinedArgsEdit): string[] {
  return twinParameters(ts, fn, edit.form)!.map((id) => id?.text ?? edit.holeName);
}

/** `Symbol.for("rddopt.joinedArgs")` */
export function joinedArgsKey(ts: TS): ts.Expression {
  const { factory } = ts;
  return factory.createCallExpression(factory.createPropertyAccessExpression(factory.createIdentifier("Symbol"), "for"), undefined, [factory.createStringLiteral(JOINED_ARGS_SYMBOL)]);
}

/** The factory path: the annotation around `fn` (already visited: its body holds the other edits). */
export function joinedArgsAnnotation(ts: TS, fn: ts.ArrowFunction, edit: JoinedArgsEdit): ts.CallExpression {
  const { factory } = ts;
  // The pattern's own identifiers (not new ones), so a later rename of a binding (downlevel) renames both alike.
  const parameters = twinParameters(ts, fn, edit.form)!.map((id) =>
    factory.createParameterDeclaration(undefined, undefined, id ?? factory.createIdentifier(edit.holeName), undefined, edit.typed ? factory.createKeywordTypeNode(ts.SyntaxKind.AnyKeyword) : undefined),
  );
  const twin = factory.createArrowFunction(undefined, undefined, parameters, undefined, factory.createToken(ts.SyntaxKind.EqualsGreaterThanToken), fn.body);
  const descriptor = factory.createObjectLiteralExpression([factory.createPropertyAssignment("value", twin), factory.createPropertyAssignment("configurable", factory.createTrue())]);
  const defineProperty = factory.createPropertyAccessExpression(factory.createIdentifier("Object"), "defineProperty");
  return factory.createCallExpression(defineProperty, undefined, [fn, joinedArgsKey(ts), descriptor]);
}
