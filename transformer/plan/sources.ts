/**
 * Column pruning at the source (seed 000): a `ctx.readCsv / readJsonLines / readParquet` call whose rows'
 * consumers read only some top-level fields of the declared row type gets `columns: [...]` (and the call's
 * `site`), so the reader decodes only those columns (Parquet: reads only their column chunks).
 *
 * The demand is the one that prunes before shuffles (analyse/rdd-demand.ts), with the same soundness rules:
 * an escape, an action returning rows, a whole-row observation reads every column, and then nothing changes.
 * Left as written: an explicit `columns`, options that are not a plain object literal (a spread or an
 * expression may hold `columns`), row types that are not plain object types (the default
 * `Record<string, string>`, unions, classes...).
 */
import type * as ts from "typescript";
import { innerExpression, simplePropertyName, type FileContext, type TS } from "../context.js";
import { rddUses } from "../find/graph.js";
import { isRddoptRuntimeFile, type RddCall } from "../find/rdd-calls.js";
import type { PipelineAnalysis } from "../analyse/rdd-demand.js";
import { describe, isAll } from "../analyse/demand.js";
import { plainObjectProperties } from "../analyse/types.js";
import type { Edit, PartitionCondition } from "./edits.js";

const READERS = new Set(["readCsv", "readJsonLines", "readParquet"]);
const RUNTIME_CONTEXT_FILE = /runtime[\\/]context\.(d\.)?ts$/;

/** Every call of a reader method of rddopt's Context in the file (shaped like an RddCall for the report). */
export function findReaderCalls(fc: FileContext): RddCall[] {
  const { ts } = fc;
  const calls: RddCall[] = [];
  const visit = (node: ts.Node): void => {
    ts.forEachChild(node, visit);
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
    const access = node.expression;
    if (!ts.isIdentifier(access.name) || !READERS.has(access.name.text)) return;
    if (isRuntimeContextMethod(fc, node)) calls.push({ call: node, method: access.name.text, receiver: access.expression, name: access.name });
  };
  visit(fc.sourceFile);
  return calls;
}

function isRuntimeContextMethod(fc: FileContext, call: ts.CallExpression): boolean {
  const { ts } = fc;
  const declaration = fc.checker.getResolvedSignature(call)?.declaration;
  if (!declaration || !ts.isMethodDeclaration(declaration)) return false;
  const owner = declaration.parent;
  if (!ts.isClassDeclaration(owner) || owner.name?.text !== "Context") return false;
  const file = declaration.getSourceFile().fileName;
  return RUNTIME_CONTEXT_FILE.test(file) && isRddoptRuntimeFile(fc, file, RUNTIME_CONTEXT_FILE);
}

/** T of the reader call's RDD<T>. */
function rowTypeOf(fc: FileContext, call: ts.CallExpression): ts.Type | undefined {
  const type = fc.checker.getTypeAtLocation(call);
  if (type.getSymbol()?.name !== "RDD") return undefined;
  const args = fc.checker.getTypeArguments(type as ts.TypeReference);
  return args.length === 1 ? args[0] : undefined;
}

export interface SourceDecision {
  edit?: Edit;
  /** Why columns were added or not. */
  columns: { applied: boolean; reason: string };
  /** Why a partition filter was added or not. */
  partitions: { applied: boolean; reason: string };
}

