/** rddopt's runtime: an RDD engine with a real shuffle, broadcast joins and a sampling size estimator. */
import "./rdd/narrow.js";
import "./rdd/sources.js";
import "./rdd/shuffled.js";
import "./join/join-rdd.js";

export { Context, type ContextOptions } from "./context.js";
export { RDD, type JoinOptions, type PartitionSpec } from "./rdd/rdd.js";
export type { ValueProjection } from "./rdd/projection.js";
export { HashPartitioner, RangePartitioner, type Partitioner } from "./shuffle/partitioner.js";
export { StorageLevel } from "./storage/level.js";
export { Broadcast } from "./storage/broadcast.js";
export { AdaptiveCodec, MsgpackCodec, V8Codec, type Codec } from "./shuffle/codec.js";
export { hashKey, keysEqual, compareKeys } from "./shuffle/keys.js";
export { RddError, InvalidArgumentError, SerializationError, JobFailedError } from "./errors.js";
export type { JobMetrics, JoinDecision, JoinSideEstimate, JoinStrategyTaken, Listener, JobStartEvent, JobEndEvent, StageEvent, TaskEvent, TaskEndEvent } from "./metrics.js";
export type { Executor, Task, TaskContext } from "./scheduler/task.js";
export { InProcessExecutor } from "./scheduler/task.js";
export { CLOSURE, withClosure, type ClosureInfo } from "./closure.js";
export type { StagePlacement } from "./workers/pool.js";
