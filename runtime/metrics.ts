/** What a job did: the figures users read in `ctx.lastJob` and `ctx.totals`, and the events a listener hears. */

export type JoinStrategyTaken = "shuffle" | "broadcast-left" | "broadcast-right" | "co-partitioned";

export interface JoinDecision {
  /** The transformer's site id (file:line:column) when the join was written into user code. */
  site?: string;
  strategy: JoinStrategyTaken;
  reason: string;
  estimatedBytes?: number;
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
}

export interface JobStartEvent {
  jobId: number;
  description: string;
  stages: number;
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
  onJobStart?(e: JobStartEvent): void;
  onJobEnd?(e: JobEndEvent): void;
  onStageStart?(e: StageEvent): void;
  onStageEnd?(e: StageEvent & { durationMs: number }): void;
  onTaskStart?(e: TaskEvent): void;
  onTaskEnd?(e: TaskEndEvent): void;
}
