/**
 * The DAG scheduler. A job is an action over some partitions of an RDD:
 *  1. prepare the lineage, parents first (joins settle their strategy here);
 *  2. cut it into stages at shuffle dependencies: each shuffle is a map stage,
 *     the action's RDD the result stage; narrow dependencies pipeline;
 *  3. run map stages whose output is missing, in dependency order, then the
 *     result stage, each stage's tasks through the executor.
 * Shuffle outputs stay in the store, so a later job skips stages already run.
 */
import { range, type RDD } from "../rdd/rdd.js";
import type { ShuffleDependency } from "../rdd/dependency.js";
import { writeShuffle } from "../shuffle/exchange.js";
import type { Context } from "../context.js";
import { emptyTaskMetrics, type ActionOutput, type Executor, type Task, type TaskContext, type TaskMetrics } from "./task.js";
import type { StagePlacement, WorkerRunner } from "../workers/pool.js";
import type { StageOutput } from "../workers/ship.js";
import { JobFailedError, RddError, UserCodeError } from "../errors.js";
import { emptyMetrics, type JobMetrics, type JobPlan, type Listener } from "../metrics.js";
import { DEFAULT_POOL, PoolScheduler, type Admission } from "./pools.js";
import { mergeAccumulatorUpdates, runTaskWithAccumulators, type AccumulatorUpdates } from "../accumulator.js";
import { AsyncScope } from "./async-scope.js";

let nextJobId = 0;
let nextStageId = 0;

/** A running job: its metrics collect everything its stages (and nested estimate jobs) do. */
export interface ActiveJob {
  id: number;
  metrics: JobMetrics;
  joinsRecorded: Set<number>;
  /** The scheduling pool its stages' tasks are chosen by. */
  pool: string;
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
  private readonly current = new AsyncScope<ActiveJob>();
  /** Map stages in flight, so that concurrent jobs needing one shuffle run it once. */
  private readonly running = new Map<number, Promise<void>>();

  get active(): ActiveJob | undefined {
    return this.current.get();
  }

  constructor(
    private readonly ctx: Context,
    private readonly executor: Executor,
    private readonly listeners: Listener[],
    /** Admission (maxConcurrentJobs) and fair task order; defaults: FIFO, no admission limit. */
    readonly pools: PoolScheduler = new PoolScheduler(Infinity),
    /** The pool a new job goes to (the context-local "scheduler.pool"). */
    private readonly poolOfCaller: () => string | undefined = () => undefined,
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
    if (parent) return this.runInJob(parent, rdd, description, func, partitions, undefined, output);
    const job: ActiveJob = { id: nextJobId++, metrics: emptyMetrics(), joinsRecorded: new Set(), pool: this.poolOfCaller() ?? DEFAULT_POOL };
    this.emit((l) => l.onJobQueued?.({ jobId: job.id, description, pool: job.pool }));
    return this.current.run(job, async () => {
      // the job waits here for an admission slot, before any of its work (preparation, estimates, stages) starts
      const admission = await this.pools.admit(job.id, job.pool);
      return this.runInJob(job, rdd, description, func, partitions, admission, output);
    });
  }

