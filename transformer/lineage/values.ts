/**
 * The value analysis (analyse/values.ts) as lineage needs it. For pruning, an operand of `+` is read
 * whether or not the sum is used (pruning must never drop what code touches). For lineage the question is
 * which inputs flow into an output: a pure computation whose result nobody observes feeds no output.
 * Only side-effect free combinations of plain data are refined here; calls the analysis cannot see still
 * observe their arguments whole, because they may mutate them.
 */
import type * as ts from "typescript";
import { isStandardLibrary, outerExpression, short, type FileContext } from "../context.js";
import { all, type Demand } from "../analyse/demand.js";
import { ValueAnalysis, isWrite } from "../analyse/values.js";

/** Standard-library functions of plain values that compute a result and touch nothing else. */
const PURE_GLOBAL_CALL = /^(Math\.\w+|Number|String|Boolean|parseInt|parseFloat|Number\.\w+|isNaN|isFinite|BigInt)$/;

export class LineageValueAnalysis extends ValueAnalysis {
  constructor(private readonly lineageFc: FileContext) {
    super(lineageFc);
  }

  override usage(node: ts.Expression): Demand {
    // a property read whose result nothing observes only guards against a throw: it feeds no output
    const read = this.propertyRead(node);
    if (read && this.usage(read) === null) return null;
    const test = this.testedBy(node);
    if (test) return this.usage(test) === null ? null : super.usage(node);
    const combination = this.pureCombination(node);
    if (!combination) return super.usage(node);
    // the operand flows into the combination: whole (the result is a new value), if anything observes it
    return this.usage(combination) === null ? null : all(`computed by \`${short(this.lineageFc, combination)}\``);
  }

  /** `node.name` or `node[literal]` read (not called, not written), if that is what `node` is used for. */
  private propertyRead(node: ts.Expression): ts.Expression | undefined {
    const { ts } = this.lineageFc;
    const expr = outerExpression(ts, node);
    const parent = expr.parent;
    if (!parent || !(ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) || parent.expression !== expr) return undefined;
    if (ts.isElementAccessExpression(parent) && !ts.isLiteralExpression(parent.argumentExpression)) return undefined;
    const user = outerExpression(ts, parent).parent;
    if (user && ts.isCallExpression(user) && outerExpression(ts, user.expression) === outerExpression(ts, parent)) return undefined;
    if (isWrite(this.lineageFc, parent)) return undefined;
    return parent;
  }

  /**
   * The expression whose result a truthiness test of `node` decides (`node ? a : b`, `!node`, `node && b`,
   * `node ?? b`): when nothing observes that result, the test feeds no output.
   */
  private testedBy(node: ts.Expression): ts.Expression | undefined {
    const { ts } = this.lineageFc;
    const expr = outerExpression(ts, node);
    const parent = expr.parent;
    if (!parent) return undefined;
    if (ts.isConditionalExpression(parent) && parent.condition === expr) return parent;
    if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) return parent;
    const logical = [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken];
    if (ts.isBinaryExpression(parent) && parent.left === expr && logical.includes(parent.operatorToken.kind)) return parent;
    return undefined;
  }

  /** The expression that combines `node`'s value with others without side effects, if there is one. */
  private pureCombination(node: ts.Expression): ts.Expression | undefined {
    const { ts, checker } = this.lineageFc;
    const expr = outerExpression(ts, node);
    const parent = expr.parent;
    if (!parent) return undefined;
    if (ts.isBinaryExpression(parent) && isPureOperator(ts, parent, expr) && (isEquality(ts, parent) || isPrimitive(ts, checker, expr))) return parent;
    if (ts.isPrefixUnaryExpression(parent) && [ts.SyntaxKind.MinusToken, ts.SyntaxKind.PlusToken, ts.SyntaxKind.TildeToken].includes(parent.operator)) {
      return isPrimitive(ts, checker, expr) ? parent : undefined;
    }
    if (ts.isTypeOfExpression(parent)) return parent;
    if (ts.isTemplateSpan(parent) && parent.expression === expr && isPrimitive(ts, checker, expr)) return parent.parent;
    // `s.trim()`, `n.toFixed(2)`: methods of primitives cannot change the value they are called on
    if (ts.isPropertyAccessExpression(parent) && parent.expression === expr && isPrimitive(ts, checker, expr)) {
      const call = parent.parent;
      if (call && ts.isCallExpression(call) && call.expression === parent && call.arguments.every((a) => !ts.isSpreadElement(a))) return call;
    }
    if (ts.isCallExpression(parent) && parent.arguments.includes(expr) && isPureGlobal(this.lineageFc, parent.expression)) return parent;
    return undefined;
  }
}

function isEquality(ts: typeof import("typescript"), binary: ts.BinaryExpression): boolean {
  const S = ts.SyntaxKind;
  return [S.EqualsEqualsEqualsToken, S.ExclamationEqualsEqualsToken, S.EqualsEqualsToken, S.ExclamationEqualsToken].includes(binary.operatorToken.kind);
}

/** Operators that compute a new value from their operands (arithmetic ones only on primitives, see the caller). */
function isPureOperator(ts: typeof import("typescript"), binary: ts.BinaryExpression, operand: ts.Expression): boolean {
  const op = binary.operatorToken.kind;
  const S = ts.SyntaxKind;
  if (isEquality(ts, binary)) {
    // a test against null/undefined only observes presence: the value analysis models it exactly
    const other = binary.left === operand ? binary.right : binary.left;
    return !(other.kind === S.NullKeyword || (ts.isIdentifier(other) && other.text === "undefined") || ts.isVoidExpression(other));
  }
  const pure = [
    S.PlusToken, S.MinusToken, S.AsteriskToken, S.AsteriskAsteriskToken, S.SlashToken, S.PercentToken,
    S.LessThanToken, S.LessThanEqualsToken, S.GreaterThanToken, S.GreaterThanEqualsToken,
    S.AmpersandToken, S.BarToken, S.CaretToken, S.LessThanLessThanToken, S.GreaterThanGreaterThanToken, S.GreaterThanGreaterThanGreaterThanToken,
  ];
  return pure.includes(op);
}

/** Strings, numbers, booleans and bigints: no `valueOf` of user code can run on them. */
function isPrimitive(ts: typeof import("typescript"), checker: ts.TypeChecker, expr: ts.Expression): boolean {
  const type = checker.getNonNullableType(checker.getTypeAtLocation(expr));
  const primitive = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike;
  if (type.isUnion()) return type.types.every((t) => (t.flags & primitive) !== 0);
  return (type.flags & primitive) !== 0;
}

/** A call of `Math.max`, `Number`, ... that resolves to the standard library (not a local of that name). */
function isPureGlobal(fc: FileContext, callee: ts.Expression): boolean {
  const text = callee.getText(callee.getSourceFile());
  if (!PURE_GLOBAL_CALL.test(text)) return false;
  return isStandardLibrary(fc, fc.checker.getSymbolAtLocation(callee));
}