/** The options edit of one reader call: `columns` and a `partitionFilter`, each when it can be proven. */
export function sourceOptionsEdit(fc: FileContext, analysis: PipelineAnalysis, reader: RddCall, site: string): SourceDecision {
  const { ts } = fc;
  const skip = (reason: string): SourceDecision => ({ columns: { applied: false, reason }, partitions: { applied: false, reason } });
  const args = reader.call.arguments;
  if (args.length === 0 || args.length > 2 || args.some((a) => ts.isSpreadElement(a))) return skip("unexpected arguments; left as written");
  let placement: "only" | "after" = "only";
  let names: (string | undefined)[] = [];
  if (args[1]) {
    const options = innerExpression(ts, args[1]);
    if (!ts.isObjectLiteralExpression(options)) return skip("options given as an expression (it may hold columns or filters); left as written");
    names = options.properties.map((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? simplePropertyName(ts, p) : undefined));
    if (names.includes(undefined)) return skip("options with a spread, method or computed name (it may hold columns or filters); left as written");
    if (names.includes("site")) return skip("options already name a site; left as written");
    placement = options.properties.length ? "after" : "only";
  }
  const row = rowTypeOf(fc, reader.call);
  if (!row) return skip("the reader's type is not RDD<T>");
  const properties = plainObjectProperties(fc, row);
  if (!properties) return skip(`rows are ${fc.checker.typeToString(row)}, not a plain object type: every column is read and no file skipped (declare the row type, e.g. readCsv<Sale>(...))`);
  const declared = properties.map((p) => p.name);

  const columns = names.includes("columns") ? { reason: "explicit columns; left as written" } : columnsFor(analysis, reader, declared);
  const partitions =
    names.includes("filter") || names.includes("partitionFilter") ? { reason: "explicit partition filter; left as written" } : partitionConditions(fc, reader, declared);
  const decision: SourceDecision = {
    columns: { applied: "columns" in columns && columns.columns !== undefined, reason: columns.reason },
    partitions: { applied: "conditions" in partitions && partitions.conditions !== undefined, reason: partitions.reason },
  };
  const kept = "columns" in columns ? columns.columns : undefined;
  const conditions = "conditions" in partitions ? partitions.conditions : undefined;
  if (kept || conditions) {
    decision.edit = { kind: "readerOptions", ...(kept ? { columns: kept } : {}), ...(conditions ? { partitions: conditions } : {}), site, placement };
  }
  return decision;
}

/** The declared columns downstream code reads, when that is fewer than all. */
function columnsFor(analysis: PipelineAnalysis, reader: RddCall, declared: readonly string[]): { columns?: string[]; reason: string } {
  const demand = analysis.rowDemand(reader.call);
  if (demand === null) return { reason: "the rows are never used; left as written" };
  if (isAll(demand)) return { reason: `rows are observed whole: ${demand.reason}` };
  const unknown = [...demand.keys()].find((k) => !declared.includes(k));
  if (unknown !== undefined) return { reason: `downstream reads \`${unknown}\`, which the row type does not declare; every column is read` };
  const columns = declared.filter((name) => demand.has(name));
  if (columns.length === declared.length) return { reason: `every declared column is read (${describe(demand)})` };
  return { columns, reason: `downstream reads ${columns.length ? columns.join(", ") : "no column"} of ${declared.length} declared columns: columns [${columns.join(", ")}] added` };
}

type Literal = string | number | boolean | null;

/**
 * Partition pruning from the filter the rows meet first: when every use of the reader's rows is one
 * `.filter((r) => ...)` whose predicate starts with conjuncts `r.col === literal` (or `||` of them on one column,
 * or `[literals].includes(r.col)`), a file whose partition value of `col` is none of them holds no row the
 * filter keeps (readers give every row its directory's value), so it is skipped. Only a leading run of such
 * conjuncts is used: `&&` evaluates no later conjunct for those rows, so no code that could throw is skipped.
 * The filter itself stays: rows are filtered exactly as written. A file without that partition column is kept.
 */
