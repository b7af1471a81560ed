import type { StagePlacement } from "./workers/pool.js";

/** What a job did: the figures users read in `ctx.lastJob` and `ctx.totals`, and the events a listener hears. */

export type JoinStrategyTaken = "shuffle" | "broadcast-left" | "broadcast-right" | "co-partitioned";

/**
 * What a join's decision learnt about one side. Bytes are the shuffle codec's
 * encoded bytes (what a shuffle would write, what a broadcast holds).
 */
export interface JoinSideEstimate {
  /**
   * The side's size as the decision saw it: exact when `actualBytes` is set; else extrapolated
   * from the partitions measured, or the size known up front (`source: "known"`); absent when nothing is known.
   */
  estimatedBytes?: number;
  /** Exact encoded bytes of the whole side: set when every partition was computed and encoded (always for a broadcast side). */
  actualBytes?: number;
  /** Partitions the decision computed and measured (they are handed on to the join, never computed again). */
  partitionsMeasured: number;
  /** The side's partition count. */
  partitions: number;
  /**
   * Where `estimatedBytes` comes from:
   *  - "measured": every partition computed and encoded (`actualBytes` is set);
   *  - "extrapolated": some partitions computed, the rest extrapolated from them (or one measured from a sample of its rows);
   *  - "known": known without computing anything (a parallelized collection's sample, persisted blocks, a shuffle's written bytes);
   *  - "none": not looked at (a side the join type cannot broadcast and the decision did not need).
   */
  source: "measured" | "extrapolated" | "known" | "none";
}

export interface JoinDecision {
  /** The transformer's site id (file:line:column) when the join was written into user code. */
  site?: string;
  strategy: JoinStrategyTaken;
  reason: string;
  /** Kept for compatibility: the broadcast side's exact bytes, or (shuffle) the smaller estimate of a side that could have been broadcast. */
  estimatedBytes?: number;
  /** What "auto" and "broadcast" learnt about the left side (absent when no size was looked at: "shuffle", co-partitioned, autoBroadcast off, full outer). */
  left?: JoinSideEstimate;
  /** As `left`, for the right side. */
  right?: JoinSideEstimate;
}

export interface JobMetrics {
  stages: number;
  tasks: number;
  wallMs: number;
  shuffleBytesWritten: number;
  shuffleBytesRead: number;
  shuffleRecordsWritten: number;
  broadcastBytes: number;
  spillBytes: number;
  cacheHits: number;
  joins: JoinDecision[];
  /** Bytes file readers read from disk (Parquet: footers and the column chunks decoded; gzip: the compressed file). */
  bytesRead: number;
  /** Input files opened by file readers. */
  filesRead: number;
  /** Input files never opened: pruned by a partition filter. */
  filesSkipped: number;
  /** Bytes of the files pruned by a partition filter. */
  bytesSkipped: number;
  /** Where each stage ran (in process or in worker threads) and why. */
  placements: StagePlacement[];
}

export function emptyMetrics(): JobMetrics {
  return {
    stages: 0,
    tasks: 0,
    wallMs: 0,
    shuffleBytesWritten: 0,
    shuffleBytesRead: 0,
    shuffleRecordsWritten: 0,
    broadcastBytes: 0,
    spillBytes: 0,
    cacheHits: 0,
    joins: [],
    bytesRead: 0,
    filesRead: 0,
    filesSkipped: 0,
    bytesSkipped: 0,
    placements: [],
  };
}

/** Adds `from` into `into` (joins are appended). */
export function addMetrics(into: JobMetrics, from: JobMetrics): void {
  into.stages += from.stages;
  into.tasks += from.tasks;
  into.wallMs += from.wallMs;
  into.shuffleBytesWritten += from.shuffleBytesWritten;
  into.shuffleBytesRead += from.shuffleBytesRead;
  into.shuffleRecordsWritten += from.shuffleRecordsWritten;
  into.broadcastBytes += from.broadcastBytes;
  into.spillBytes += from.spillBytes;
  into.cacheHits += from.cacheHits;
  into.joins.push(...from.joins);
  into.bytesRead += from.bytesRead;
  into.filesRead += from.filesRead;
  into.filesSkipped += from.filesSkipped;
  into.bytesSkipped += from.bytesSkipped;
  into.placements.push(...from.placements);
}

export interface JobStartEvent {
  jobId: number;
  description: string;
  stages: number;
  /** The scheduling pool the job ran in. */
  pool?: string;
  /** How long the job waited for an admission slot (maxConcurrentJobs). */
  queuedMs?: number;
  /** The job's stage graph as it starts (for a DAG picture). */
  plan?: JobPlan;
}
/** A job was submitted; it starts (onJobStart) once admitted. */
export interface JobQueuedEvent {
  jobId: number;
  description: string;
  pool: string;
}
/** A job's stages: its result stage and every shuffle map stage it depends on, each with the shuffles it reads. */
export interface JobPlan {
  result: { parents: number[]; rdd: string; partitions: number };
  /** `computed`: the shuffle's output existed when the job started, so its stage is skipped. */
  shuffles: { shuffleId: number; parents: number[]; rdd: string; partitions: number; computed: boolean }[];
}
export interface JobEndEvent {
  jobId: number;
  metrics: JobMetrics;
  error?: unknown;
}
export interface StageEvent {
  jobId: number;
  stageId: number;
  name: string;
  tasks: number;
  /** Set on a shuffle map stage: the shuffle it writes. */
  shuffleId?: number;
  /** The shuffles the stage reads (their map stages are its parents). */
  parents?: number[];
}
/** What a stage's tasks did, summed (on `onStageEnd`). */
export interface StageTotals {
  shuffleBytesWritten: number;
  shuffleBytesRead: number;
  shuffleRecordsWritten: number;
  spillBytes: number;
  cacheHits: number;
  broadcastBytes: number;
}
export interface TaskEvent {
  jobId: number;
  stageId: number;
  partition: number;
}
export interface TaskEndEvent extends TaskEvent {
  durationMs: number;
  error?: unknown;
}

/** Progress callbacks; implement any subset and pass it to `ctx.addListener`. */
export interface Listener {
  onJobQueued?(e: JobQueuedEvent): void;
  onJobStart?(e: JobStartEvent): void;
  onJobEnd?(e: JobEndEvent): void;
  onStageStart?(e: StageEvent): void;
  onStageEnd?(e: StageEvent & { durationMs: number; totals?: StageTotals }): void;
  onTaskStart?(e: TaskEvent): void;
  onTaskEnd?(e: TaskEndEvent): void;
}