  private async runInJob<T, R>(
    job: ActiveJob,
    rdd: RDD<T>,
    description: string,
    func: (split: number, tc: TaskContext) => R,
    partitions: readonly number[] | undefined,
    admission?: Admission,
    output?: ActionOutput,
  ): Promise<R[]> {
    const start = performance.now();
    const outer = admission !== undefined;
    let failure: unknown;
    try {
      if (outer && this.ctx.isStopped) throw new RddError("This Context was stopped while the job waited for a slot. Create a new Context to run more jobs.");
      await this.prepare(rdd as RDD<unknown>);
      const parts = partitions ?? range(0, rdd.numPartitions);
      for (const p of parts) {
        if (!Number.isInteger(p) || p < 0 || p >= rdd.numPartitions) {
          throw new RddError(`Partition ${p} does not exist: ${rdd.toString()} has ${rdd.numPartitions} partitions.`);
        }
      }
      if (outer) {
        const plan = this.plan(rdd as RDD<unknown>);
        const started = { jobId: job.id, description, stages: 1 + shuffleParents(rdd as RDD<unknown>).length, pool: job.pool, queuedMs: admission.queuedMs, plan };
        this.emit((l) => l.onJobStart?.(started));
      }
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
        admission.release(failure !== undefined);
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

  /** The job's stage graph at its start: map stages by shuffle id with the shuffles each reads, and whether its output exists already. */
  private plan(rdd: RDD<unknown>): JobPlan {
    const shuffles: JobPlan["shuffles"] = [];
    const seen = new Set<number>();
    const visit = (r: RDD<unknown>): number[] =>
      shuffleParents(r).map((dep) => {
        if (!seen.has(dep.shuffleId)) {
          seen.add(dep.shuffleId);
          const parents = visit(dep.rdd as RDD<unknown>);
          const computed = this.ctx.shuffleStore.hasShuffle(dep.shuffleId, dep.rdd.numPartitions);
          shuffles.push({ shuffleId: dep.shuffleId, parents, rdd: dep.rdd.toString(), partitions: dep.rdd.numPartitions, computed });
        }
        return dep.shuffleId;
      });
    const parents = visit(rdd);
    return { result: { parents, rdd: rdd.toString(), partitions: rdd.numPartitions }, shuffles };
  }

  private async runStage<R>(job: ActiveJob, stageId: number, name: string, rdd: RDD<unknown>, userTasks: Task<R>[], output?: StageOutput): Promise<R[]> {
    // Each task adds to accumulators through partials of its own, merged here when it ends successfully.
    const accumulatorUpdates = new Map<Task<R>, AccumulatorUpdates>();
    const tasks = userTasks.map((task): Task<R> => {
      const withUpdates: Task<R> = {
        stageId: task.stageId,
        partition: task.partition,
        run: (tc) => {
          const { result, updates } = runTaskWithAccumulators(() => task.run(tc));
          if (updates.size > 0) accumulatorUpdates.set(withUpdates, updates);
          return result;
        },
      };
      return withUpdates;
    });
    const parents = shuffleParents(rdd).map((dep) => dep.shuffleId);
    const shuffleId = output && "shuffle" in output ? output.shuffle.shuffleId : undefined;
    const stageEvent = { jobId: job.id, stageId, name, tasks: tasks.length, parents, ...(shuffleId !== undefined ? { shuffleId } : {}) };
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
        else mergeAccumulatorUpdates(accumulatorUpdates.get(task));
        accumulatorUpdates.delete(task);
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
      // an executor that says how many tasks it runs at once gets them one by one, the next chosen by pool fairness
      const slots = this.executor.slots;
      return await (slots !== undefined
        ? this.pools.runTasks(this.executor, slots, { jobId: job.id, stageId, pool: job.pool }, tasks, makeContext, hooks)
        : this.executor.runTasks(tasks, makeContext, hooks));
    } catch (e) {
      throw this.taskFailure(e, stageId, rdd, failedTask ?? tasks[perTask.size - 1]);
    } finally {
      const m = job.metrics;
      m.stages++;
      m.tasks += perTask.size;
      const totals = emptyTaskMetrics();
      for (const t of perTask.values()) {
        totals.shuffleBytesWritten += t.shuffleBytesWritten;
        totals.shuffleBytesRead += t.shuffleBytesRead;
        totals.shuffleRecordsWritten += t.shuffleRecordsWritten;
        totals.spillBytes += t.spillBytes;
        totals.cacheHits += t.cacheHits;
        totals.broadcastBytes += t.broadcastBytes;
      }
      m.shuffleBytesWritten += totals.shuffleBytesWritten;
      m.shuffleBytesRead += totals.shuffleBytesRead;
      m.shuffleRecordsWritten += totals.shuffleRecordsWritten;
      m.spillBytes += totals.spillBytes;
      m.cacheHits += totals.cacheHits;
      m.broadcastBytes += totals.broadcastBytes;
      this.emit((l) => l.onStageEnd?.({ ...stageEvent, durationMs: performance.now() - start, totals }));
    }
  }

  /** Names the operation, stage and partition of a failed task; the user's error stays as `cause`. */
  private taskFailure<R>(e: unknown, stageId: number, computed: RDD<unknown>, failed: Task<R> | undefined): unknown {
    if (e instanceof JobFailedError) return e;
    const rdd = computed.reportedAs;
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
