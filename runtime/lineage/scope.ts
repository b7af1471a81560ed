/**
 * What a lineage event needs to know about the job that is starting: its RDD (to find the files it reads),
 * the action and where the user called it, and the file or directory it writes. Set around each action
 * with AsyncLocalStorage, so the Listener events (runtime/metrics.ts) stay as they are.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import type { RDD } from "../rdd/rdd.js";
import type { OpenLineageDataset } from "./openlineage.js";

export interface JobScope {
  rdd: RDD<unknown>;
  /** The action (`collect`, `saveAsTextFile`, ...): the scheduler's job description. */
  description: string;
  /** `file:line` of the user's call of the action, the file relative to the working directory. */
  site: string;
  /** The file or directory the action writes, as given. */
  output?: string;
  /** The static column lineage the transformer tagged this action with (plugin option `lineage: true`). */
  tagged?: TaggedLineage;
  /** A job the engine runs to settle a decision before an action's own job (a sort's sample, a join side's size): no events. */
  internal?: true;
}

/** What the transformer hands over per action: the output dataset of `rddopt lineage`, with its facet. */
export interface TaggedLineage {
  action: string;
  dataset: OpenLineageDataset;
}

const jobs = new AsyncLocalStorage<JobScope>();
const outputs = new AsyncLocalStorage<string>();
const preparing = new AsyncLocalStorage<true>();

/** Runs the preparation of an action's lineage (take and lookup settle joins and sorts before their job). */
export function preparingJob<R>(run: () => R): R {
  return preparing.run(true, run);
}

/** Runs a writing action: the job it starts writes `location` (saveAsTextFile's directory, ...). */
export function writingTo<R>(location: string, run: () => R): R {
  return outputs.run(location, run);
}

/** Runs an action's job with its scope; jobs nested in another (size estimates, sort samples) keep the outer one. */
export function inJobScope<R>(rdd: RDD<unknown>, description: string, run: () => R): R {
  if (jobs.getStore()) return run();
  const output = outputs.getStore();
  const lineage = tags.get(rdd)?.get(description);
  const internal = preparing.getStore() === true;
  return jobs.run({ rdd, description, site: userCallSite(), ...(output !== undefined ? { output } : {}), ...(lineage ? { tagged: lineage } : {}), ...(internal ? { internal } : {}) }, run);
}

/**
 * Tags by RDD object and action, set by the code the transformer emits right before the action runs. An
 * RDD used by several actions keeps one tag per action; an action that runs its job on another RDD (as
 * countByKey does) finds no tag and its events carry no column lineage, never another action's.
 */
const tags = new WeakMap<RDD<unknown>, Map<string, TaggedLineage>>();
/** Jobs that run for other actions on the same RDD: collectAsMap collects, first and isEmpty take. */
const ACTION_OF_JOB: Record<string, string[]> = { collect: ["collectAsMap"], take: ["first", "isEmpty"] };

function tag(json: unknown, rdd: unknown): unknown {
  try {
    if (typeof json !== "string" || typeof rdd !== "object" || rdd === null) return rdd;
    const lineage = JSON.parse(json) as TaggedLineage;
    if (typeof lineage.action !== "string" || typeof lineage.dataset?.name !== "string") return rdd;
    const byAction = tags.get(rdd as RDD<unknown>) ?? new Map<string, TaggedLineage>();
    byAction.set(lineage.action, lineage);
    for (const [job, actions] of Object.entries(ACTION_OF_JOB)) if (actions.includes(lineage.action)) byAction.set(job, lineage);
    tags.set(rdd as RDD<unknown>, byAction);
  } catch {
    // a tag is a report: a malformed one is dropped, the program runs on
  }
  return rdd;
}
(globalThis as Record<symbol, unknown>)[Symbol.for("rddopt.lineage")] = tag;

export function currentJobScope(): JobScope | undefined {
  return jobs.getStore();
}

const FRAME = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?\s*$/;
const frameFile = (line: string): string | undefined => FRAME.exec(line)?.[1]?.replace(/^file:\/\//, "");

/**
 * The first stack frame outside rddopt's runtime (the directory above this file, found from the stack
 * itself, so it works from sources, dist/ and dist/cjs/ alike), node's internals and node_modules:
 * where the user called the action.
 */
function userCallSite(): string {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  const own = stack[0] && frameFile(stack[0]);
  const runtimeRoot = own ? path.dirname(path.dirname(own)) + path.sep : undefined;
  for (const line of stack.slice(1)) {
    const file = frameFile(line);
    if (!file || file.startsWith("node:") || /[\\/]node_modules[\\/]/.test(file) || (runtimeRoot && file.startsWith(runtimeRoot))) continue;
    const relative = path.relative(process.cwd(), file);
    const shown = relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
    return `${shown.split(path.sep).join("/")}:${FRAME.exec(line)![2]}`;
  }
  return "unknown";
}
