/**
 * OpenLineage run events from the Listener events: START when a job starts, COMPLETE when it ends, FAIL
 * when it fails, each with the files the job reads (found by walking its RDD lineage) and the file or
 * directory it writes. Static column lineage (from `rddopt lineage --json`) rides on the outputs it names.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { JobEndEvent, JobStartEvent, Listener } from "../metrics.js";
import type { RDD } from "../rdd/rdd.js";
import { Delivery } from "./delivery.js";
import { PRODUCER, RUN_EVENT_SCHEMA, type OpenLineageDataset, type OpenLineageInputField, type RunEvent, type RunEventType } from "./openlineage.js";
import type { ResolvedLineage } from "./options.js";
import { currentJobScope, type JobScope } from "./scope.js";

const ERROR_FACET_SCHEMA = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";

interface Run {
  runId: string;
  job: { namespace: string; name: string };
  inputs: OpenLineageDataset[];
  outputs: OpenLineageDataset[];
}

export class LineageEmitter implements Listener {
  private readonly runs = new Map<number, Run>();
  private readonly delivery: Delivery;

  constructor(private readonly config: ResolvedLineage) {
    this.delivery = new Delivery(config);
  }

  onJobStart(e: JobStartEvent): void {
    if (currentJobScope()?.internal) return;
    const run = this.describe(scopeFor(e.description), e.description);
    this.runs.set(e.jobId, run);
    this.emit("START", run);
  }

  onJobEnd(e: JobEndEvent): void {
    if (currentJobScope()?.internal && !this.runs.has(e.jobId)) return;
    // a job can fail before it starts (a missing partition, a failing join decision): FAIL alone, new run
    const run = this.runs.get(e.jobId) ?? this.describe(currentJobScope(), currentJobScope()?.description ?? "job");
    this.runs.delete(e.jobId);
    this.emit(e.error === undefined ? "COMPLETE" : "FAIL", run, e.error);
  }

  /** Waits for queued events and closes the connection; ctx.stop() calls it. */
  async flush(): Promise<void> {
    await this.delivery.flush();
    this.delivery.close();
  }

  private describe(scope: JobScope | undefined, action: string): Run {
    const site = scope?.site ?? "unknown";
    const jobName = this.config.jobName;
    const name = typeof jobName === "function" ? jobName({ action, site }) : (jobName ?? `${action}@${site}`);
    const outputs: OpenLineageDataset[] = scope?.output !== undefined ? [fileDataset(scope.output)] : [];
    const inMemory = `${action}@${site}`;
    const withFacets = (scope?.tagged ? withTaggedLineage(outputs, scope.tagged.dataset) : this.withColumnLineage(outputs, inMemory)).map(resolveFacetFiles);
    return {
      runId: randomUUID(),
      job: { namespace: this.config.namespace, name },
      inputs: withFacetInputs(scope ? fileInputs(scope.rdd) : [], withFacets),
      outputs: withFacets,
    };
  }

  /** Outputs with the static facet that names them; an action writing no file gets its in-memory dataset when one is named. */
  private withColumnLineage(outputs: OpenLineageDataset[], inMemoryName: string): OpenLineageDataset[] {
    const known = this.config.columnLineage;
    if (known.length === 0) return outputs;
    const facetOf = (dataset: OpenLineageDataset) =>
      known.find((s) => s.namespace === dataset.namespace && (s.namespace === "file" ? path.resolve(s.name) === dataset.name : s.name === dataset.name))?.facets
        ?.columnLineage;
    const result = outputs.map((o) => {
      const facet = facetOf(o);
      return facet ? { ...o, facets: { ...o.facets, columnLineage: facet } } : o;
    });
    if (outputs.length === 0) {
      const facet = facetOf({ namespace: "rddopt", name: inMemoryName });
      if (facet) result.push({ namespace: "rddopt", name: inMemoryName, facets: { columnLineage: facet } });
    }
    return result;
  }

  private emit(eventType: RunEventType, run: Run, error?: unknown): void {
    const event: RunEvent = {
      eventType,
      eventTime: new Date().toISOString(),
      producer: PRODUCER,
      schemaURL: RUN_EVENT_SCHEMA,
      run: { runId: run.runId, ...(error !== undefined ? { facets: { errorMessage: errorFacet(error) } } : {}) },
      job: run.job,
      inputs: run.inputs,
      outputs: run.outputs,
    };
    this.delivery.send(event);
  }
}

