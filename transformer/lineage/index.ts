/**
 * Static column lineage of a Program: one PipelineLineage per action (sink) found in the files asked for.
 * Read with the transformer's analysis (trace.ts); nothing here rewrites code.
 */
import type * as ts from "typescript";
import { createFileContext, type FileContext, type TS } from "../context.js";
import { mentionsRddopt, siteOf } from "../engine.js";
import { findRddCalls, type RddCall } from "../find/rdd-calls.js";
import { all, fields, type Demand } from "../analyse/demand.js";
import { PipelineTracer, type Found } from "./trace.js";
import type { SiteInfo } from "../plan/plan.js";
import { rowTypeOf, WHOLE_ROW, type FieldPath } from "./fields.js";
import { FILE_NAMESPACE, MEMORY_NAMESPACE, type DatasetRef, type InputField, type PipelineLineage } from "./types.js";

export type { PipelineLineage, InputField, DatasetRef, Transformation } from "./types.js";
export { toColumnLineageDataset, toOpenLineageOutputs } from "./facet.js";

/** RDD methods that return neither an RDD nor data: never a pipeline's end. */
const NOT_SINKS = new Set(["explain", "toString", "describe", "getNumPartitions", "iterator", "prepare", "combineWith", "resolvePartitioner", "defaultPartitioner"]);
/** Actions that hand the rows on as they are. */
const ROW_SINKS = new Set(["collect", "take", "first", "foreach", "collectAsMap", "takeSample", "toLocalIterator", "foreachPartition"]);

interface OutputField {
  name: string;
  demand: Demand;
  aggregated?: string;
}

interface SinkSpec {
  output: DatasetRef;
  fields: OutputField[];
  /** An indirect dependency the action itself adds (lookup's key, countByKey's grouping). */
  extra?: Parameters<PipelineTracer["traceIndirect"]>[2];
}

/**
 * The lineage of every pipeline in `files`. A file the analysis fails on is reported in `skipped` (with
 * why) and contributes nothing, rather than failing the whole project.
 */
