/** A structural check of OpenLineage's column lineage dataset facet (1-2-0), as the spec's JSON schema states it. */
const TYPES = new Set(["DIRECT", "INDIRECT"]);
const SUBTYPES: Record<string, Set<string>> = {
  DIRECT: new Set(["IDENTITY", "TRANSFORMATION", "AGGREGATION"]),
  INDIRECT: new Set(["JOIN", "GROUP_BY", "FILTER", "SORT", "WINDOW", "CONDITIONAL"]),
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function checkInputField(v: unknown, where: string): string[] {
  if (!isObject(v)) return [`${where}: not an object`];
  const errors: string[] = [];
  for (const key of ["namespace", "name", "field"]) if (typeof v[key] !== "string" || v[key] === "") errors.push(`${where}.${key}: required string`);
  if (v.transformations !== undefined) {
    if (!Array.isArray(v.transformations)) return [...errors, `${where}.transformations: not an array`];
    v.transformations.forEach((t: unknown, i) => {
      const at = `${where}.transformations[${i}]`;
      if (!isObject(t)) return errors.push(`${at}: not an object`);
      if (typeof t.type !== "string" || !TYPES.has(t.type)) errors.push(`${at}.type: ${String(t.type)}`);
      else if (t.subtype !== undefined && !SUBTYPES[t.type]!.has(String(t.subtype))) errors.push(`${at}.subtype: ${String(t.subtype)} is no ${t.type} subtype`);
      if (t.description !== undefined && typeof t.description !== "string") errors.push(`${at}.description: not a string`);
      if (t.masking !== undefined && typeof t.masking !== "boolean") errors.push(`${at}.masking: not a boolean`);
      return undefined;
    });
  }
  return errors;
}

/** Errors in an OpenLineage dataset carrying a columnLineage facet (empty when it has the facet's shape). */
export function columnLineageErrors(dataset: unknown): string[] {
  if (!isObject(dataset)) return ["dataset: not an object"];
  const errors: string[] = [];
  if (typeof dataset.namespace !== "string" || typeof dataset.name !== "string") errors.push("dataset: namespace and name are required strings");
  const facet = isObject(dataset.facets) ? dataset.facets.columnLineage : undefined;
  if (!isObject(facet)) return [...errors, "facets.columnLineage: missing"];
  if (typeof facet._producer !== "string" || !/^[a-z]+:/.test(facet._producer)) errors.push("_producer: required URI");
  if (typeof facet._schemaURL !== "string" || !facet._schemaURL.includes("ColumnLineageDatasetFacet.json")) errors.push("_schemaURL: must name ColumnLineageDatasetFacet.json");
  if (!isObject(facet.fields)) return [...errors, "fields: required object"];
  for (const [name, field] of Object.entries(facet.fields)) {
    if (!isObject(field) || !Array.isArray(field.inputFields)) {
      errors.push(`fields.${name}: inputFields is required`);
      continue;
    }
    field.inputFields.forEach((input: unknown, i) => errors.push(...checkInputField(input, `fields.${name}.inputFields[${i}]`)));
  }
  if (facet.dataset !== undefined) {
    if (!Array.isArray(facet.dataset)) errors.push("dataset: not an array");
    else facet.dataset.forEach((input: unknown, i) => errors.push(...checkInputField(input, `dataset[${i}]`)));
  }
  return errors;
}