/** The scope of the job being announced, unless it belongs to another action (a scheduler that queues jobs). */
function scopeFor(description: string): JobScope | undefined {
  const scope = currentJobScope();
  return scope && scope.description === description ? scope : undefined;
}

/**
 * The column lineage the transformer tagged the action with: on the file it writes, or (an action that
 * writes no file) on the in-memory dataset the static lineage names.
 */
function withTaggedLineage(outputs: OpenLineageDataset[], tagged: OpenLineageDataset): OpenLineageDataset[] {
  const facet = tagged.facets?.columnLineage;
  if (!facet) return outputs;
  if (outputs.length === 0) return [{ namespace: tagged.namespace, name: tagged.name, facets: { columnLineage: facet } }];
  return outputs.map((o) => ({ ...o, facets: { ...o.facets, columnLineage: facet } }));
}

/**
 * The static facet names files as written in the code (relative to where `rddopt lineage` ran); events
 * name them by absolute path, resolved from the working directory, so facet and inputs agree.
 */
function resolveFacetFiles(output: OpenLineageDataset): OpenLineageDataset {
  const facet = output.facets?.columnLineage;
  if (!facet) return output;
  const resolve = (input: OpenLineageInputField): OpenLineageInputField => (input.namespace === "file" ? { ...input, name: path.resolve(input.name) } : input);
  const fields = Object.fromEntries(Object.entries(facet.fields).map(([name, f]) => [name, { ...f, inputFields: f.inputFields.map(resolve) }]));
  return { ...output, facets: { ...output.facets, columnLineage: { ...facet, fields, ...(facet.dataset ? { dataset: facet.dataset.map(resolve) } : {}) } } };
}

/** The run's inputs plus the in-memory datasets (parallelize, ...) the attached facets read from. */
function withFacetInputs(inputs: OpenLineageDataset[], outputs: readonly OpenLineageDataset[]): OpenLineageDataset[] {
  const result = [...inputs];
  for (const output of outputs) {
    const facet = output.facets?.columnLineage;
    if (!facet) continue;
    for (const input of [...Object.values(facet.fields).flatMap((f) => f.inputFields), ...(facet.dataset ?? [])]) {
      if (!result.some((d) => d.namespace === input.namespace && d.name === input.name)) result.push({ namespace: input.namespace, name: input.name });
    }
  }
  return result;
}

function fileDataset(location: string): OpenLineageDataset {
  return { namespace: "file", name: path.resolve(location) };
}

/**
 * The files an RDD's lineage reads: every source RDD (no parents) that names its files, once each, in the
 * order met.
 */
export function fileInputs(rdd: RDD<unknown>): OpenLineageDataset[] {
  const found: OpenLineageDataset[] = [];
  const seen = new Set<RDD<unknown>>();
  const pending: RDD<unknown>[] = [rdd];
  while (pending.length) {
    const next = pending.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const parents = next.parents();
    if (parents.length === 0) {
      for (const location of locationsOf(next)) {
        const dataset = fileDataset(location);
        if (!found.some((d) => d.name === dataset.name)) found.push(dataset);
      }
    }
    pending.push(...[...parents].reverse());
  }
  return found;
}

/**
 * Where a source RDD reads from: `location` (textFile's file or directory) or, for other readers, a `path`
 * / `file` string or `files` / `locations` string array. Sources with none (parallelize, range) are in memory.
 */
function locationsOf(source: RDD<unknown>): string[] {
  const fields = source as unknown as Record<string, unknown>;
  for (const key of ["location", "path", "file"]) if (typeof fields[key] === "string") return [fields[key] as string];
  for (const key of ["files", "locations"]) {
    const list = fields[key];
    if (Array.isArray(list) && list.every((f) => typeof f === "string")) return list as string[];
  }
  return [];
}

function errorFacet(error: unknown): Record<string, unknown> {
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    _producer: PRODUCER,
    _schemaURL: ERROR_FACET_SCHEMA,
    message: e.message,
    programmingLanguage: "JavaScript",
    ...(e.stack ? { stackTrace: e.stack } : {}),
  };
}
