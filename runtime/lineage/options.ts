/** The `lineage` option of a Context, and OpenLineage's environment variables when it is not given. */
import fs from "node:fs";
import { InvalidArgumentError } from "../errors.js";
import type { OpenLineageDataset } from "./openlineage.js";

export interface LineageOptions {
  /** OpenLineage HTTP endpoint base: each event is POSTed as JSON to `<url>/<endpoint>`. */
  url?: string;
  /** Path under `url` (default "api/v1/lineage", OpenLineage's HTTP transport convention). */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Appends each event as one JSON line to this file. */
  file?: string;
  /** The jobs' namespace (default: OPENLINEAGE_NAMESPACE, else "rddopt"). */
  namespace?: string;
  /** A job's name (default `<action>@<file>:<line>` of the user's call of the action). */
  jobName?: string | ((job: { action: string; site: string }) => string);
  /**
   * Static column lineage to attach to the outputs: what `rddopt lineage --json` prints (`{ outputs }`),
   * its `outputs` array, or the path of a file holding it. A file output gets the facet whose dataset names the same path; an action
   * writing no file gets the facet named `<action>@<file>:<line>` when that is where it was called.
   */
  columnLineage?: { outputs: OpenLineageDataset[] } | OpenLineageDataset[] | string;
  /** Events waiting for delivery at most (default 1000); past it new events are dropped, with one warning. */
  maxPending?: number;
  /** Milliseconds one HTTP post may take (default 5000). */
  timeoutMs?: number;
}

export interface ResolvedLineage {
  http?: { url: string; apiKey?: string };
  file?: string;
  namespace: string;
  jobName?: LineageOptions["jobName"];
  columnLineage: OpenLineageDataset[];
  maxPending: number;
  timeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where events go, or undefined when lineage is off (`false`, OPENLINEAGE_DISABLED, or no target at all). */
export function resolveLineage(option: LineageOptions | false | undefined, env: Env = process.env): ResolvedLineage | undefined {
  if (option === false || /^(true|1)$/i.test(env.OPENLINEAGE_DISABLED ?? "")) return undefined;
  if (option !== undefined && (typeof option !== "object" || option === null)) {
    throw new InvalidArgumentError(`lineage must be an object ({ url } or { file }) or false, got ${String(option)}.`);
  }
  const given = option ?? {};
  const fromEnv = given.url === undefined && given.file === undefined && env.OPENLINEAGE_URL;
  const url = fromEnv ? env.OPENLINEAGE_URL : given.url;
  const endpoint = fromEnv ? (env.OPENLINEAGE_ENDPOINT ?? given.endpoint) : given.endpoint;
  const apiKey = fromEnv ? (env.OPENLINEAGE_API_KEY ?? given.apiKey) : given.apiKey;
  if (url === undefined && given.file === undefined) return undefined;
  if (given.file !== undefined && (typeof given.file !== "string" || given.file === "")) {
    throw new InvalidArgumentError(`lineage.file must be a path, got ${JSON.stringify(given.file)}.`);
  }
  const http = url === undefined ? undefined : { url: endpointUrl(url, endpoint, fromEnv ? "OPENLINEAGE_URL" : "lineage.url"), ...(apiKey ? { apiKey } : {}) };
  return {
    ...(http ? { http } : {}),
    ...(given.file !== undefined ? { file: given.file } : {}),
    namespace: given.namespace ?? env.OPENLINEAGE_NAMESPACE ?? "rddopt",
    ...(given.jobName !== undefined ? { jobName: given.jobName } : {}),
    columnLineage: staticLineage(given.columnLineage),
    maxPending: positive("lineage.maxPending", given.maxPending ?? 1000),
    timeoutMs: positive("lineage.timeoutMs", given.timeoutMs ?? 5000),
  };
}

function staticLineage(given: LineageOptions["columnLineage"]): OpenLineageDataset[] {
  if (given === undefined) return [];
  let value: unknown = given;
  if (typeof given === "string") {
    try {
      value = JSON.parse(fs.readFileSync(given, "utf8"));
    } catch (e) {
      throw new InvalidArgumentError(`lineage.columnLineage: cannot read ${given} as JSON (${(e as Error).message}). Write it with \`rddopt lineage --json > ${given}\`.`);
    }
  }
  const outputs = Array.isArray(value) ? value : (value as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs) || !outputs.every((d) => typeof d === "object" && d !== null && typeof (d as OpenLineageDataset).name === "string")) {
    throw new InvalidArgumentError("lineage.columnLineage must be what `rddopt lineage --json` prints ({ outputs: [...] }), its outputs array, or the path of a file holding it.");
  }
  return outputs as OpenLineageDataset[];
}

function endpointUrl(base: string, endpoint: string | undefined, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new InvalidArgumentError(`${what} must be an http(s) URL such as http://localhost:5000, got ${JSON.stringify(base)}.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new InvalidArgumentError(`${what} must be an http(s) URL such as http://localhost:5000, got ${JSON.stringify(base)}.`);
  }
  const path = (endpoint ?? "api/v1/lineage").replace(/^\/+/, "");
  return `${base.replace(/\/+$/, "")}/${path}`;
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new InvalidArgumentError(`${name} must be a number > 0, got ${String(value)}.`);
  return value;
}
