/**
 * Field-wise combiners: `reduceByKey((a, b) => [a[0] + b[0], Math.max(a[1], b[1])])`, where each field of the
 * result is computed only from the same field of both arguments. Such a function commutes with dropping
 * fields, so the input of reduceByKey / foldByKey may be pruned to what is read of its output, and the
 * function's returned literal pruned with it. Anything else combines whole values.
 */
import type * as ts from "typescript";
import { innerExpression, simplePropertyName, type FileContext } from "../context.js";
import { functionOf, type FunctionLike } from "../find/functions.js";
import { literalKey } from "./values.js";
import { mappedValues } from "../find/rdd-calls.js";
import { all, fields, isAll, type Demand } from "./demand.js";
import { plainObjectProperties, tupleElements } from "./types.js";
import { isEffectFree } from "./purity.js";

export interface FieldwiseCombiner {
  fn: FunctionLike;
  /** The literal the function returns: one element / property per field of the value. */
  literal: ts.ArrayLiteralExpression | ts.ObjectLiteralExpression;
  /** Each field's key and the expression computing it. */
  fields: { key: string; expression: ts.Expression }[];
}

/** The combiner `fnExpression` as a field-wise function, or why it is not one. */
export function fieldwiseCombiner(fc: FileContext, fnExpression: ts.Expression): FieldwiseCombiner | string {
  const { ts } = fc;
  const fn = functionOf(fc, fnExpression);
  if (!fn?.body) return "the function is not analysed";
  if (fn.parameters.length !== 2 || fn.parameters.some((p) => !ts.isIdentifier(p.name) || p.initializer || p.dotDotDotToken)) {
    return "the function does not take two plain parameters";
  }
  const body = ts.isBlock(fn.body) ? singleReturn(fc, fn.body) : fn.body;
  const literal = body && innerExpression(ts, body);
  if (!literal || !(ts.isArrayLiteralExpression(literal) || ts.isObjectLiteralExpression(literal))) return "the function does not return a literal";
  const valueType = fc.checker.getTypeAtLocation(fn.parameters[0]);
  const fields = literalFields(fc, literal, valueType);
  if (typeof fields === "string") return fields;
  const params = fn.parameters.map((p) => fc.checker.getSymbolAtLocation(p.name as ts.Identifier));
  if (params.some((p) => !p)) return "unresolved parameter";
  for (const field of fields) {
    const why = readsOtherFields(fc, field.expression, field.key, params as ts.Symbol[]);
    if (why) return why;
  }
  // the parameters must not be read outside the literal's fields (no other statements may observe them)
  for (const symbol of params as ts.Symbol[]) {
    for (const ref of fc.references(symbol)) if (!fields.some((f) => contains(f.expression, ref))) return "a parameter is read outside the returned fields";
  }
  return { fn, literal, fields };
}

/**
 * Whether dropping `expression` (a field's computation) changes nothing (analyse/purity.ts): besides
 * what is free of effects anywhere, the combiner's own parameters' field reads.
 */
