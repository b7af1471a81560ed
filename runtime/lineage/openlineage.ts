/**
 * The parts of the OpenLineage spec (https://openlineage.io/spec/2-0-2/OpenLineage.json) rddopt emits: run
 * events and the column lineage dataset facet (1-2-0). Shared by the runtime's events and `rddopt lineage --json`.
 */

export const PRODUCER = "https://github.com/rddopt/rddopt";
export const RUN_EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
export const COLUMN_LINEAGE_SCHEMA = "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet";

export interface OpenLineageTransformation {
  type: "DIRECT" | "INDIRECT";
  subtype?: string;
  description?: string;
  masking?: boolean;
}

export interface OpenLineageInputField {
  namespace: string;
  name: string;
  field: string;
  transformations?: OpenLineageTransformation[];
}

export interface ColumnLineageFacet {
  _producer: string;
  _schemaURL: string;
  fields: Record<string, { inputFields: OpenLineageInputField[] }>;
  /** Inputs that shape the whole dataset (filters, join / group / sort keys). */
  dataset?: OpenLineageInputField[];
}

export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: { columnLineage?: ColumnLineageFacet; [facet: string]: unknown };
}

export type RunEventType = "START" | "RUNNING" | "COMPLETE" | "ABORT" | "FAIL" | "OTHER";

export interface RunEvent {
  eventType: RunEventType;
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets?: Record<string, unknown> };
  job: { namespace: string; name: string; facets?: Record<string, unknown> };
  inputs: OpenLineageDataset[];
  outputs: OpenLineageDataset[];
}
