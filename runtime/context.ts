/**
 * The Context: options, RDD creation, job submission, metrics and cleanup.
 * One per application, as Spark's SparkContext.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RDD } from "./rdd/rdd.js";
import { ParallelCollectionRDD, RangeRDD } from "./rdd/sources.js";
import { textFile, type TextFileOptions } from "./io/text.js";
import { readCsv, type CsvOptions } from "./io/csv.js";
import { readJsonLines, type JsonLinesOptions } from "./io/jsonl.js";
import { readParquet, type ParquetOptions } from "./io/parquet.js";
import { readBucketed } from "./io/bucket-read.js";
import { UnionRDD } from "./rdd/narrow.js";
import { DAGScheduler } from "./scheduler/dag.js";
import { InProcessExecutor, type ActionOutput, type Executor, type TaskContext } from "./scheduler/task.js";
import { WorkerRunner, workerSettingsOf } from "./workers/pool.js";
import type { ExecutorShape as JoinExecutor } from "./join/join-rdd.js";
import { placementLines } from "./workers/placement.js";
import { ShuffleStore } from "./shuffle/store.js";
import { BlockManager } from "./storage/block-manager.js";
import { Broadcast } from "./storage/broadcast.js";
import { defaultCodec, type Codec } from "./shuffle/codec.js";
import { addMetrics, emptyMetrics, type JobMetrics, type JoinDecision, type Listener } from "./metrics.js";
import { InvalidArgumentError, RddError, requirePositiveInt } from "./errors.js";
import { ProgressBar } from "./progress.js";
import { POOL_PROPERTY, PoolScheduler, type PoolMetrics, type SchedulerOptions } from "./scheduler/pools.js";
import { LocalProperties } from "./scheduler/local-properties.js";
import { RunRecorder } from "./ui/recorder.js";
import { checkPort, serveRun, type UiHandle, type UiOptions } from "./ui/server.js";
import { Accumulator, listRules, valueRules, type AccumulatorOptions } from "./accumulator.js";
import { writeMarkedCheckpoints } from "./rdd/checkpoint.js";
import { LineageEmitter } from "./lineage/emitter.js";
import { resolveLineage, type LineageOptions } from "./lineage/options.js";
import { inJobScope, preparingJob } from "./lineage/scope.js";

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
  /** Actions running at once; more wait in their pool's queue (default: CPU cores, at least 2; Infinity: no limit). */
  maxConcurrentJobs?: number;
  /** Scheduling pools: `{ mode: "FIFO" | "FAIR", pools: { name: { weight, minShare, mode } } }` (default FIFO, one pool "default"). */
  scheduler?: SchedulerOptions;
  /**
   * OpenLineage run events (docs/lineage.md): `{ url }` posts them to `<url>/api/v1/lineage`, `{ file }`
   * appends JSON lines; `false` turns them off. Default: OPENLINEAGE_URL (with OPENLINEAGE_ENDPOINT,
   * OPENLINEAGE_API_KEY) when set, else off.
   */
  lineage?: LineageOptions | false;
}

