/**
 * The Context: options, RDD creation, job submission, metrics and cleanup.
 * One per application, as Spark's SparkContext.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RDD } from "./rdd/rdd.js";
import { ParallelCollectionRDD, RangeRDD, TextFileRDD } from "./rdd/sources.js";
import { UnionRDD } from "./rdd/narrow.js";
import { DAGScheduler } from "./scheduler/dag.js";
import { InProcessExecutor, type ActionOutput, type Executor, type TaskContext } from "./scheduler/task.js";
import { WorkerRunner, workerSettingsOf } from "./workers/pool.js";
import { placementLines } from "./workers/placement.js";
import { ShuffleStore } from "./shuffle/store.js";
import { BlockManager } from "./storage/block-manager.js";
import { Broadcast } from "./storage/broadcast.js";
import { defaultCodec, type Codec } from "./shuffle/codec.js";
import { addMetrics, emptyMetrics, type JobMetrics, type JoinDecision, type Listener } from "./metrics.js";
import { InvalidArgumentError, RddError, requirePositiveInt } from "./errors.js";
import { ProgressBar } from "./progress.js";

export interface ContextOptions {
  /** Default number of partitions for parallelize and shuffles (default 8). */
  defaultParallelism?: number;
  /** Bytes; a join side at or under it may be broadcast by "auto" (default 10 MiB, as Spark). */
  broadcastThreshold?: number;
  /** false: "auto" joins behave like "shuffle" (default true). */
  autoBroadcast?: boolean;
  /** Hard cap on a broadcast side's encoded size; past it the join falls back to a shuffle (default 1 GiB). */
  maxBroadcastBytes?: number;
  /** Shuffle blocks kept in memory; the rest spills to files (default 256 MiB). */
  shuffleMemoryBytes?: number;
  /** Memory for persisted partitions (default 1 GiB). */
  storageMemoryBytes?: number;
  /** Where spill and disk blocks go; a private subdirectory is removed on stop() and at exit (default os.tmpdir()). */
  localDir?: string;
  /** Codec for shuffles, spills and serialized storage (default: adaptive columnar / msgpackr). */
  codec?: Codec;
  /**
   * Runs tasks: a custom Executor, or "in-process" (one at a time on the main thread, no workers). Default:
   * worker threads where more than one core is available (see `workers`), in process otherwise.
   */
  executor?: Executor | "in-process";
  /** Worker threads for stages that can be shipped (default os.availableParallelism(); 0 = none; see README "Workers"). */
  workers?: number;
  /** Input rows (parallelize or range) from which a shippable stage is considered for workers (default 50,000; 0 with "always"). */
  workerMinRows?: number;
  /**
   * "auto" (default): the stage's first task runs in process, timed, and the rest go to workers only when a
   * task is real work and shipping it costs the main thread well under computing it. "always": every
   * shippable stage of two or more tasks goes to workers (tests, benchmarks).
   */
  workerDispatch?: "auto" | "always";
  /** Progress bar on stderr: "auto" shows it on a TTY for jobs over a second (default), true/false force it. */
  progress?: boolean | "auto";
}

const MiB = 2 ** 20;
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function removeOnExit(dir: string): void {
  liveDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const d of liveDirs) fs.rmSync(d, { recursive: true, force: true });
  });
}

export class Context {
  readonly defaultParallelism: number;
  readonly broadcastThreshold: number;
  readonly autoBroadcast: boolean;
  readonly maxBroadcastBytes: number;
  readonly localDir: string;
  readonly codec: Codec;
  readonly shuffleStore: ShuffleStore;
  readonly blockManager: BlockManager;
  private readonly scheduler: DAGScheduler;
  /** Worker threads this context ships stages to (0: every stage runs in process). */
  readonly workerCount: number;
  /** Runs shippable stages on worker threads; a string says why every stage runs in process. */
  private readonly workers: WorkerRunner | string;
  private readonly listeners: Listener[] = [];
  private scratch: string | undefined;
  private stopped = false;
  private last: JobMetrics | undefined;
  private readonly total = emptyMetrics();

