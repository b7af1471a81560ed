/** PipelineLineage as OpenLineage output datasets carrying the column lineage facet (1-2-0). */
import { COLUMN_LINEAGE_SCHEMA, PRODUCER, type ColumnLineageFacet, type OpenLineageDataset, type OpenLineageInputField } from "../../runtime/lineage/openlineage.js";
import type { InputField, PipelineLineage } from "./types.js";

function inputField(f: InputField): OpenLineageInputField {
  return {
    namespace: f.namespace,
    name: f.name,
    field: f.field,
    transformations: f.transformations.map((t) => ({ type: t.type, subtype: t.subtype, ...(t.description ? { description: t.description } : {}), masking: false })),
  };
}

export function columnLineageFacet(pipeline: PipelineLineage): ColumnLineageFacet {
  const fields: ColumnLineageFacet["fields"] = {};
  for (const field of pipeline.fields) fields[field.name] = { inputFields: field.inputFields.map(inputField) };
  return { _producer: PRODUCER, _schemaURL: COLUMN_LINEAGE_SCHEMA, fields, dataset: pipeline.dataset.map(inputField) };
}

export function toColumnLineageDataset(pipeline: PipelineLineage): OpenLineageDataset {
  return { namespace: pipeline.output.namespace, name: pipeline.output.name, facets: { columnLineage: columnLineageFacet(pipeline) } };
}

/** One output dataset per pipeline; two pipelines writing one dataset are merged (fields and dependencies unioned). */
export function toOpenLineageOutputs(pipelines: readonly PipelineLineage[]): OpenLineageDataset[] {
  const byName = new Map<string, OpenLineageDataset>();
  for (const pipeline of pipelines) {
    const dataset = toColumnLineageDataset(pipeline);
    const key = `${dataset.namespace}\u0000${dataset.name}`;
    const known = byName.get(key)?.facets?.columnLineage;
    const added = dataset.facets!.columnLineage!;
    if (!known) {
      byName.set(key, dataset);
      continue;
    }
    for (const [name, field] of Object.entries(added.fields)) known.fields[name] = { inputFields: [...(known.fields[name]?.inputFields ?? []), ...field.inputFields] };
    known.dataset = [...(known.dataset ?? []), ...(added.dataset ?? [])];
  }
  return [...byName.values()];
}
