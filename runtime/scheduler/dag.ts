/**
 * The DAG scheduler. A job is an action over some partitions of an RDD:
 *  1. prepare the lineage, parents first (joins settle their strategy here);
 *  2. cut it into stages at shuffle dependencies: each shuffle is a map stage,
 *     the action's RDD the result stage; narrow dependencies pipeline;
 *  3. run map stages whose output is missing, in dependency order, then the
 *     result stage, each stage's tasks through the executor.
 * Shuffle outputs stay in the store, so a later job skips stages already run.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { range, type RDD } from "../rdd/rdd.js";
import type { ShuffleDependency } from "../rdd/dependency.js";
import { writeShuffle } from "../shuffle/exchange.js";
import type { Context } from "../context.js";
import { emptyTaskMetrics, type ActionOutput, type Executor, type Task, type TaskContext, type TaskMetrics } from "./task.js";
import type { StagePlacement, WorkerRunner } from "../workers/pool.js";
import type { StageOutput } from "../workers/ship.js";
import { JobFailedError, RddError, UserCodeError } from "../errors.js";
import { emptyMetrics, type JobMetrics, type Listener } from "../metrics.js";

let nextJobId = 0;
let nextStageId = 0;

/** A running job: its metrics collect everything its stages (and nested estimate jobs) do. */
export interface ActiveJob {
  id: number;
  metrics: JobMetrics;
  joinsRecorded: Set<number>;
}

/** The shuffle dependencies a stage of `rdd` waits for: walks narrow dependencies, stops at shuffles. */
export function shuffleParents(rdd: RDD<unknown>): ShuffleDependency[] {
  const out: ShuffleDependency[] = [];
  const seen = new Set<RDD<unknown>>();
  const visit = (r: RDD<unknown>) => {
    if (seen.has(r)) return;
    seen.add(r);
    for (const dep of r.dependencies()) {
      if (dep.kind === "shuffle") out.push(dep);
      else visit(dep.rdd);
    }
  };
  visit(rdd);
  return out;
}

export class DAGScheduler {
  /** The job this async call chain runs in; nested jobs (size estimates, sort samples) add to its metrics. */
  private readonly current = new AsyncLocalStorage<ActiveJob>();
  /** Map stages in flight, so that concurrent jobs needing one shuffle run it once. */
  private readonly running = new Map<number, Promise<void>>();

  get active(): ActiveJob | undefined {
    return this.current.getStore();
  }

  constructor(
    private readonly ctx: Context,
    private readonly executor: Executor,
    private readonly listeners: Listener[],
    /** Runs shippable stages on worker threads; a string says why every stage runs in process. */
    private readonly workers: WorkerRunner | string = "no worker pool",
  ) {}

  /** Prepares every RDD of the lineage, parents before children, each once per job. */
  async prepare(rdd: RDD<unknown>, seen = new Set<RDD<unknown>>()): Promise<void> {
    if (seen.has(rdd)) return;
    seen.add(rdd);
    for (const parent of rdd.parents()) await this.prepare(parent, seen);
    await rdd.prepare();
  }

  async runJob<T, R>(
    rdd: RDD<T>,
    description: string,
    func: (split: number, tc: TaskContext) => R,
    partitions?: readonly number[],
    output?: ActionOutput,
  ): Promise<R[]> {
    const parent = this.active;
    if (parent) return this.runInJob(parent, rdd, description, func, partitions, false, output);
    const job: ActiveJob = { id: nextJobId++, metrics: emptyMetrics(), joinsRecorded: new Set() };
    return this.current.run(job, () => this.runInJob(job, rdd, description, func, partitions, true, output));
  }

  private async runInJob<T, R>(
    job: ActiveJob,
    rdd: RDD<T>,
    description: string,
    func: (split: number, tc: TaskContext) => R,
    partitions: readonly number[] | undefined,
    outer = false,
    output?: ActionOutput,
  ): Promise<R[]> {
    const start = performance.now();
    let failure: unknown;
    try {
      await this.prepare(rdd as RDD<unknown>);
      const parts = partitions ?? range(0, rdd.numPartitions);
      for (const p of parts) {
        if (!Number.isInteger(p) || p < 0 || p >= rdd.numPartitions) {
          throw new RddError(`Partition ${p} does not exist: ${rdd.toString()} has ${rdd.numPartitions} partitions.`);
        }
      }
      if (outer) this.emit((l) => l.onJobStart?.({ jobId: job.id, description, stages: 1 + shuffleParents(rdd as RDD<unknown>).length }));
      await this.ensureShuffles(rdd as RDD<unknown>, job);
      const stageId = nextStageId++;
      const tasks: Task<R>[] = parts.map((partition) => ({ stageId, partition, run: (tc) => func(partition, tc) }));
      const stageOutput = output && !partitions ? { action: output } : undefined; // a job over some partitions (take, lookup) is small
      return await this.runStage(job, stageId, `${description} at ${rdd.callSite}`, rdd as RDD<unknown>, tasks, stageOutput);
    } catch (e) {
      failure = e;
      throw e;
    } finally {
      if (outer) {
        job.metrics.wallMs = performance.now() - start;
        this.ctx.finishJob(job.metrics);
        this.emit((l) => l.onJobEnd?.({ jobId: job.id, metrics: job.metrics, ...(failure !== undefined ? { error: failure } : {}) }));
      }
    }
  }