  constructor(options: ContextOptions = {}) {
    this.defaultParallelism = options.defaultParallelism ?? 8;
    requirePositiveInt("defaultParallelism", this.defaultParallelism);
    this.broadcastThreshold = nonNegative("broadcastThreshold", options.broadcastThreshold ?? 10 * MiB);
    this.autoBroadcast = options.autoBroadcast ?? true;
    this.maxBroadcastBytes = nonNegative("maxBroadcastBytes", options.maxBroadcastBytes ?? 1024 * MiB);
    this.localDir = options.localDir ?? os.tmpdir();
    this.codec = options.codec ?? defaultCodec;
    this.shuffleStore = new ShuffleStore(nonNegative("shuffleMemoryBytes", options.shuffleMemoryBytes ?? 256 * MiB), () => this.scratchDir());
    this.blockManager = new BlockManager(
      nonNegative("storageMemoryBytes", options.storageMemoryBytes ?? 1024 * MiB),
      () => this.scratchDir(),
      () => this.codec,
    );
    if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 0)) {
      throw new InvalidArgumentError(`workers must be a whole number >= 0, got ${String(options.workers)}. Pass 0 to run every task in process.`);
    }
    nonNegative("workerMinRows", options.workerMinRows ?? 0);
    if (options.workerDispatch !== undefined && options.workerDispatch !== "auto" && options.workerDispatch !== "always") {
      throw new InvalidArgumentError(`workerDispatch must be "auto" or "always", got ${String(options.workerDispatch)}.`);
    }
    const settings = workerSettingsOf(options);
    this.workers = "off" in settings ? settings.off : new WorkerRunner(this, settings);
    this.workerCount = "off" in settings ? 0 : settings.threads;
    const executor = typeof options.executor === "object" ? options.executor : new InProcessExecutor();
    this.scheduler = new DAGScheduler(this, executor, this.listeners, this.workers);
    const progress = options.progress ?? "auto";
    if (progress === true || (progress === "auto" && process.stderr.isTTY && !process.env.CI)) {
      this.listeners.push(new ProgressBar(progress === true ? 0 : 1000));
    }
  }

  // ------------------------------------------------------------ creating RDDs

  parallelize<T>(data: readonly T[], numPartitions?: number): RDD<T> {
    this.checkRunning();
    if (!Array.isArray(data)) throw new InvalidArgumentError("parallelize needs an array. Convert other iterables with Array.from(...).");
    return new ParallelCollectionRDD<T>(this, data, numPartitions ?? this.defaultParallelism);
  }

  /** Numbers from start (inclusive) to end (exclusive) by step; range(n) is 0..n-1. */
  range(start: number, end?: number, step = 1, numPartitions?: number): RDD<number> {
    this.checkRunning();
    if (end === undefined) [start, end] = [0, start];
    return new RangeRDD(this, start, end, step, numPartitions ?? this.defaultParallelism);
  }

  /** Lines of a text file or of every file in a directory. */
  textFile(file: string, minPartitions?: number): RDD<string> {
    this.checkRunning();
    return new TextFileRDD(this, file, minPartitions ?? Math.min(2, this.defaultParallelism));
  }

  union<T>(rdds: RDD<T>[]): RDD<T> {
    if (rdds.length === 0) throw new InvalidArgumentError("union needs at least one RDD.");
    return new UnionRDD<T>(this, rdds);
  }

  /** A read-only value for tasks to share; encoded once to check it and count its bytes. */
  broadcast<T>(value: T): Broadcast<T> {
    this.checkRunning();
    const bytes = this.codec.encode([value]).byteLength;
    this.recordBroadcast(bytes);
    return new Broadcast(value, bytes);
  }

  // ------------------------------------------------------------ metrics and events

  /** Metrics of the last finished action (undefined before the first). */
  get lastJob(): JobMetrics | undefined {
    return this.last;
  }

  /** Metrics summed over the context's life. */
  get totals(): JobMetrics {
    return this.total;
  }

  addListener(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => this.removeListener(listener);
  }

  removeListener(listener: Listener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  // ------------------------------------------------------------ lifecycle

  /** Frees cached and shuffled data and deletes the local directory. The context cannot run jobs afterwards. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.shuffleStore.clear();
    this.blockManager.clear();
    if (this.scratch) {
      fs.rmSync(this.scratch, { recursive: true, force: true });
      liveDirs.delete(this.scratch);
      this.scratch = undefined;
    }
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  // ------------------------------------------------------------ for the engine

  /** @internal Runs `func` over partitions of `rdd` (all by default) as one job. */
  runJob<T, R>(
    rdd: RDD<T>,
    description: string,
    func: (split: number, tc: TaskContext) => R,
    partitions?: readonly number[],
    output?: ActionOutput,
  ): Promise<R[]> {
    this.checkRunning();
    return this.scheduler.runJob(rdd, description, func, partitions, output);
  }

  /** @internal Settles runtime decisions in the lineage (join strategies, sort bounds) before reading partition counts. */
  prepareJob(rdd: RDD<unknown>): Promise<void> {
    return this.scheduler.prepare(rdd);
  }

  /**
   * @internal Where a join's tasks run, for its broadcast cost model (join-rdd.ts broadcastPays). Always in
   * process, one table: the worker executor ships no join stage (ship.ts), only the map stages feeding a
   * shuffle join, so a broadcast is never copied per worker. Ship joins, and this returns the worker count.
   */
  joinExecutor(): { kind: "in-process" | "workers"; copies: number } {
    return { kind: "in-process", copies: 1 };
  }

  /** @internal explain()'s Placement section: where each stage of `rdd`'s plan would run, and why. */
  placementLines(rdd: RDD<unknown>): string[] {
    const runner = this.workers;
    if (typeof runner === "string") return ["== Placement ==", `every stage in process - ${runner}`];
    return placementLines(rdd, (r, output, tasks) => runner.decide(r, output, tasks), runner.settings.dispatch === "auto");
  }

  /** @internal A join's decision, once per job. */
  recordJoin(rddId: number, decision: JoinDecision): void {
    const job = this.scheduler.active;
    if (!job || job.joinsRecorded.has(rddId)) return;
    job.joinsRecorded.add(rddId);
    job.metrics.joins.push(decision);
  }

  /** @internal */
  recordBroadcast(bytes: number): void {
    const job = this.scheduler.active;
    if (job) job.metrics.broadcastBytes += bytes;
    else this.total.broadcastBytes += bytes;
  }

  /** @internal */
  finishJob(metrics: JobMetrics): void {
    this.last = metrics;
    addMetrics(this.total, metrics);
  }

  /** @internal The private local directory, created on first use. */
  scratchDir(): string {
    if (!this.scratch) {
      try {
        fs.mkdirSync(this.localDir, { recursive: true });
        this.scratch = fs.mkdtempSync(path.join(this.localDir, `rddopt-${process.pid}-`));
      } catch (e) {
        throw new RddError(
          `Cannot create a working directory under localDir ${this.localDir}: ${(e as Error).message}. ` +
            `Pass a writable localDir to the Context, or raise shuffleMemoryBytes/storageMemoryBytes so nothing spills.`,
          { cause: e },
        );
      }
      removeOnExit(this.scratch);
    }
    return this.scratch;
  }

  private checkRunning(): void {
    if (this.stopped) throw new RddError("This Context was stopped. Create a new Context to run more jobs.");
  }
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) throw new InvalidArgumentError(`${name} must be a number of bytes >= 0, got ${String(value)}.`);
  return value;
}