const MiB = 2 ** 20;
/** Readers whose pruned files a job has counted (a nested job prepares a reader again). */
const sourcesRecorded = new WeakMap<object, Set<number>>();
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
  private checkpoints: string | undefined;
  private stopped = false;
  private last: JobMetrics | undefined;
  private readonly total = emptyMetrics();
  private readonly localProperties = new LocalProperties();
  private readonly pools: PoolScheduler;
  private readonly recorder: RunRecorder;
  private readonly views = new Set<UiHandle>();
  private readonly lineage: LineageEmitter | undefined;

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
    nonNegative("workerMinRows", options.workerMinRows ?? 0);
    const settings = workerSettingsOf(options);
    this.workers = "off" in settings ? settings.off : new WorkerRunner(this, settings);
    this.workerCount = "off" in settings ? 0 : settings.threads;
    const executor = typeof options.executor === "object" ? options.executor : new InProcessExecutor();
    this.pools = new PoolScheduler(options.maxConcurrentJobs, options.scheduler);
    this.recorder = new RunRecorder(() => this.poolMetrics());
    this.listeners.push(this.recorder);
    this.scheduler = new DAGScheduler(this, executor, this.listeners, this.pools, () => this.getLocalProperty(POOL_PROPERTY), this.workers);
    const progress = options.progress ?? "auto";
    if (progress === true || (progress === "auto" && process.stderr.isTTY && !process.env.CI)) {
      this.listeners.push(new ProgressBar(progress === true ? 0 : 1000));
    }
    const lineage = resolveLineage(options.lineage);
    this.lineage = lineage && new LineageEmitter(lineage);
    if (this.lineage) this.listeners.push(this.lineage);
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

  /**
   * Lines of a file, of every file under a directory, or of files matching a glob (`logs/*.txt`, `data/**\/*.gz`).
   * Gzip files (`.gz`) are decompressed, one split each; other files are cut into byte splits at line boundaries.
   */
  textFile(file: string, minPartitions?: number, options?: TextFileOptions): RDD<string> {
    this.checkRunning();
    return textFile(this, file, minPartitions ?? Math.min(2, this.defaultParallelism), options);
  }

  /** Rows of CSV files (a file, directory or glob) as objects; see docs/io.md for the options. */
  readCsv<T = Record<string, string>>(path: string, options?: CsvOptions): RDD<T> {
    this.checkRunning();
    return readCsv<T>(this, path, options);
  }

  /** One JSON value per line of JSON Lines files (a file, directory or glob); see docs/io.md. */
  readJsonLines<T = unknown>(path: string, options?: JsonLinesOptions): RDD<T> {
    this.checkRunning();
    return readJsonLines<T>(this, path, options);
  }

  /** Rows of Parquet files as objects, one partition per row group; `columns` reads only those column chunks. */
  readParquet<T = Record<string, unknown>>(path: string, options?: ParquetOptions): RDD<T> {
    this.checkRunning();
    return readParquet<T>(this, path, options);
  }

  /** A dataset written by saveAsBucketed, as `[key, value]` pairs partitioned by its HashPartitioner (joins of datasets bucketed alike need no shuffle). */
  readBucketed<K = unknown, V = unknown>(dir: string): RDD<[K, V]> {
    this.checkRunning();
    return readBucketed<K, V>(this, dir);
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

  // ------------------------------------------------------------ accumulators and checkpoints

  /**
   * A variable tasks add to (`acc.add(v)`) and the driver reads (`acc.value`), as Spark's accumulators.
   * Numbers and bigints add with `+`; any other initial value needs `add` (commutative and associative).
   * Updates made in actions (`foreach`, `foreachPartition`) count once; updates made in transformations
   * count once per run of the task, so again when a stage is recomputed (Spark's rule).
   * @example
   * const errors = ctx.accumulator(0, { name: "errors" });
   * await lines.foreach((line) => { if (line.startsWith("ERROR")) errors.add(1); });
   * errors.value; // the count, on the driver
   */
  accumulator<T>(initial: T, options: AccumulatorOptions<T> = {}): Accumulator<T> {
    return new Accumulator<T, T>(initial, valueRules(initial, options.add, "ctx.accumulator"), options.name);
  }

  /** A number accumulator starting at 0 (Spark's `longAccumulator`; JS numbers are doubles). */
  longAccumulator(name?: string): Accumulator<number> {
    return this.accumulator(0, name === undefined ? {} : { name });
  }

  /** An accumulator collecting every value added, as a list (Spark's `collectionAccumulator`); the order of the list is not a result. */
  collectionAccumulator<T>(name?: string): Accumulator<T, T[]> {
    return new Accumulator<T, T[]>([], listRules<T>(), name);
  }

  /**
   * Sets the directory under which `rdd.checkpoint()` writes (a fresh subdirectory of `dir` per Context,
   * as Spark's `setCheckpointDir`). Checkpoint files stay after `stop()`; delete them when done.
   */
  setCheckpointDir(dir: string): void {
    this.checkRunning();
    try {
      fs.mkdirSync(dir, { recursive: true });
      this.checkpoints = fs.mkdtempSync(path.join(dir, `rddopt-checkpoint-${process.pid}-`));
    } catch (e) {
      throw new InvalidArgumentError(`setCheckpointDir cannot create a directory under ${dir}: ${(e as Error).message}. Pass a writable directory.`);
    }
  }

  /** Where checkpoints are written (set by `setCheckpointDir`), or undefined. */
  get checkpointDir(): string | undefined {
    return this.checkpoints;
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

  // ------------------------------------------------------------ concurrent jobs and pools

  /**
   * Sets a property for jobs started from the current async call chain, as Spark's
   * `setLocalProperty` does per thread; "scheduler.pool" names the job's pool.
   * `undefined` removes it. To scope it to one function, use {@link withPool}.
   */
  setLocalProperty(key: string, value: string | undefined): void {
    if (typeof key !== "string") throw new InvalidArgumentError("setLocalProperty needs a string key, e.g. \"scheduler.pool\".");
    if (value !== undefined && typeof value !== "string") throw new InvalidArgumentError(`setLocalProperty("${key}") needs a string value or undefined, got ${typeof value}.`);
    this.localProperties.set(key, value);
  }

  getLocalProperty(key: string): string | undefined {
    return this.localProperties.get(key);
  }

  /** Runs `fn` with its jobs in pool `name` (the value ends with `fn`'s async chain). */
  withPool<T>(name: string, fn: () => T): T {
    if (typeof name !== "string" || name === "") throw new InvalidArgumentError("withPool needs a pool name (a non-empty string).");
    return this.localProperties.run(POOL_PROPERTY, name, fn);
  }

  /** Per pool: jobs run, failed, waiting and running now, total job and queue time, tasks run. */
  poolMetrics(): PoolMetrics[] {
    return this.pools.poolMetrics();
  }

  // ------------------------------------------------------------ live view

  /**
   * Serves a live view of this context's jobs on 127.0.0.1 (jobs, stages, tasks,
   * join decisions, the stage DAG), recorded since the context started.
   * `{ port: 0 }` takes any free port; `{ save: file }` writes the run when the view closes.
   */
  async ui(options: UiOptions = {}): Promise<UiHandle> {
    this.checkRunning();
    const port = checkPort(options.port);
    if (options.save !== undefined && (typeof options.save !== "string" || options.save === "")) throw new InvalidArgumentError("ui({ save }) needs a file name.");
    const recorder = this.recorder;
    const save = options.save;
    const handle = await serveRun({ live: true, version: () => recorder.version, run: () => recorder.snapshot() }, port, "rddopt live view", () => {
      this.views.delete(handle);
      if (save) recorder.save(save);
    });
    this.views.add(handle);
    return handle;
  }

  /** Writes the events recorded so far (jobs, stages, tasks, metrics, join decisions) as JSON; `rddopt ui <file>` shows them. */
  saveRun(file: string): void {
    if (typeof file !== "string" || file === "") throw new InvalidArgumentError("saveRun needs a file name.");
    this.recorder.save(file);
  }

  // ------------------------------------------------------------ lifecycle

  /** Frees cached and shuffled data and deletes the local directory. The context cannot run jobs afterwards. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.views].map((v) => v.close()));
    await this.lineage?.flush();
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
  async runJob<T, R>(
    rdd: RDD<T>,
    description: string,
    func: (split: number, tc: TaskContext) => R,
    partitions?: readonly number[],
    output?: ActionOutput,
  ): Promise<R[]> {
    this.checkRunning();
    const run = () => this.scheduler.runJob(rdd, description, func, partitions, output);
    const results = await (this.lineage ? inJobScope(rdd as RDD<unknown>, description, run) : run());
    if (!this.scheduler.active) await this.writeCheckpoints(rdd as RDD<unknown>);
    return results;
  }

  /** After a job: checkpoints marked in its lineage are written by jobs of their own; `lastJob` stays the action's. */
  private async writeCheckpoints(rdd: RDD<unknown>): Promise<void> {
    const action = this.last;
    try {
      await writeMarkedCheckpoints(this, rdd);
    } finally {
      this.last = action;
    }
  }

  /** @internal Settles runtime decisions in the lineage (join strategies, sort bounds) before reading partition counts. */
  prepareJob(rdd: RDD<unknown>): Promise<void> {
    if (this.lineage) return preparingJob(() => this.scheduler.prepare(rdd)); // its jobs are the engine's, not actions
    return this.scheduler.prepare(rdd);
  }

  /**
   * @internal Where a broadcast join's streamed stage will run, for its cost model (join-rdd.ts broadcastPays):
   * in workers (ship.ts ships it) each thread running it builds its own copy of the table, so the copies are
   * the threads that would run it (WorkerRunner.decide with its dispatch rule: with "auto", if the probe task
   * pays); in process, one.
   */
  joinExecutor(stream: RDD<unknown>): JoinExecutor {
    const runner = this.workers;
    if (typeof runner === "string") return { kind: "in-process", copies: 1 };
    const run = runner.streamCopies(stream);
    if (typeof run === "string") return { kind: "in-process", copies: 1, reason: `in process (the streamed stage stays there: ${run})` };
    const probe = runner.settings.dispatch === "auto" ? " if its probe task pays" : "";
    return { kind: "workers", copies: run.copies, input: run.input, reason: `for ${run.copies} workers (the streamed stage ships${probe}: a table per worker)` };
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

  /** @internal A file reader's task read `bytes` (and opened `files` files). */
  recordSourceRead(bytes: number, files: number): void {
    const m = this.scheduler.active?.metrics ?? this.total;
    m.bytesRead += bytes;
    m.filesRead += files;
  }

  /** @internal Files a reader's partition filter pruned, once per job and reader. */
  recordSourceSkipped(rddId: number, files: number, bytes: number): void {
    const job = this.scheduler.active;
    if (!job) return;
    const seen = sourcesRecorded.get(job) ?? new Set<number>();
    sourcesRecorded.set(job, seen);
    if (seen.has(rddId)) return;
    seen.add(rddId);
    job.metrics.filesSkipped += files;
    job.metrics.bytesSkipped += bytes;
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
