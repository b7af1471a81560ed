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
import { innerExpression, simplePropertyName, type FileContext } from "../context.js";
import { isRddoptRuntimeFile, type RddCall } from "../find/rdd-calls.js";
import type { PipelineAnalysis } from "../analyse/rdd-demand.js";
import { describe, isAll } from "../analyse/demand.js";
import { plainObjectProperties } from "../analyse/types.js";
import type { Edit } from "./edits.js";

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

/** The `columns` edit for one reader call, or why there is none. */
export function sourceColumnsEdit(fc: FileContext, analysis: PipelineAnalysis, reader: RddCall, site: string): { edit?: Edit; reason: string } {
  const { ts } = fc;
  const args = reader.call.arguments;
  if (args.length === 0 || args.length > 2 || args.some((a) => ts.isSpreadElement(a))) return { reason: "unexpected arguments; left as written" };
  let placement: "only" | "after" = "only";
  if (args[1]) {
    const options = innerExpression(ts, args[1]);
    if (!ts.isObjectLiteralExpression(options)) return { reason: "options given as an expression (it may hold columns); left as written" };
    const names = options.properties.map((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? simplePropertyName(ts, p) : undefined));
    if (names.includes(undefined)) return { reason: "options with a spread, method or computed name (it may hold columns); left as written" };
    if (names.includes("columns")) return { reason: "explicit columns; left as written" };
    if (names.includes("site")) return { reason: "options already name a site; left as written" };
    placement = options.properties.length ? "after" : "only";
  }
  const row = rowTypeOf(fc, reader.call);
  if (!row) return { reason: "the reader's type is not RDD<T>" };
  const properties = plainObjectProperties(fc, row);
  if (!properties) return { reason: `rows are ${fc.checker.typeToString(row)}, not a plain object type: every column is read (declare the row type, e.g. readCsv<Sale>(...))` };
  const demand = analysis.rowDemand(reader.call);
  if (demand === null) return { reason: "the rows are never used; left as written" };
  if (isAll(demand)) return { reason: `rows are observed whole: ${demand.reason}` };
  const declared = properties.map((p) => p.name);
  const unknown = [...demand.keys()].find((k) => !declared.includes(k));
  if (unknown !== undefined) return { reason: `downstream reads \`${unknown}\`, which the row type does not declare; every column is read` };
  const columns = declared.filter((name) => demand.has(name));
  if (columns.length === declared.length) return { reason: `every declared column is read (${describe(demand)})` };
  return {
    edit: { kind: "readerColumns", columns, site, placement },
    reason: `downstream reads ${columns.length ? columns.join(", ") : "no column"} of ${declared.length} declared columns: columns [${columns.join(", ")}] added`,
  };
}
