/**
 * Consumers fused into a join: a `mapValues` (optionally followed by `values()`/`keys()`) or a `values()`/`keys()`
 * right after a join reads the join's rows taken apart, as (key, left, right) (JoinRDD.computeJoined), instead of
 * a `[key, [left, right]]` built per row only to be taken apart again. mapValues' function gets an `[l, r]` the
 * runtime builds; a `map` reads whole `[k, [l, r]]` rows (it is not fused).
 *
 * Only how a task computes its rows changes: dependencies, stages, explain, metrics and the join's decision are
 * the join's and the consumer's own, as unfused. A join (or an intermediate mapValues) that is persisted or
 * marked for checkpointing is read through its iterator as always (the cache or the files hold its rows).
 */
import type { Emit, RDD } from "./rdd.js";
import type { JoinedSink } from "../join/hash-join.js";
import { kinds } from "./registry.js";
import type { TaskContext } from "../scheduler/task.js";
import { StorageLevel } from "../storage/level.js";
import { checkpointState } from "./checkpoint-state.js";

/** A pair taken apart. */
export type PairSink = (key: unknown, value: unknown) => void;

/** How a per-row operation may read a join's rows taken apart (each part optional). */
export interface JoinFusion<U> {
  /** A mapValues: its output rows taken apart, (key, new value), from a join's (key, left, right). */
  joinedPairs?: (sink: PairSink) => JoinedSink;
  /** values/keys: its output from a parent row taken apart, (key, value). */
  pairs?: (emit: Emit<U>) => PairSink;
  /** A mapValues: its output rows taken apart, (key, new value), from each whole parent row (see computePairs). */
  valuePairs?: (sink: PairSink) => Emit<unknown>;
}

/** A fused consumer's parent as far as fusion cares (a PipelinedRDD; structural, to keep narrow.ts free of a cycle). */
interface FusableParent {
  readonly parent: RDD<unknown>;
  readonly fusion: JoinFusion<unknown> | undefined;
}

/** Reads its rows as computed: neither persisted nor marked for checkpointing (a checkpointed RDD's compute reads its files). */
function computedInPlace(rdd: RDD<unknown>): boolean {
  return rdd.storageLevel === StorageLevel.NONE && checkpointState(rdd) === undefined;
}

/** An RDD of joined rows that can hand them on taken apart: JoinRDD, and the worker's join and probe RDDs. */
export interface JoinedSource {
  computeJoined(split: number, tc: TaskContext, sink: JoinedSink): void;
}

/** Classes (exactly, not subclasses) whose instances are joined sources; JoinRDD and the worker's join RDDs register. */
const joinedSources = new Set<Function>();

export function registerJoinedSource(kind: abstract new (...args: never[]) => JoinedSource): void {
  joinedSources.add(kind);
}

function asJoin(rdd: RDD<unknown>): (RDD<unknown> & JoinedSource) | undefined {
  return joinedSources.has(rdd.constructor) && computedInPlace(rdd) ? (rdd as RDD<unknown> & JoinedSource) : undefined;
}

/**
 * The join a consumer (`fusion` over `parent`) reads fused, with the sink its rows go to, or undefined (the
 * consumer then reads its parent's rows as always). Looks through one mapValues for values()/keys().
 */
export function fusedJoin<U>(
  parent: RDD<unknown>,
  fusion: JoinFusion<U>,
  emit: Emit<U>,
): { join: JoinedSource; sink: JoinedSink } | undefined {
  const join = asJoin(parent);
  if (join) {
    if (fusion.joinedPairs) return { join, sink: fusion.joinedPairs((key, value) => emit([key, value] as U)) };
    if (fusion.pairs) {
      const pairs = fusion.pairs(emit);
      return { join, sink: (key, left, right) => pairs(key, [left, right]) };
    }
    return undefined;
  }
  if (!fusion.pairs || !(parent instanceof kinds.PipelinedRDD) || !computedInPlace(parent)) return undefined;
  const through = parent as unknown as FusableParent;
  const inner = through.fusion?.joinedPairs ? asJoin(through.parent) : undefined;
  return inner ? { join: inner, sink: through.fusion!.joinedPairs!(fusion.pairs(emit)) } : undefined;
}

/**
 * Computes partition `split` of `rdd` as (key, value) pairs handed to `sink`, when `rdd` is a mapValues computed
 * in place: its pairs are never built (over a join, from the join's rows taken apart as well). Returns false, having
 * done nothing, for any other RDD: the caller iterates its rows. For consumers that take rows apart at once (a
 * shuffle's map-side combine).
 */
export function computePairs(rdd: RDD<unknown>, split: number, tc: TaskContext, sink: PairSink): boolean {
  if (!(rdd instanceof kinds.PipelinedRDD) || !computedInPlace(rdd)) return false;
  const { parent, fusion } = rdd as unknown as FusableParent;
  if (!fusion?.valuePairs) return false;
  const join = fusion.joinedPairs ? asJoin(parent) : undefined;
  if (join) join.computeJoined(split, tc, fusion.joinedPairs!(sink));
  else parent.iterator(split, tc, fusion.valuePairs(sink));
  return true;
}
