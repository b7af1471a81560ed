/** The options a reader call gains (plan/sources.ts), built once as nodes for both rewrite paths (factory and text). */
import type * as ts from "typescript";
import type { TS } from "../context.js";
import type { Edit, PartitionCondition } from "../plan/edits.js";

type ReaderOptions = Extract<Edit, { kind: "readerOptions" }>;

export function readerOptionProperties(ts: TS, edit: ReaderOptions): ts.PropertyAssignment[] {
  const { factory } = ts;
  const out: ts.PropertyAssignment[] = [];
  if (edit.columns) {
    out.push(factory.createPropertyAssignment("columns", factory.createArrayLiteralExpression(edit.columns.map((c) => factory.createStringLiteral(c)))));
  }
  if (edit.partitions?.length) out.push(factory.createPropertyAssignment("partitionFilter", partitionFilter(ts, edit.partitions)));
  // `site` tells the reader its columns are the plugin's (lenient about columns a file lacks): only with ours,
  // so a user's own columns keep their error for a misspelt name
  if (edit.columns) out.push(factory.createPropertyAssignment("site", factory.createStringLiteral(edit.site)));
  return out;
}

/** `(p) => (!("c" in p) || p["c"] === v1 || ...) && ...`: a file lacking the column is kept (it is no partition column there). */
function partitionFilter(ts: TS, conditions: readonly PartitionCondition[]): ts.ArrowFunction {
  const { factory } = ts;
  const p = () => factory.createIdentifier("p");
  const clauses = conditions.map((condition) => {
    const column = () => factory.createStringLiteral(condition.column);
    const absent = factory.createPrefixUnaryExpression(ts.SyntaxKind.ExclamationToken, factory.createParenthesizedExpression(factory.createBinaryExpression(column(), ts.SyntaxKind.InKeyword, p())));
    const tests = condition.values.map((v) => factory.createBinaryExpression(factory.createElementAccessExpression(p(), column()), ts.SyntaxKind.EqualsEqualsEqualsToken, literal(ts, v)));
    const any = tests.reduce((a: ts.Expression, b) => factory.createBinaryExpression(a, ts.SyntaxKind.BarBarToken, b), absent);
    return factory.createParenthesizedExpression(any);
  });
  const body = clauses.slice(1).reduce((a: ts.Expression, b) => factory.createBinaryExpression(a, ts.SyntaxKind.AmpersandAmpersandToken, b), clauses[0]!);
  return factory.createArrowFunction(undefined, undefined, [factory.createParameterDeclaration(undefined, undefined, "p")], undefined, factory.createToken(ts.SyntaxKind.EqualsGreaterThanToken), body);
}

function literal(ts: TS, v: string | number | boolean | null): ts.Expression {
  const { factory } = ts;
  if (v === null) return factory.createNull();
  if (typeof v === "boolean") return v ? factory.createTrue() : factory.createFalse();
  if (typeof v === "string") return factory.createStringLiteral(v);
  return v < 0 || Object.is(v, -0) ? factory.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, factory.createNumericLiteral(-v)) : factory.createNumericLiteral(v);
}
