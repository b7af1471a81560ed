/**
 * Scheduling pools, in the spirit of Spark's fair scheduler, at two levels:
 *  - admission: at most `maxConcurrentJobs` jobs run at once; a job waits for a
 *    slot before any of its work (preparation, stages) starts, and the next
 *    waiting job is chosen by pool fairness;
 *  - tasks: when the executor says how many tasks it runs at once (`slots`),
 *    the scheduler hands it one task at a time and chooses the next from the
 *    stages of all running jobs by the same fairness. So the executor is never
 *    oversubscribed, and a job admitted later still gets its share of the slots.
 *
 * Between pools (mode "FAIR"), Spark's comparison: a pool running fewer than its
 * `minShare` comes first (the neediest by running/minShare); otherwise the pool
 * with the lowest running/weight. With one slot "running" is 0 for every
 * waiting pool whenever a choice is made, so ties are broken by the service a
 * pool has had so far divided by its weight (weighted fair queuing); Spark
 * breaks ties by name only, which with one slot would starve all pools but one.
 * Inside a pool: "FIFO" by job id, then stage id; "FAIR" the job running the
 * fewest tasks first, then the one started the fewest tasks. Mode "FIFO" ignores pools: the earliest job first, as Spark.
 */
import os from "node:os";
import { AsyncResource } from "node:async_hooks";
import { InvalidArgumentError } from "../errors.js";
import type { Executor, Task, TaskContext, TaskHooks } from "./task.js";

export type SchedulingMode = "FIFO" | "FAIR";

export interface PoolOptions {
  /** Share of the slots relative to other pools (default 1); must be > 0. */
  weight?: number;
  /** Slots (running jobs at admission, running tasks at the executor) the pool gets before weights count (default 0). */
  minShare?: number;
  /** Order of the pool's own jobs (default "FIFO"). */
  mode?: SchedulingMode;
}

export interface SchedulerOptions {
  /** "FIFO" (default): jobs in submission order, pools only group metrics. "FAIR": pools share slots by minShare and weight. */
  mode?: SchedulingMode;
  /** Named pools; "default" always exists. A job naming an unknown pool gets a new pool with default settings, as in Spark. */
  pools?: Record<string, PoolOptions>;
}

/** What a pool did, for `ctx.poolMetrics()`. */
export interface PoolMetrics {
  name: string;
  mode: SchedulingMode;
  weight: number;
  minShare: number;
  /** Jobs finished (successfully or not) and of those, failed. */
  jobsRun: number;
  jobsFailed: number;
  /** Jobs queued for admission now, and jobs running now. */
  waiting: number;
  running: number;
  /** Summed wall time of the pool's finished jobs, from admission to end. */
  totalJobMs: number;
  /** Summed time the pool's jobs waited for admission. */
  totalQueuedMs: number;
  /** Tasks run for the pool's jobs and their summed time (counted by the task gate; 0 when the executor has no `slots`). */
  tasksRun: number;
  totalTaskMs: number;
}

export const DEFAULT_POOL = "default";
export const POOL_PROPERTY = "scheduler.pool";

interface Pool {
  readonly name: string;
  readonly weight: number;
  readonly minShare: number;
  readonly mode: SchedulingMode;
  metrics: PoolMetrics;
  /**
   * Virtual service divided by weight, the tie-breaker: jobs admitted, tasks started. Counted, not
   * timed, as Spark counts running tasks: deterministic, and a preempted task does not skew it.
   */
  jobService: number;
  taskService: number;
  runningTasks: number;
}

/** The figures pool fairness compares. */
interface Demand {
  pool: Pool;
  running: number;
  service: number;
}