  /** Runs the map stage of every missing shuffle `rdd` depends on, parents first. */
  private async ensureShuffles(rdd: RDD<unknown>, job: ActiveJob): Promise<void> {
    for (const dep of shuffleParents(rdd)) {
      const maps = dep.rdd.numPartitions;
      if (this.ctx.shuffleStore.hasShuffle(dep.shuffleId, maps)) continue;
      let run = this.running.get(dep.shuffleId);
      if (!run) {
        run = this.runMapStage(dep, maps, job).finally(() => this.running.delete(dep.shuffleId));
        this.running.set(dep.shuffleId, run);
      }
      await run;
    }
  }

  private async runMapStage(dep: ShuffleDependency, maps: number, job: ActiveJob): Promise<void> {
    await this.ensureShuffles(dep.rdd as RDD<unknown>, job);
    const stageId = nextStageId++;
    const tasks: Task<void>[] = range(0, maps).map((partition) => ({
      stageId,
      partition,
      run: (tc) => writeShuffle(dep, partition, tc),
    }));
    await this.runStage(job, stageId, `shuffle ${dep.shuffleId} (${dep.partitioner.describe()}) of ${dep.rdd.toString()}`, dep.rdd as RDD<unknown>, tasks, { shuffle: dep });
  }

  private async runStage<R>(
    job: ActiveJob,
    stageId: number,
    name: string,
    rdd: RDD<unknown>,
    tasks: Task<R>[],
    output?: StageOutput,
  ): Promise<R[]> {
    const stageEvent = { jobId: job.id, stageId, name, tasks: tasks.length };
    this.emit((l) => l.onStageStart?.(stageEvent));
    const start = performance.now();
    const perTask = new Map<Task<R>, TaskMetrics>();
    let failedTask: Task<R> | undefined; // told by the executor, so the error names the right partition in any run order
    const makeContext = (task: Task<R>): TaskContext => {
      const metrics = emptyTaskMetrics();
      perTask.set(task, metrics);
      return { ctx: this.ctx, jobId: job.id, stageId, partition: task.partition, metrics };
    };
    const hooks = {
      onStart: (task: Task<R>) => this.emit((l) => l.onTaskStart?.({ jobId: job.id, stageId, partition: task.partition })),
      onEnd: (task: Task<R>, ms: number, error?: unknown) => {
        if (error !== undefined) failedTask ??= task;
        this.emit((l) => l.onTaskEnd?.({ jobId: job.id, stageId, partition: task.partition, durationMs: ms, ...(error ? { error } : {}) }));
      },
    };
    const decision = typeof this.workers === "string" ? { where: "in-process" as const, reason: this.workers } : this.workers.decide(rdd, output, tasks.length);
    const placement: StagePlacement = { stageId, name, where: decision.where, reason: decision.reason };
    job.metrics.placements.push(placement);
    try {
      if ("stage" in decision && output && typeof this.workers !== "string") {
        return await this.workers.run(decision.stage, output, tasks, makeContext, hooks, placement);
      }
      return await this.executor.runTasks(tasks, makeContext, hooks);
    } catch (e) {
      throw this.taskFailure(e, stageId, rdd, failedTask ?? tasks[perTask.size - 1]);
    } finally {
      const m = job.metrics;
      m.stages++;
      m.tasks += perTask.size;
      for (const t of perTask.values()) {
        m.shuffleBytesWritten += t.shuffleBytesWritten;
        m.shuffleBytesRead += t.shuffleBytesRead;
        m.shuffleRecordsWritten += t.shuffleRecordsWritten;
        m.spillBytes += t.spillBytes;
        m.cacheHits += t.cacheHits;
        m.broadcastBytes += t.broadcastBytes;
      }
      this.emit((l) => l.onStageEnd?.({ ...stageEvent, durationMs: performance.now() - start }));
    }
  }

  /** Names the operation, stage and partition of a failed task; the user's error stays as `cause`. */
  private taskFailure<R>(e: unknown, stageId: number, rdd: RDD<unknown>, failed: Task<R> | undefined): unknown {
    if (e instanceof JobFailedError) return e;
    const partition = failed?.partition ?? -1;
    if (e instanceof UserCodeError) {
      const cause = e.original;
      const msg = cause instanceof Error ? cause.message : String(cause);
      return new JobFailedError(
        `Job failed: the function passed to ${e.operation} threw in stage ${stageId}, partition ${partition} (computing ${rdd.toString()}): ${msg}`,
        e.operation,
        stageId,
        partition,
        cause,
      );
    }
    const msg = e instanceof Error ? e.message : String(e);
    return new JobFailedError(`Job failed in stage ${stageId}, partition ${partition} (computing ${rdd.toString()}): ${msg}`, rdd.opName, stageId, partition, e);
  }

  private emit(f: (l: Listener) => void): void {
    for (const l of this.listeners) {
      try {
        f(l);
      } catch {
        // a listener's failure must not fail the job
      }
    }
  }
}
