/** Column lineage as data: what `rddopt lineage` prints and what the OpenLineage facet is built from. */

/** OpenLineage's transformation subtypes (column lineage facet 1-2-0), plus CONDITIONAL for `?:`/`if` tests. */
export type DirectSubtype = "IDENTITY" | "TRANSFORMATION" | "AGGREGATION";
export type IndirectSubtype = "FILTER" | "JOIN" | "GROUP_BY" | "SORT" | "CONDITIONAL";

export type Transformation =
  | { type: "DIRECT"; subtype: DirectSubtype; description?: string }
  | { type: "INDIRECT"; subtype: IndirectSubtype; description?: string };

export interface DatasetRef {
  namespace: string;
  name: string;
}

/** One input field an output depends on, with every way it does. */
export interface InputField extends DatasetRef {
  field: string;
  transformations: Transformation[];
}

/** The lineage of one pipeline: one action (sink) and everything upstream of it. */
export interface PipelineLineage {
  /** The action: `collect`, `saveAsTextFile`, ... */
  action: string;
  /** `file:line:column` of the action's method name, the file relative to the compiler's directory. */
  site: string;
  output: DatasetRef;
  /** Every dataset the pipeline reads, in the order first met. */
  inputs: DatasetRef[];
  /** Output field (dotted path) -> the input fields feeding it, in the output row's field order. */
  fields: { name: string; inputFields: InputField[] }[];
  /** Inputs that shape the whole output (filters, join and group keys, sort keys): OpenLineage's `dataset`. */
  dataset: InputField[];
}

/** In-memory datasets (parallelize, range, collect, ...) live in this namespace; files in "file". */
export const MEMORY_NAMESPACE = "rddopt";
export const FILE_NAMESPACE = "file";