/** Spark's FairSchedulingAlgorithm comparator, with weighted service before the name as tie-breaker. */
export function compareFair(a: Demand, b: Demand): number {
  const aNeedy = a.running < a.pool.minShare;
  const bNeedy = b.running < b.pool.minShare;
  if (aNeedy !== bNeedy) return aNeedy ? -1 : 1;
  const ratio = (d: Demand) => (aNeedy ? d.running / Math.max(d.pool.minShare, 1) : d.running / d.pool.weight);
  return ratio(a) - ratio(b) || a.service - b.service || (a.pool.name < b.pool.name ? -1 : a.pool.name > b.pool.name ? 1 : 0);
}

interface WaitingJob {
  jobId: number;
  pool: Pool;
  queuedAt: number;
  admit: () => void;
}

/** A job's hold on an admission slot; `release` once, when the job ends. */
export interface Admission {
  readonly pool: string;
  readonly queuedMs: number;
  release(failed: boolean): void;
}

export function defaultMaxConcurrentJobs(): number {
  return Math.max(2, os.availableParallelism());
}

export class PoolScheduler {
  readonly mode: SchedulingMode;
  readonly maxConcurrentJobs: number;
  private readonly pools = new Map<string, Pool>();
  private readonly waiting: WaitingJob[] = [];
  private runningJobs = 0;
  private readonly runningByJob = new Map<number, number>();
  /** Tasks started per job with stages in flight: the tie-breaker inside a FAIR pool. */
  private readonly servedByJob = new Map<number, number>();

  constructor(maxConcurrentJobs: number | undefined, options: SchedulerOptions = {}) {
    this.maxConcurrentJobs = maxConcurrentJobs ?? defaultMaxConcurrentJobs();
    if (this.maxConcurrentJobs !== Infinity && (!Number.isInteger(this.maxConcurrentJobs) || this.maxConcurrentJobs < 1)) {
      throw new InvalidArgumentError(`maxConcurrentJobs must be a positive integer or Infinity, got ${String(maxConcurrentJobs)}.`);
    }
    this.mode = checkMode("scheduler.mode", options.mode ?? "FIFO");
    this.pool(DEFAULT_POOL);
    for (const [name, pool] of Object.entries(options.pools ?? {})) this.definePool(name, pool);
  }

  /** The pool of that name, created with default settings when unknown. */
  private pool(name: string): Pool {
    return this.pools.get(name) ?? this.definePool(name, {});
  }

  private definePool(name: string, options: PoolOptions): Pool {
    if (typeof options !== "object" || options === null) throw new InvalidArgumentError(`scheduler.pools.${name} must be an object like { weight: 1, minShare: 0, mode: "FIFO" }.`);
    const weight = options.weight ?? 1;
    const minShare = options.minShare ?? 0;
    const mode = checkMode(`scheduler.pools.${name}.mode`, options.mode ?? "FIFO");
    if (!(weight > 0) || !Number.isFinite(weight)) throw new InvalidArgumentError(`scheduler.pools.${name}.weight must be a number > 0, got ${String(options.weight)}.`);
    if (!Number.isInteger(minShare) || minShare < 0) throw new InvalidArgumentError(`scheduler.pools.${name}.minShare must be an integer >= 0, got ${String(options.minShare)}.`);
    const pool: Pool = {
      name,
      weight,
      minShare,
      mode,
      jobService: 0,
      taskService: 0,
      runningTasks: 0,
      metrics: { name, mode, weight, minShare, jobsRun: 0, jobsFailed: 0, waiting: 0, running: 0, totalJobMs: 0, totalQueuedMs: 0, tasksRun: 0, totalTaskMs: 0 },
    };
    this.pools.set(name, pool);
    return pool;
  }

  poolMetrics(): PoolMetrics[] {
    return [...this.pools.values()].map((p) => ({ ...p.metrics }));
  }

  // ------------------------------------------------------------ admission

