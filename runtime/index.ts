/** rddopt's runtime: an RDD engine with a real shuffle, broadcast joins and a sampling size estimator. */
import "./rdd/narrow.js";
import "./rdd/sources.js";
import "./rdd/shuffled.js";
import "./join/join-rdd.js";
import "./rdd/zip.js";
import "./rdd/cartesian.js";
import "./rdd/checkpoint.js";

export { Context, type ContextOptions } from "./context.js";
export { RDD, type JoinOptions, type PartitionSpec } from "./rdd/rdd.js";
export type { ValueProjection } from "./rdd/projection.js";
export { HashPartitioner, RangePartitioner, type Partitioner } from "./shuffle/partitioner.js";
export { StorageLevel } from "./storage/level.js";
export { Broadcast } from "./storage/broadcast.js";
export { Accumulator, type AccumulatorOptions, type AccumulatorRules, type AccumulatorUpdates } from "./accumulator.js";
export { StatCounter } from "./stat-counter.js";
export { AdaptiveCodec, MsgpackCodec, V8Codec, type Codec } from "./shuffle/codec.js";
export { hashKey, keysEqual, compareKeys } from "./shuffle/keys.js";
export { RddError, InvalidArgumentError, SerializationError, JobFailedError } from "./errors.js";
export type { JobMetrics, JoinDecision, JoinSideEstimate, JoinStrategyTaken, Listener, JobStartEvent, JobEndEvent, StageEvent, TaskEvent, TaskEndEvent } from "./metrics.js";
export type { Executor, Task, TaskContext } from "./scheduler/task.js";
export { InProcessExecutor } from "./scheduler/task.js";
export type { PoolMetrics, PoolOptions, SchedulerOptions, SchedulingMode } from "./scheduler/pools.js";
export type { JobQueuedEvent, JobPlan } from "./metrics.js";
export type { LineageOptions } from "./lineage/options.js";
export type { RunEvent, OpenLineageDataset, ColumnLineageFacet } from "./lineage/openlineage.js";
export { writingTo } from "./lineage/scope.js";
