/** The messages between the main thread and a worker: one task as data, and its reply. Plain data only (structured clone). */
import type { ValueProjection } from "../rdd/projection.js";
import type { TaskMetrics } from "../scheduler/task.js";
import type { SourceSplit } from "../io/source.js";
import type { JoinType } from "../join/hash-join.js";

/** The built-in codecs a worker can construct by name (a custom codec keeps its stages in process). */
export type CodecName = "adaptive" | "msgpack" | "v8";

/** A user function as the worker rebuilds it (see closure.ts); `values` is `codec.encode([values])`. */
export interface WireFunction {
  body: string;
  imports: Record<string, { from: string; name: string }>;
  values: Uint8Array;
}

/** How a shuffle's reduce side combines: the public call that built it (functions index WorkerTask.fns). */
export interface WireCombine {
  op: "reduceByKey" | "foldByKey" | "aggregateByKey" | "combineByKey" | "groupByKey" | "partitionBy";
  fns: number[];
  zero?: Uint8Array;
  /** combineByKey's own flag: without a map-side combine, the reduce side creates combiners from raw values. */
  mapSideCombine?: boolean;
}

/**
 * Where the task's rows come from: an encoded slice of a parallelized collection, one partition of a range,
 * a split of a text file (the worker reads it with the same reader as `ctx.textFile`), or one reduce partition of a shuffle (its block from every map output, fetched by the main thread).
 */
export type WireSource =
  | { kind: "rows"; bytes: Uint8Array }
  | { kind: "range"; start: number; end: number; step: number; slices: number; split: number }
  | { kind: "text"; split: SourceSplit }
  | { kind: "shuffle"; maps: number; numPartitions: number; split: number; blocks: (Uint8Array | undefined)[]; combine: WireCombine }
  /** One reduce split of a shuffle or co-partitioned join: each side's chain (a shuffle read, or the side read in place). */
  | { kind: "join"; type: JoinType; left: WireChain; right: WireChain };

/** A source and the operations applied to it (a join's side). */
export interface WireChain {
  source: WireSource;
  ops: WireOp[];
}

/**
 * A broadcast join's build side: its encoded blocks (block i at buffer[offsets[i], offsets[i + 1])) in memory every
 * message shares; the worker builds the table once per `id` and caches it.
 */
export interface WireTable {
  id: number;
  buffer: SharedArrayBuffer;
  offsets: number[];
  /** The join's consumers only read (JoinOptions.readOnly): the table may build each match's value afresh. */
  freshValues: boolean;
}

/** One narrow operation, applied through the same public RDD method as in process. `fn` indexes WorkerTask.fns. */
export type WireOp =
  | { op: "map" | "filter" | "flatMap" | "keyBy" | "mapValues" | "flatMapValues"; fn: number }
  | { op: "keys" | "values" }
  | { op: "projectValues"; projection: ValueProjection }
  /** A broadcast join streaming its parent through the table (join-rdd.ts streamPartition; `projection`: the fused one, `checkProjection`: StreamPlan's). */
  | { op: "probe"; table: WireTable; buildIsRight: boolean; keepStream: boolean; checkStream: boolean; checkProjection?: ValueProjection; projection?: ValueProjection };

/** What the task returns: an action's partition result, or a shuffle map output. Zero values are `codec.encode([zero])`. */
export type WireOutput =
  | { kind: "count" }
  | { kind: "collect" }
  | { kind: "reduce"; fn: number }
  | { kind: "fold" | "aggregate"; fn: number; zero: Uint8Array }
  | { kind: "shuffle"; numPartitions: number; mapSideCombine: boolean; recipe?: WireCombine };

export interface WorkerTask {
  codec: CodecName;
  fns: WireFunction[];
  source: WireSource;
  ops: WireOp[];
  output: WireOutput;
}

export interface WorkerReply {
  /** count: the number of rows. */
  count?: number;
  /** collect: the rows; reduce/fold/aggregate: `[partial]` (reduce of an empty partition: no bytes). Encoded with the task's codec. */
  bytes?: Uint8Array;
  /** shuffle: one block per reduce partition. */
  blocks?: Uint8Array[];
  metrics: TaskMetrics;
  /** A text source's bytes read from disk and files opened (JobMetrics.bytesRead / filesRead). */
  source?: { bytes: number; files: number };
}