  /** Waits for an admission slot for job `jobId` in pool `poolName`. */
  async admit(jobId: number, poolName: string): Promise<Admission> {
    const pool = this.pool(poolName);
    const queuedAt = performance.now();
    if (this.runningJobs >= this.maxConcurrentJobs || this.waiting.length > 0) {
      pool.metrics.waiting++;
      await new Promise<void>((admit) => {
        this.catchUp(pool, "jobService");
        this.waiting.push({ jobId, pool, queuedAt, admit });
      });
    } else {
      this.start(pool);
    }
    const admittedAt = performance.now();
    const queuedMs = admittedAt - queuedAt;
    pool.metrics.totalQueuedMs += queuedMs;
    let released = false;
    return {
      pool: pool.name,
      queuedMs,
      release: (failed) => {
        if (released) return;
        released = true;
        this.runningJobs--;
        pool.metrics.running--;
        pool.metrics.jobsRun++;
        if (failed) pool.metrics.jobsFailed++;
        pool.metrics.totalJobMs += performance.now() - admittedAt;
        this.admitNext();
      },
    };
  }

  private start(pool: Pool): void {
    this.runningJobs++;
    pool.metrics.running++;
    pool.jobService += 1 / pool.weight;
  }

  private admitNext(): void {
    while (this.runningJobs < this.maxConcurrentJobs && this.waiting.length > 0) {
      const i = this.pickJob();
      const [next] = this.waiting.splice(i, 1);
      next!.pool.metrics.waiting--;
      this.start(next!.pool);
      next!.admit();
    }
  }

  /** Index of the waiting job to admit next. */
  private pickJob(): number {
    let best = 0;
    for (let i = 1; i < this.waiting.length; i++) if (this.jobBefore(this.waiting[i]!, this.waiting[best]!)) best = i;
    return best;
  }

  private jobBefore(a: WaitingJob, b: WaitingJob): boolean {
    if (this.mode === "FAIR" && a.pool !== b.pool) {
      const demand = (w: WaitingJob): Demand => ({ pool: w.pool, running: w.pool.metrics.running, service: w.pool.jobService });
      return compareFair(demand(a), demand(b)) < 0;
    }
    return a.jobId < b.jobId; // FIFO; inside a pool, waiting jobs run nothing yet, so FAIR is FIFO too
  }

  /**
   * A pool that starts to ask again after being idle starts just under the least
   * service of the pools asking now: it goes next, but idle time is not saved up
   * as credit to crowd the others out later.
   */
  private catchUp(pool: Pool, key: "jobService" | "taskService"): void {
    const asking = key === "jobService" ? this.waiting.map((w) => w.pool) : [...this.stages].map((s) => s.pool);
    if (asking.includes(pool)) return;
    const others = asking.filter((p) => p !== pool).map((p) => p[key]);
    if (others.length > 0) pool[key] = Math.max(pool[key], Math.min(...others) - 1e-9);
  }

  // ------------------------------------------------------------ tasks

  private readonly stages = new Set<StageRun>();
  private inFlight = 0;

