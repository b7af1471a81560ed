/**
 * Records a Context's Listener events as plain JSON, for the live view and for
 * saved runs (`ctx.saveRun(file)`, reopened with `rddopt ui run.json`).
 */
import fs from "node:fs";
import type { JobEndEvent, JobMetrics, JobPlan, JobQueuedEvent, JobStartEvent, Listener, StageEvent, StageTotals, TaskEndEvent, TaskEvent } from "../metrics.js";
import type { PoolMetrics } from "../scheduler/pools.js";
import { InvalidArgumentError, UserCodeError } from "../errors.js";

/** One recorded event; `t` is milliseconds since the recorder started. */
export type RunEvent =
  | ({ type: "jobQueued"; t: number } & JobQueuedEvent)
  | { type: "jobStart"; t: number; jobId: number; description: string; stages: number; pool?: string; queuedMs?: number; plan?: JobPlan }
  | { type: "jobEnd"; t: number; jobId: number; metrics: JobMetrics; error?: string }
  | ({ type: "stageStart"; t: number } & StageEvent)
  | ({ type: "stageEnd"; t: number; durationMs: number; totals?: StageTotals } & StageEvent)
  | ({ type: "taskStart"; t: number } & TaskEvent)
  | { type: "taskEnd"; t: number; jobId: number; stageId: number; partition: number; durationMs: number; error?: string };

/** A saved run: what `ctx.saveRun` writes and `rddopt ui` reads. */
export interface SavedRun {
  format: "rddopt-run";
  version: 1;
  /** When recording started (ISO 8601). */
  startedAt: string;
  events: RunEvent[];
  /** Pool figures when the run was taken. */
  pools: PoolMetrics[];
  /** Task events not kept because the run passed `maxTaskEvents`. */
  droppedTaskEvents: number;
  /** Finished jobs forgotten past `RETAINED_JOBS` (the oldest first). */
  forgottenJobs?: number;
}

/** Task events kept per run; past it tasks are counted, not listed. */
export const MAX_TASK_EVENTS = 200_000;
/** Finished jobs kept (as Spark's spark.ui.retainedJobs); the oldest are forgotten in batches past it. */
export const RETAINED_JOBS = 1000;

function message(error: unknown): string {
  if (error instanceof UserCodeError) return `${error.message}: ${message(error.original)}`;
  return error instanceof Error ? error.message : String(error);
}

export class RunRecorder implements Listener {
  private readonly events: RunEvent[] = [];
  private readonly origin = performance.now();
  private readonly startedAt = new Date().toISOString();
  private taskEvents = 0;
  private dropped = 0;
  private readonly finished: number[] = [];
  private forgottenJobs = 0;
  /** Grows with every event, so a viewer can tell that nothing changed. */
  version = 0;

  constructor(
    private readonly pools: () => PoolMetrics[],
    private readonly maxTaskEvents = MAX_TASK_EVENTS,
    private readonly retainedJobs = RETAINED_JOBS,
  ) {}

  private now(): number {
    return Math.round((performance.now() - this.origin) * 1000) / 1000;
  }

  private push(event: RunEvent): void {
    this.events.push(event);
    this.version++;
  }

  private pushTask(event: RunEvent): void {
    if (this.taskEvents >= this.maxTaskEvents) {
      this.dropped++;
      this.version++;
      return;
    }
    this.taskEvents++;
    this.push(event);
  }

  onJobQueued(e: JobQueuedEvent): void {
    this.push({ type: "jobQueued", t: this.now(), jobId: e.jobId, description: e.description, pool: e.pool });
  }
  onJobStart(e: JobStartEvent): void {
    this.push({ type: "jobStart", t: this.now(), ...e });
  }
  onJobEnd(e: JobEndEvent): void {
    // a copy: the metrics object is the job's own and must not change under a viewer
    const metrics: JobMetrics = { ...e.metrics, joins: e.metrics.joins.map((j) => structuredClone(j)) };
    this.push({ type: "jobEnd", t: this.now(), jobId: e.jobId, metrics, ...(e.error !== undefined ? { error: message(e.error) } : {}) });
    this.finished.push(e.jobId);
    if (this.finished.length > this.retainedJobs * 1.1) this.forgetOldest(this.finished.length - this.retainedJobs);
  }

  /** Drops every event of the `n` oldest finished jobs, so a long-lived Context's record stays bounded. */
  private forgetOldest(n: number): void {
    const gone = new Set(this.finished.splice(0, n));
    this.forgottenJobs += gone.size;
    let kept = 0;
    for (const event of this.events) {
      if (gone.has(event.jobId)) {
        if (event.type === "taskStart" || event.type === "taskEnd") this.taskEvents--;
        continue;
      }
      this.events[kept++] = event;
    }
    this.events.length = kept;
  }
  onStageStart(e: StageEvent): void {
    this.push({ type: "stageStart", t: this.now(), ...e });
  }
  onStageEnd(e: StageEvent & { durationMs: number; totals?: StageTotals }): void {
    this.push({ type: "stageEnd", t: this.now(), ...e });
  }
  onTaskStart(e: TaskEvent): void {
    this.pushTask({ type: "taskStart", t: this.now(), jobId: e.jobId, stageId: e.stageId, partition: e.partition });
  }
  onTaskEnd(e: TaskEndEvent): void {
    const { error, ...rest } = e;
    this.pushTask({ type: "taskEnd", t: this.now(), ...rest, ...(error !== undefined ? { error: message(error) } : {}) });
  }

  snapshot(): SavedRun {
    return {
      format: "rddopt-run",
      version: 1,
      startedAt: this.startedAt,
      events: [...this.events],
      pools: this.pools(),
      droppedTaskEvents: this.dropped,
      forgottenJobs: this.forgottenJobs,
    };
  }

  save(file: string): void {
    fs.writeFileSync(file, JSON.stringify(this.snapshot()) + "\n");
  }
}

/** Reads a saved run, with an error that says what is wrong with the file. */
export function readRun(file: string): SavedRun {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InvalidArgumentError(`Cannot read the run file ${file}: ${message(e)}.`);
  }
  let run: unknown;
  try {
    run = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`${file} is not JSON (${message(e)}). Pass a file written by ctx.saveRun(file) or ctx.ui({ save: file }).`);
  }
  const r = run as Partial<SavedRun> | null;
  if (typeof r !== "object" || r === null || r.format !== "rddopt-run" || !Array.isArray(r.events)) {
    throw new InvalidArgumentError(`${file} is not an rddopt run (no "format": "rddopt-run" with "events"). Pass a file written by ctx.saveRun(file) or ctx.ui({ save: file }).`);
  }
  if (r.version !== 1) throw new InvalidArgumentError(`${file} is an rddopt run of version ${String(r.version)}; this rddopt reads version 1.`);
  return {
    format: "rddopt-run",
    version: 1,
    startedAt: String(r.startedAt ?? ""),
    events: r.events,
    pools: Array.isArray(r.pools) ? r.pools : [],
    droppedTaskEvents: Number(r.droppedTaskEvents ?? 0),
    forgottenJobs: Number(r.forgottenJobs ?? 0),
  };
}
