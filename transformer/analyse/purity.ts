/**
 * Whether an expression can be removed from the program without changing what it does: evaluating it
 * has no effect, runs no user code and cannot throw. Pruning relies on this where it deletes a computation
 * nobody reads (a dropped element of a returned literal, a dropped field of a field-wise combiner).
 *
 * Operators that convert their operands (`+`, `*`, `<`, `${}`, unary `-`, ...) are only removed when the
 * checker says each operand is a string, number or boolean (or null/undefined): on an object they call
 * `valueOf`/`toString`, on a bigint mixed with a number they throw, and on a symbol they throw.
 */
import type * as ts from "typescript";
import { innerExpression, isStandardLibrary, type FileContext } from "../context.js";

/** Whether `node` may be removed; `readable` admits the property reads the caller knows to be plain data. */
export function isEffectFree(fc: FileContext, node: ts.Expression, readable: (access: ts.Expression) => boolean = () => false): boolean {
  const { ts } = fc;
  const free = (e: ts.Expression): boolean => isEffectFree(fc, e, readable);
  const converted = (e: ts.Expression): boolean => free(e) && isPlainPrimitive(fc, e);
  const inner = innerExpression(ts, node);
  if (ts.isIdentifier(inner)) return isSafeIdentifier(fc, inner);
  if (ts.isLiteralExpression(inner) || ts.isNoSubstitutionTemplateLiteral(inner)) return !ts.isRegularExpressionLiteral(inner);
  if (inner.kind === ts.SyntaxKind.TrueKeyword || inner.kind === ts.SyntaxKind.FalseKeyword || inner.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isPropertyAccessExpression(inner) || ts.isElementAccessExpression(inner)) return readable(inner);
  if (ts.isTypeOfExpression(inner) || ts.isVoidExpression(inner)) return free(inner.expression);
  if (ts.isPrefixUnaryExpression(inner)) {
    if (inner.operator === ts.SyntaxKind.ExclamationToken) return free(inner.operand);
    if (inner.operator === ts.SyntaxKind.PlusPlusToken || inner.operator === ts.SyntaxKind.MinusMinusToken) return false;
    return converted(inner.operand);
  }
  if (ts.isBinaryExpression(inner)) {
    const op = inner.operatorToken.kind;
    if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) return false;
    if (op === ts.SyntaxKind.InKeyword || op === ts.SyntaxKind.InstanceOfKeyword) return false;
    if (isNonConverting(ts, op)) return free(inner.left) && free(inner.right);
    return converted(inner.left) && converted(inner.right);
  }
  if (ts.isConditionalExpression(inner)) return free(inner.condition) && free(inner.whenTrue) && free(inner.whenFalse);
  if (ts.isTemplateExpression(inner)) return inner.templateSpans.every((s) => converted(s.expression));
  if (ts.isArrayLiteralExpression(inner)) return inner.elements.every((e) => !ts.isSpreadElement(e) && !ts.isOmittedExpression(e) && free(e));
  if (ts.isObjectLiteralExpression(inner)) {
    return inner.properties.every((p) => {
      if (ts.isPropertyAssignment(p)) return !ts.isComputedPropertyName(p.name) && free(p.initializer);
      return ts.isShorthandPropertyAssignment(p) && !p.objectAssignmentInitializer && isSafeIdentifier(fc, p.name);
    });
  }
  if (ts.isCallExpression(inner) && isMathCall(fc, inner)) return inner.arguments.every((a) => !ts.isSpreadElement(a) && converted(a));
  return false;
}

/** Operators that only compare identities or pick an operand: no conversion, no user code, no throw. */
function isNonConverting(ts: FileContext["ts"], op: ts.SyntaxKind): boolean {
  const S = ts.SyntaxKind;
  return [S.EqualsEqualsEqualsToken, S.ExclamationEqualsEqualsToken, S.AmpersandAmpersandToken, S.BarBarToken, S.QuestionQuestionToken, S.CommaToken].includes(op);
}

/**
 * An identifier whose read cannot throw: a parameter, a function, or a variable declared earlier in user
 * code (a later `let`/`const` may still be in its temporal dead zone; a `declare`d or library global such as `document`
 * may be missing at run time; an import may be uninitialised in a cycle). `undefined`, `NaN` and `Infinity`
 * are always there.
 */
function isSafeIdentifier(fc: FileContext, id: ts.Identifier): boolean {
  const { ts } = fc;
  const symbol = fc.symbolOf(id);
  const declarations = symbol?.declarations ?? [];
  if (!symbol) return false;
  // (the checker's own `undefined` has no declarations; `NaN` and `Infinity` are declared by the library)
  if (declarations.every((d) => fc.program.isSourceFileDefaultLibrary(d.getSourceFile()))) return ALWAYS_DEFINED.has(id.text) && symbol.name === id.text;
  return declarations.every((d) => {
    if (ts.isParameter(d) || ts.isFunctionDeclaration(d)) return true;
    if (ts.isBindingElement(d) && ts.isParameter(ts.walkUpBindingElementsAndPatterns(d))) return true;
    if (!(ts.isVariableDeclaration(d) || ts.isBindingElement(d))) return false;
    if (isAmbient(fc, d)) return false; // `declare const x`: someone else must define it
    return d.getSourceFile() === id.getSourceFile() && d.end <= id.getStart();
  });
}

const ALWAYS_DEFINED = new Set(["undefined", "NaN", "Infinity"]);

/** A declaration under `declare` (itself, its statement or an enclosing `declare module`/`global`) or in a .d.ts. */
function isAmbient(fc: FileContext, declaration: ts.Node): boolean {
  const { ts } = fc;
  if (declaration.getSourceFile().isDeclarationFile) return true;
  for (let node: ts.Node | undefined = declaration; node; node = node.parent) {
    if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return true;
  }
  return false;
}

/**
 * Whether the checker proves `e` a string, number or boolean (or null/undefined), so conversions run no
 * user code and cannot throw. A branded primitive (`string & { brand }`) counts; `any`, `unknown`, type
 * parameters, bigints, symbols and objects do not. The type is taken past casts: `o as number` is `o`.
 */
function isPlainPrimitive(fc: FileContext, e: ts.Expression): boolean {
  const { ts } = fc;
  const plain = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void;
  const isPlain = (t: ts.Type): boolean => {
    if (t.isUnion()) return t.types.every(isPlain);
    if (t.isIntersection()) return t.types.some((part) => (part.flags & plain) !== 0 && isPlain(part));
    return (t.flags & plain) !== 0;
  };
  return isPlain(fc.checker.getTypeAtLocation(innerExpression(ts, e)));
}

/** A call of `Math.*` that resolves to the standard library (not a local named `Math`). */
function isMathCall(fc: FileContext, call: ts.CallExpression): boolean {
  const { ts } = fc;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== "Math") return false;
  return isStandardLibrary(fc, fc.checker.getSymbolAtLocation(callee.expression));
}