function partitionConditions(fc: FileContext, reader: RddCall, declared: readonly string[]): { conditions?: PartitionCondition[]; reason: string } {
  const { ts } = fc;
  const uses = rddUses(fc, reader.call, true);
  const only = uses.length === 1 ? uses[0] : undefined;
  if (!only || only.kind !== "call" || only.rdd.method !== "filter" || only.role !== "receiver") {
    return { reason: "the rows do not all go straight into one filter: no file is skipped" };
  }
  const fn = only.rdd.call.arguments[0] ? innerExpression(ts, only.rdd.call.arguments[0]) : undefined;
  if (!fn || !ts.isArrowFunction(fn) || fn.parameters.length !== 1 || !ts.isIdentifier(fn.parameters[0]!.name) || ts.isBlock(fn.body)) {
    return { reason: "the filter is not an arrow function `(row) => condition`: no file is skipped" };
  }
  const param = fc.checker.getSymbolAtLocation(fn.parameters[0]!.name);
  const conditions: PartitionCondition[] = [];
  for (const conjunct of conjuncts(ts, fn.body)) {
    const condition = equalityCondition(fc, conjunct, param, declared);
    if (!condition) break;
    conditions.push(condition);
  }
  if (!conditions.length) return { reason: "the filter starts with no `row.column === literal` condition: no file is skipped" };
  const text = conditions.map((c) => `${c.column} in [${c.values.map((v) => JSON.stringify(v)).join(", ")}]`).join(" and ");
  return { conditions, reason: `the filter keeps only rows with ${text}: files in other ${conditions.map((c) => `${c.column}=`).join("/")} directories are skipped` };
}

function conjuncts(ts: TS, expression: ts.Expression): ts.Expression[] {
  const e = innerExpression(ts, expression);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return [...conjuncts(ts, e.left), ...conjuncts(ts, e.right)];
  return [e];
}

/** `r.col === lit`, `lit === r.col`, `||` of those on one column, or `[lits].includes(r.col)`. */
function equalityCondition(fc: FileContext, expression: ts.Expression, param: ts.Symbol | undefined, declared: readonly string[]): PartitionCondition | undefined {
  const { ts } = fc;
  const e = innerExpression(ts, expression);
  const columnOf = (node: ts.Expression): string | undefined => {
    const n = innerExpression(ts, node);
    if (!ts.isPropertyAccessExpression(n) || !ts.isIdentifier(n.expression) || !ts.isIdentifier(n.name)) return undefined;
    if (!param || fc.checker.getSymbolAtLocation(n.expression) !== param) return undefined;
    return declared.includes(n.name.text) ? n.name.text : undefined;
  };
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.BarBarToken) {
    const left = equalityCondition(fc, e.left, param, declared);
    const right = equalityCondition(fc, e.right, param, declared);
    if (!left || !right || left.column !== right.column) return undefined;
    return { column: left.column, values: [...left.values, ...right.values] };
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken) {
    const [col, lit] = columnOf(e.left) !== undefined ? [columnOf(e.left), literalOf(ts, e.right)] : [columnOf(e.right), literalOf(ts, e.left)];
    return col !== undefined && lit !== undefined ? { column: col, values: [lit.value] } : undefined;
  }
  if (ts.isCallExpression(e) && e.arguments.length === 1 && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === "includes") {
    const list = innerExpression(ts, e.expression.expression);
    const col = columnOf(e.arguments[0]!);
    if (col === undefined || !ts.isArrayLiteralExpression(list)) return undefined;
    const values = list.elements.map((el) => literalOf(ts, el));
    if (values.some((v) => v === undefined)) return undefined;
    return { column: col, values: values.map((v) => v!.value) };
  }
  return undefined;
}

/** A literal written in the code (strings, numbers, -numbers, true/false, null). */
function literalOf(ts: TS, node: ts.Expression): { value: Literal } | undefined {
  const e = innerExpression(ts, node);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return { value: e.text };
  if (ts.isNumericLiteral(e)) return { value: Number(e.text) };
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) return { value: -Number(e.operand.text) };
  if (e.kind === ts.SyntaxKind.TrueKeyword) return { value: true };
  if (e.kind === ts.SyntaxKind.FalseKeyword) return { value: false };
  if (e.kind === ts.SyntaxKind.NullKeyword) return { value: null };
  return undefined;
}