export function lineageOfProgram(ts: TS, program: ts.Program, files: readonly string[], skipped: { file: string; reason: string }[] = []): PipelineLineage[] {
  const result: PipelineLineage[] = [];
  for (const file of files) {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile || !mentionsRddopt(ts, program, sourceFile)) continue;
    try {
      result.push(...lineageOfFile(ts, program, sourceFile));
    } catch (error) {
      skipped.push({ file, reason: `internal error: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return result;
}

export function lineageOfFile(ts: TS, program: ts.Program, sourceFile: ts.SourceFile): PipelineLineage[] {
  const fc = createFileContext(ts, program, sourceFile, true);
  return sinkLineages(fc, (node) => siteOf(program, sourceFile, node)).map((s) => s.lineage);
}

/** Every action of the file with its lineage, in source order. */
export function sinkLineages(fc: FileContext, site: (node: ts.Node) => SiteInfo): { rdd: RddCall; lineage: PipelineLineage }[] {
  const tracer = new PipelineTracer(fc, site);
  return findRddCalls(fc)
    .filter((rdd) => isSink(fc, rdd))
    .map((rdd) => ({ rdd, lineage: pipelineOf(fc, tracer, rdd) }));
}

function isSink(fc: FileContext, rdd: RddCall): boolean {
  return !NOT_SINKS.has(rdd.method) && rowTypeOf(fc, rdd.call) === undefined && rowTypeOf(fc, rdd.receiver) !== undefined;
}

function pipelineOf(fc: FileContext, tracer: PipelineTracer, rdd: RddCall): PipelineLineage {
  const spec = sinkSpec(fc, tracer, rdd);
  const reached: DatasetRef[] = [];
  const direct = spec.fields.map((field) => {
    const found: Found[] = [];
    const effect = field.aggregated ? { kind: "aggregation" as const, description: field.aggregated } : undefined;
    tracer.traceField(rdd.receiver, field.demand, effect, found);
    return { name: field.name, inputFields: grouped(found) };
  });
  const indirect: Found[] = [];
  tracer.traceIndirect(rdd.receiver, indirect, spec.extra, (dataset) => addDataset(reached, dataset));
  return { action: rdd.method, site: tracer.site(rdd.name), output: spec.output, inputs: reached, fields: direct, dataset: grouped(indirect) };
}

function sinkSpec(fc: FileContext, tracer: PipelineTracer, rdd: RddCall): SinkSpec {
  const rowType = rowTypeOf(fc, rdd.receiver);
  const rows = (prefix: readonly string[] = [], namePrefix = ""): OutputField[] =>
    tracer.leafFieldsOf(rowType).map((leaf) => ({ name: prefixed(namePrefix, leaf), demand: PipelineTracer.seedOn([...prefix, ...leaf.keys]) }));
  const args = rdd.call.arguments;
  const site = tracer.site(rdd.name);
  const output = outputDataset(fc, tracer, rdd);
  const m = rdd.method;
  if (ROW_SINKS.has(m) || m.startsWith("saveAs")) return { output, fields: rows() };
  switch (m) {
    case "count":
    case "isEmpty":
      return { output, fields: [] };
    case "lookup": {
      const valueType = rowType && fc.checker.isTupleType(rowType) ? fc.checker.getTypeArguments(rowType as ts.TypeReference)[1] : undefined;
      const values = tracer.leafFieldsOf(valueType).map((leaf) => ({ name: leaf.name, demand: PipelineTracer.seedOn(["1", ...leaf.keys]) }));
      return { output, fields: values, extra: { demand: fields([["0", all("lookup key")]]), effect: { kind: "indirect", subtype: "FILTER", description: `lookup at ${site}` } } };
    }
    case "countByKey":
      return {
        output,
        fields: [{ name: "_1", demand: PipelineTracer.seedOn(["0"]) }, { name: "_2", demand: null }],
        extra: { demand: fields([["0", all("group key")]]), effect: { kind: "indirect", subtype: "GROUP_BY", description: `countByKey at ${site}` } },
      };
    case "countByValue":
      return {
        output,
        fields: [...rows([], "_1"), { name: "_2", demand: null }],
        extra: { demand: all("countByValue compares whole rows"), effect: { kind: "indirect", subtype: "GROUP_BY", description: `countByValue at ${site}` } },
      };
    case "reduce":
    case "fold": {
      const fnArg = m === "reduce" ? args[0] : args[1];
      const zero = m === "fold" ? args[0] : undefined;
      return {
        output,
        fields: tracer.leafFieldsOf(rowType).map((leaf) => ({
          name: leaf.name,
          demand: tracer.combinerDemand(fnArg, PipelineTracer.seedOn(leaf.keys), m, zero),
          aggregated: `${m} at ${site}`,
        })),
      };
    }
    case "aggregate": {
      const resultType = fc.checker.getAwaitedType(fc.checker.getTypeAtLocation(rdd.call));
      const read = args[1] ? tracer.valueAnalysis.parameterDemand(args[1], 1, all("aggregate accumulator")) : all("missing function argument");
      return { output, fields: tracer.leafFieldsOf(resultType).map((leaf) => ({ name: leaf.name, demand: read, aggregated: `aggregate at ${site}` })) };
    }
    default:
      return { output, fields: [{ name: WHOLE_ROW, demand: all(`the action \`${m}\` at ${site} is not modelled for lineage`) }] };
  }
}

function prefixed(prefix: string, leaf: FieldPath): string {
  if (!prefix) return leaf.name;
  return leaf.keys.length === 0 ? prefix : `${prefix}.${leaf.name}`;
}

/** `saveAs*("out/dir")` writes a file dataset; every other action an in-memory one named by its site. */
function outputDataset(fc: FileContext, tracer: PipelineTracer, rdd: RddCall): DatasetRef {
  const { ts } = fc;
  const first = rdd.call.arguments[0];
  if (rdd.method.startsWith("saveAs") && first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
    return { namespace: FILE_NAMESPACE, name: first.text };
  }
  return { namespace: MEMORY_NAMESPACE, name: `${rdd.method}@${tracer.lineOf(rdd.name)}` };
}

/** Found dependencies as InputFields: one per dataset and field, each kind of transformation once. */
function grouped(found: readonly Found[]): InputField[] {
  const byField = new Map<string, InputField>();
  for (const f of found) {
    const key = `${f.dataset.namespace}\u0000${f.dataset.name}\u0000${f.field}`;
    let entry = byField.get(key);
    if (!entry) byField.set(key, (entry = { ...f.dataset, field: f.field, transformations: [] }));
    const same = entry.transformations.some((t) => t.type === f.transformation.type && t.subtype === f.transformation.subtype && t.description === f.transformation.description);
    if (!same) entry.transformations.push(f.transformation);
  }
  return [...byField.values()];
}

function addDataset(list: DatasetRef[], dataset: DatasetRef): void {
  if (!list.some((d) => d.namespace === dataset.namespace && d.name === dataset.name)) list.push(dataset);
}