export function isDroppable(fc: FileContext, expression: ts.Expression, params: readonly ts.Symbol[]): boolean {
  const { ts } = fc;
  return isEffectFree(fc, expression, (access) => {
    const root = innerExpression(ts, (access as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression);
    const argument = ts.isElementAccessExpression(access) ? access.argumentExpression : undefined;
    return ts.isIdentifier(root) && params.includes(fc.symbolOf(root)!) && (!argument || isEffectFree(fc, argument));
  });
}

function singleReturn(fc: FileContext, block: ts.Block): ts.Expression | undefined {
  const only = block.statements.length === 1 ? block.statements[0] : undefined;
  return only && fc.ts.isReturnStatement(only) ? only.expression : undefined;
}

/** The literal's fields, when they are exactly the fields of the value type (a fixed tuple or plain object). */
function literalFields(fc: FileContext, literal: ts.ArrayLiteralExpression | ts.ObjectLiteralExpression, valueType: ts.Type): FieldwiseCombiner["fields"] | string {
  const { ts } = fc;
  if (ts.isArrayLiteralExpression(literal)) {
    const elements = tupleElements(fc, valueType);
    if (!elements) return "the value is not a fixed tuple";
    if (literal.elements.length !== elements.length || literal.elements.some((e) => ts.isSpreadElement(e) || ts.isOmittedExpression(e))) {
      return "the returned tuple does not list every field";
    }
    return literal.elements.map((expression, i) => ({ key: String(i), expression }));
  }
  const properties = plainObjectProperties(fc, valueType);
  if (!properties) return "the value is not a plain object";
  const fields: FieldwiseCombiner["fields"] = [];
  for (const property of literal.properties) {
    const key = simplePropertyName(ts, property);
    if (key === undefined || !ts.isPropertyAssignment(property)) return "the returned object has a member that is not `name: value`";
    fields.push({ key, expression: property.initializer });
  }
  const names = new Set(fields.map((f) => f.key));
  if (names.size !== fields.length || properties.length !== names.size || properties.some((p) => !names.has(p.name))) {
    return "the returned object does not list every field once";
  }
  return fields;
}

/** Why `expression` (computing field `key`) reads something other than field `key` of the parameters. */
function readsOtherFields(fc: FileContext, expression: ts.Expression, key: string, params: readonly ts.Symbol[]): string | undefined {
  const { ts } = fc;
  let why: string | undefined;
  const visit = (node: ts.Node): void => {
    if (why) return;
    if (node.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(node) && node.text === "arguments")) {
      why = "a field reads `this` or `arguments`";
      return;
    }
    if (ts.isIdentifier(node) && params.includes(fc.symbolOf(node)!)) {
      const parent = node.parent;
      const field =
        ts.isElementAccessExpression(parent) && parent.expression === node
          ? literalKey(fc, parent.argumentExpression)
          : ts.isPropertyAccessExpression(parent) && parent.expression === node
            ? parent.name.text
            : undefined;
      if (field !== key) why = `field ${key} of the result reads ${field === undefined ? "a whole argument" : `field ${field}`}`;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return why;
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end && inner.getSourceFile() === outer.getSourceFile();
}

/**
 * The demand of a field-wise combiner on its input values when its output values are observed as `out`:
 * each field read downstream is needed whole (it is combined), the others are dropped with their
 * computation. `zero` is foldByKey's zero value, which must be a literal of the same fields. A dropped
 * field that reads the parameters' fields is only dropped when `input` (the RDD combined) is built by
 * literals: map-side, the combiner sees its input's values themselves, and a class instance behind a plain
 * type may read a counting getter there (values from the shuffle and the combiner's own results are plain).
 * Tuple values need no such proof: only an array (a cast aside) has a tuple type, and its elements are data.
 */
export function fieldwiseDemand(fc: FileContext, fnExpression: ts.Expression | undefined, out: Demand, method: string, zero?: ts.Expression, input?: ts.Expression): Demand {
  const combiner = fnExpression ? fieldwiseCombiner(fc, fnExpression) : "missing function";
  const whole = (why: string): Demand => all(`the function of ${method} combines whole values (${why})`);
  if (typeof combiner === "string") return whole(combiner);
  if (zero !== undefined && typeof zeroFields(fc, zero, combiner) === "string") return whole(zeroFields(fc, zero, combiner) as string);
  if (isAll(out)) return out;
  const read = new Set(out ? [...out.keys()] : []);
  if ([...read].some((key) => !combiner.fields.some((f) => f.key === key))) return whole("a part of the result that is not a field is read");
  const plainValues = isTupleValue(fc, combiner) || (input !== undefined && isBuiltByLiterals(fc, input));
  const params = plainValues ? combiner.fn.parameters.map((p) => fc.checker.getSymbolAtLocation(p.name as ts.Identifier)!) : [];
  for (const field of combiner.fields) {
    if (!read.has(field.key) && !isDroppable(fc, field.expression, params)) return whole(`field ${field.key} is computed with effects`);
  }
  return fields([...read].map((key) => [key, all(`field ${key} is combined by ${method}`)]));
}

function isTupleValue(fc: FileContext, combiner: FieldwiseCombiner): boolean {
  const parameter = combiner.fn.parameters[0];
  return parameter !== undefined && fc.checker.isTupleType(fc.checker.getNonNullableType(fc.checker.getTypeAtLocation(parameter)));
}

/** Whether every value of the pair RDD `input` is a fresh array or object literal with data members only. */
function isBuiltByLiterals(fc: FileContext, input: ts.Expression): boolean {
  const { ts } = fc;
  const isDataLiteral = (value: ts.Expression): boolean =>
    ts.isArrayLiteralExpression(value)
      ? value.elements.every((e) => !ts.isSpreadElement(e))
      : ts.isObjectLiteralExpression(value) && value.properties.every((p) => ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p));
  return mappedValues(fc, input)?.every(isDataLiteral) ?? false;
}

/** The zero value's fields, when it is a literal listing the combiner's fields (dropped ones pure), or why not. */
export function zeroFields(fc: FileContext, zero: ts.Expression, combiner: FieldwiseCombiner): FieldwiseCombiner["fields"] | string {
  const { ts } = fc;
  const literal = innerExpression(ts, zero);
  if (!(ts.isArrayLiteralExpression(literal) || ts.isObjectLiteralExpression(literal))) return "the zero value is not a literal";
  const fields = literalFields(fc, literal, fc.checker.getTypeAtLocation(combiner.fn.parameters[0]));
  if (typeof fields === "string") return `zero value: ${fields}`;
  if (fields.some((f) => !isDroppable(fc, f.expression, []))) return "the zero value is computed with effects";
  return fields;
}