  /**
   * Runs a stage's tasks through `executor`, one task per call, at most `slots`
   * in flight over all stages of all jobs; the next task comes from the stage
   * that pool fairness picks. Each task runs in the async context of the stage's
   * submitter (its job). Rejects with the first task error, after the stage's
   * tasks in flight have settled; its other tasks are not started.
   */
  runTasks<R>(
    executor: Executor,
    slots: number,
    owner: { jobId: number; stageId: number; pool: string },
    tasks: readonly Task<R>[],
    makeContext: (task: Task<R>) => TaskContext,
    hooks: TaskHooks<R>,
  ): Promise<R[]> {
    if (tasks.length === 0) return Promise.resolve([]);
    const pool = this.pool(owner.pool);
    return new Promise<R[]>((resolve, reject) => {
      const results = new Array<R>(tasks.length);
      let done = 0;
      let failure: { error: unknown } | undefined;
      const scope = new AsyncResource("rddopt.stage");
      const stage: StageRun = {
        jobId: owner.jobId,
        stageId: owner.stageId,
        pool,
        next: 0,
        total: tasks.length,
        running: 0,
        launch: (index) => {
          const task = tasks[index]!;
          const started = performance.now();
          const settle = (error?: { error: unknown }) => {
            const ms = performance.now() - started;
            this.taskEnded(stage, ms);
            if (error) failure ??= error;
            done++;
            if (failure) stage.next = stage.total; // start no more of this stage
            if (stage.running === 0 && (done === tasks.length || failure)) {
              this.stages.delete(stage);
              if (![...this.stages].some((s) => s.jobId === stage.jobId)) this.servedByJob.delete(stage.jobId);
              scope.emitDestroy();
              if (failure) reject(failure.error);
              else resolve(results);
            }
            this.dispatch(slots);
          };
          scope.runInAsyncScope(() => {
            let run: Promise<R[]>;
            try {
              run = executor.runTasks([task], makeContext, hooks);
            } catch (error) {
              run = Promise.reject(error);
            }
            run.then(
              ([result]) => {
                results[index] = result as R;
                settle();
              },
              (error: unknown) => settle({ error }),
            );
          });
        },
      };
      this.catchUp(pool, "taskService");
      this.stages.add(stage);
      this.dispatch(slots);
    });
  }

  private dispatch(slots: number): void {
    while (this.inFlight < slots) {
      const stage = this.pickStage();
      if (!stage) return;
      const index = stage.next++;
      this.inFlight++;
      stage.running++;
      stage.pool.runningTasks++;
      stage.pool.taskService += 1 / stage.pool.weight;
      this.servedByJob.set(stage.jobId, (this.servedByJob.get(stage.jobId) ?? 0) + 1);
      this.runningByJob.set(stage.jobId, (this.runningByJob.get(stage.jobId) ?? 0) + 1);
      stage.launch(index);
    }
  }

  private taskEnded(stage: StageRun, ms: number): void {
    this.inFlight--;
    stage.running--;
    stage.pool.runningTasks--;
    stage.pool.metrics.tasksRun++;
    stage.pool.metrics.totalTaskMs += ms;
    const left = (this.runningByJob.get(stage.jobId) ?? 1) - 1;
    if (left > 0) this.runningByJob.set(stage.jobId, left);
    else this.runningByJob.delete(stage.jobId);
  }

  private pickStage(): StageRun | undefined {
    let best: StageRun | undefined;
    for (const s of this.stages) if (s.next < s.total && (!best || this.stageBefore(s, best))) best = s;
    return best;
  }

  private stageBefore(a: StageRun, b: StageRun): boolean {
    const fifo = a.jobId - b.jobId || a.stageId - b.stageId;
    if (this.mode === "FIFO") return fifo < 0;
    if (a.pool !== b.pool) {
      const demand = (s: StageRun): Demand => ({ pool: s.pool, running: s.pool.runningTasks, service: s.pool.taskService });
      return compareFair(demand(a), demand(b)) < 0;
    }
    if (a.pool.mode === "FAIR" && a.jobId !== b.jobId) {
      const running = (s: StageRun) => this.runningByJob.get(s.jobId) ?? 0;
      const served = (s: StageRun) => this.servedByJob.get(s.jobId) ?? 0;
      const byShare = running(a) - running(b) || served(a) - served(b);
      if (byShare !== 0) return byShare < 0;
    }
    return fifo < 0;
  }
}

interface StageRun {
  readonly jobId: number;
  readonly stageId: number;
  readonly pool: Pool;
  /** Index of the next task to start; `total` once all started (or after a failure). */
  next: number;
  readonly total: number;
  running: number;
  launch(index: number): void;
}

function checkMode(name: string, mode: unknown): SchedulingMode {
  if (mode !== "FIFO" && mode !== "FAIR") throw new InvalidArgumentError(`${name} must be "FIFO" or "FAIR", got ${JSON.stringify(mode)}.`);
  return mode;
}
