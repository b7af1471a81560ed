/**
 * The worker-thread executor: one piscina pool per process, shared by every Context, started lazily, and
 * never keeping the process alive (no threads until a stage is shipped; idle threads are unref'd and end).
 *
 * A stage runs in workers only when ship.ts can describe it, its input is large enough to pay for the trip
 * (`workerMinRows`), and the worker entry file exists; otherwise in process, with the reason in
 * `JobMetrics.placements`. A task that fails in a worker is run again in process (only effect-free functions
 * are ever shipped, so the retry is safe); only a failure there fails the job, as it would without workers.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { RDD } from "../rdd/rdd.js";
import type { Context } from "../context.js";
import { InProcessExecutor, runTaskTimed, type Task, type TaskContext, type TaskHooks } from "../scheduler/task.js";
import { encodeCostMs, shipStage, type ShippableStage, type StageOutput } from "./ship.js";
import type { WorkerReply } from "./protocol.js";
import { InvalidArgumentError } from "../errors.js";
import { transferablesOf } from "./transfer.js";

/** Where a stage ran and why (JobMetrics.placements). */
export interface StagePlacement {
  stageId: number;
  /** The stage's name as listeners see it. */
  name: string;
  where: "workers" | "in-process";
  reason: string;
  /** Tasks that failed in a worker and were run again in process (workers only). */
  retriedInProcess?: number;
}

export interface WorkerSettings {
  threads: number;
  minRows: number;
  /** Input bytes (shuffle blocks read, text file ranges) from which a stage is considered for workers. */
  minBytes: number;
  /** "auto": a probe task in process decides (see `probe`); "always": every shippable stage of 2+ tasks goes to workers. */
  dispatch: "auto" | "always";
}

/** The default input size (rows) from which a stage is considered for workers at all. */
export const DEFAULT_WORKER_MIN_ROWS = 50_000;
/** The same for a stage reading a shuffle: encoded bytes. */
export const DEFAULT_WORKER_MIN_BYTES = 2 * 2 ** 20;

/** A probe task must take this long in process for shipping to be worth a message per task. */
const PROBE_MIN_MS = 2;
/**
 * Wall time for a new thread to load the runtime before its first task. Measured with two threads at once
 * (bench note in docs/workers.md): about 100 ms of CPU each; wall 100-150 ms on idle cores.
 */
const THREAD_START_MS = 150;
/** A first probe task this long is a fair estimate on its own (compiling the stage's code is a small part of it). */
const ONE_PROBE_MS = 50;
/** Workers must be estimated this much faster than in process (a margin for the estimate's noise). */
const REQUIRED_GAIN = 0.75;

const ENTRY = "rddopt-worker.js";

/** The file of this module, from a stack frame (works in the ESM and the CJS build, and from TS source under vitest). */
function thisModuleFile(): string | undefined {
  const stack = new Error().stack ?? "";
  for (const line of stack.split("\n").slice(1)) {
    const m = /((?:file:\/\/)?(?:\/|[A-Za-z]:[\\/])[^\s()]*?):\d+:\d+\)?\s*$/.exec(line);
    if (!m) continue;
    return m[1]!.startsWith("file:") ? fileURLToPath(m[1]!) : m[1]!;
  }
  return undefined;
}

let entry: { file: string } | { reason: string } | undefined;

/** The worker entry: next to this module in dist (ESM or CJS); the built dist/ one when running from TS source. */
export function workerEntry(): { file: string } | { reason: string } {
  if (entry) return entry;
  const here = thisModuleFile();
  if (!here) return (entry = { reason: "the runtime cannot tell where its files are (no file name in its stack)" });
  const dir = path.dirname(here);
  const file = here.endsWith(".ts") ? path.join(dir, "..", "..", "dist", "runtime", "workers", ENTRY) : path.join(dir, ENTRY);
  if (!fs.existsSync(file) || !fs.existsSync(path.join(path.dirname(file), "protocol.js"))) {
    const why = here.endsWith(".ts")
      ? `the runtime runs from TypeScript source and ${file} is not built (run npm run build)`
      : `${file} does not exist (is the runtime bundled into one file?)`;
    return (entry = { reason: why });
  }
  return (entry = { file });
}

let pool: Piscina | undefined;

/** The process's one pool; created on first use with the largest count asked for by then (at least the cores). */
function sharedPool(file: string, threads: number): Piscina {
  pool ??= new Piscina({
    filename: file,
    name: "runTask",
    minThreads: 0,
    maxThreads: Math.max(threads, os.availableParallelism()),
    idleTimeout: 10_000, // idle threads are unref'd (the process can exit) and end after this
    // A young generation of 64 MiB semi-spaces: a task holds its partition's rows (and a reduce task its combiners)
    // until it ends, so they survive scavenges and are copied; fewer, larger scavenges copy them less often.
    // reduceByKey over 2M rows into 1M keys on 2 workers: wall -12%, CPU -12% (docs/performance.md).
    resourceLimits: { maxYoungGenerationSizeMb: 192 },
  });
  return pool;
}

/** Decides where each stage runs and runs shipped stages on the pool. */
export class WorkerRunner {
  constructor(
    private readonly ctx: Context,
    readonly settings: WorkerSettings,
  ) {}

  /** Where the stage computing `rdd` into `output` runs; the shippable stage when in workers. */
  decide(rdd: RDD<unknown>, output: StageOutput | undefined, tasks: number): { where: "workers"; reason: string; stage: ShippableStage } | { where: "in-process"; reason: string } {
    if (!output) return { where: "in-process", reason: "the action runs in process (workers take count, collect, reduce, fold, aggregate and shuffle map stages)" };
    const shipping = shipStage(rdd, output, this.ctx.codec);
    if (!shipping.ok) return { where: "in-process", reason: shipping.reason };
    const { inputRows: rows, inputBytes: bytes, aliasing } = shipping.stage;
    if (aliasing && "action" in output && output.action.kind === "collect") {
      return { where: "in-process", reason: `collect could return objects the program holds (${aliasing}): the same objects in process, copies from a worker` };
    }
    if (rows < this.settings.minRows && bytes < this.settings.minBytes) {
      return { where: "in-process", reason: `input of ${rows} rows and ${bytes} bytes (shuffle or text) is under workerMinRows ${this.settings.minRows} and ${this.settings.minBytes} bytes` };
    }
    if (tasks < 2) return { where: "in-process", reason: "one task: nothing to run in parallel" };
    if (this.settings.dispatch === "auto" && tasks < 3) return { where: "in-process", reason: `${tasks} tasks: too few to probe one and run the rest in parallel` };
    const found = workerEntry();
    if ("reason" in found) return { where: "in-process", reason: found.reason };
    const input = bytes > 0 ? `${rows} input rows and ${bytes} input bytes` : `${rows} input rows`;
    const notes = shipping.stage.notes.length ? ` (${shipping.stage.notes.join("; ")})` : "";
    return { where: "workers", reason: `${tasks} tasks over ${input} on up to ${this.settings.threads} workers${notes}`, stage: shipping.stage };
  }

  /**
   * How many threads would run the stage streaming `stream` (a broadcast join's other side) if it ships, or
   * why it would stay in process: decide's rule, then the lanes run() would use (with "auto", after the probe tasks).
   */
  streamCopies(stream: RDD<unknown>): { copies: number; input: { rows: number; bytes: number } } | string {
    const tasks = stream.numPartitions;
    const decision = this.decide(stream, { action: { kind: "count" } }, tasks);
    if (decision.where === "in-process") return decision.reason;
    let remote = 0;
    for (let p = 0; p < tasks; p++) if (decision.stage.inProcess(p) === undefined) remote++;
    if (this.settings.dispatch === "auto") {
      if (remote < 2) return `${remote} tasks to ship: too few to probe one and run the rest in parallel`;
      remote -= remote >= 4 ? 2 : 1;
    }
    if (remote === 0) return "every task's rows are already in memory";
    return { copies: Math.min(this.settings.threads, remote), input: { rows: decision.stage.inputRows, bytes: decision.stage.inputBytes } };
  }

  /** Runs the tasks on the pool, at most `threads` at a time; a task failing there runs again in process. */
  async run<R>(
    stage: ShippableStage,
    output: StageOutput,
    tasks: readonly Task<R>[],
    makeContext: (task: Task<R>) => TaskContext,
    hooks: TaskHooks<R>,
    placement: StagePlacement,
  ): Promise<R[]> {
    const found = workerEntry();
    if ("reason" in found) throw new Error(found.reason);
    const piscina = sharedPool(found.file, this.settings.threads);
    const results = new Map<Task<R>, R>();
    const local = tasks.filter((t) => stage.inProcess(t.partition) !== undefined);
    let remote = tasks.filter((t) => stage.inProcess(t.partition) === undefined);
    const localNote = local.length > 0 ? `; ${local.length} tasks in process (${stage.inProcess(local[0]!.partition)!}${local.length > 1 ? ", ..." : ""})` : "";
    placement.reason += localNote;
    if (this.settings.dispatch === "auto") {
      if (remote.length < 2) {
        placement.where = "in-process";
        placement.reason = `${remote.length} tasks to ship: too few to probe one and run the rest in parallel`;
        return new InProcessExecutor().runTasks(tasks, makeContext, hooks);
      }
      const probes = remote.length >= 4 ? 2 : 1;
      const lanes = Math.min(this.settings.threads, remote.length - probes);
      const probed = this.probe(stage, output, remote, probes, makeContext, hooks, lanes, lanes - Math.min(lanes, piscina.threads.length));
      probed.results.forEach((r, i) => results.set(remote[i]!, r));
      placement.reason = probed.reason + localNote;
      if (!probed.ship) {
        placement.where = "in-process";
        const rest = tasks.filter((t) => !results.has(t));
        const restResults = await new InProcessExecutor().runTasks(rest, makeContext, hooks);
        rest.forEach((t, i) => results.set(t, restResults[i]!));
        return tasks.map((t) => results.get(t)!);
      }
      remote = remote.slice(probed.results.length);
    }
    let failure: { error: unknown } | undefined;
    let next = 0;
    const lane = async () => {
      while (!failure && next < remote.length) {
        const task = remote[next++]!;
        hooks.onStart(task);
        const start = performance.now();
        try {
          results.set(task, await this.runOne(piscina, stage, output, task, makeContext, placement));
          hooks.onEnd(task, performance.now() - start);
        } catch (e) {
          hooks.onEnd(task, performance.now() - start, e);
          failure ??= { error: e };
        }
      }
    };
    const lanes: Promise<void>[] = [];
    for (let l = 0; l < Math.min(this.settings.threads, remote.length); l++) lanes.push(lane()); // each posts its first task now
    // Tasks that must run here, while the workers compute theirs.
    const localRun = new InProcessExecutor().runTasks(local, makeContext, hooks).then(
      (out) => local.forEach((t, i) => results.set(t, out[i]!)),
      (e: unknown) => {
        failure ??= { error: e };
      },
    );
    await Promise.all([...lanes, localRun]); // none rejects; wait for all so no task outlives a failed stage
    if (failure) throw failure.error;
    return tasks.map((t) => results.get(t)!);
  }

  /**
   * Runs the first task (or two: the first run of a stage's code is slowed by compiling it, so the faster of
   * two is the better estimate) in process, timed, and estimates what shipping one costs the main thread (encoding
   * its input; for collect, decoding rows like task 0's, about what encoding them costs). The rest go to
   * workers when that is estimated clearly faster (REQUIRED_GAIN) than running them here, counting the
   * threads still to start: the main thread encodes every task's input one after another, the workers
   * decode and compute in parallel. A cheap function over a parallelized collection stays in process.
   */
  private probe<R>(
    stage: ShippableStage,
    output: StageOutput,
    tasks: readonly Task<R>[],
    probes: number,
    makeContext: (task: Task<R>) => TaskContext,
    hooks: TaskHooks<R>,
    lanes: number,
    threadsToStart: number,
  ): { results: R[]; ship: boolean; reason: string } {
    const results: R[] = [];
    let taskMs = Infinity;
    for (const task of tasks.slice(0, probes)) {
      const { result, ms: took } = runTaskTimed(task, makeContext, hooks);
      results.push(result);
      taskMs = Math.min(taskMs, took);
      if (took >= ONE_PROBE_MS) break; // long enough that compiling the code does not distort it: start shipping
    }
    probes = results.length;
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const probedText = probes > 1 ? `the faster of the first ${probes} tasks` : "task 0";
    if (taskMs < PROBE_MIN_MS) {
      return { results, ship: false, reason: `probe: ${probedText} took ${ms(taskMs)} in process, under ${PROBE_MIN_MS} ms: too little work to ship` };
    }
    const rest = tasks.length - probes;
    const here = taskMs * rest;
    // Threads still to start load the runtime; each worker builds the stage's broadcast tables once.
    const startMs = (threadsToStart > 0 ? THREAD_START_MS : 0) + stage.setupMs;
    // Shipping cannot pay even with free messages: decided without encoding a sample to price them (which
    // costs the main thread about as much as a small task)
    const onWorkers = (there: string) =>
      `${there} on ${lanes} workers${threadsToStart > 0 ? ` (${threadsToStart} to start)` : ""}` +
      (stage.setupMs > 0 ? ` (each building its broadcast tables: ${ms(stage.setupMs)})` : "");
    const floor = startMs + (taskMs * rest) / lanes;
    if (floor > here * REQUIRED_GAIN) {
      const reason = `probe: ${probedText} took ${ms(taskMs)} in process; the other ${rest} tasks: about ${ms(here)} here, ${onWorkers(`at least ${ms(floor)}`)}: in process`;
      return { results, ship: false, reason };
    }
    let mainMs: number;
    try {
      // Encoding the next task's input, and (collect) decoding rows like the probe's, which costs about as much as encoding them.
      mainMs = stage.messageCostMs(tasks[probes]!.partition);
      if ("action" in output && output.action.kind === "collect") mainMs += encodeCostMs(this.ctx.codec, results[results.length - 1] as unknown[]);
    } catch (e) {
      return { results, ship: false, reason: `probe: the input or output of a task cannot be encoded for a worker (${e instanceof Error ? e.message : String(e)})` };
    }
    const there = startMs + Math.max(mainMs * rest, ((taskMs + mainMs) * rest) / lanes);
    const detail =
      `probe: ${probedText} took ${ms(taskMs)} in process, shipping one would cost the main thread about ${ms(mainMs)}; ` +
      `the other ${rest} tasks: about ${ms(here)} here, ${onWorkers(ms(there))}`;
    if (there > here * REQUIRED_GAIN) return { results, ship: false, reason: `${detail}: in process` };
    return { results, ship: true, reason: `${detail}: shipped` };
  }

  private async runOne<R>(
    piscina: Piscina,
    stage: ShippableStage,
    output: StageOutput,
    task: Task<R>,
    makeContext: (task: Task<R>) => TaskContext,
    placement: StagePlacement,
  ): Promise<R> {
    let reply: WorkerReply;
    let tc: TaskContext;
    try {
      const message = stage.message(task.partition);
      const transferList = message.source.kind === "rows" ? transferablesOf([message.source.bytes]) : [];
      reply = (await piscina.run(message, { transferList })) as WorkerReply;
      tc = makeContext(task);
    } catch (e) {
      if (process.env.RDDOPT_DEBUG_WORKERS) console.error("worker task failed:", e);
      // The safety net: the worker (or encoding its input) failed. Effect-free functions only ever reach a
      // worker, so running the task here gives what the plain build gives, including its error.
      placement.retriedInProcess = (placement.retriedInProcess ?? 0) + 1;
      return task.run(makeContext(task));
    }
    const result = this.apply(reply, output, task, tc);
    if (stage.aliasing && mayAlias(output, result)) {
      // A reduce/fold/aggregate partial that is an object may be one the program holds (an input row): in
      // process it is that very object, so this task's result is computed there instead of using the copy.
      placement.retriedInProcess = (placement.retriedInProcess ?? 0) + 1;
      return task.run(makeContext(task));
    }
    return result;
  }

  /** Turns a worker's reply into what the in-process task would have returned (and stored). */
  private apply<R>(reply: WorkerReply, output: StageOutput, task: Task<R>, tc: TaskContext): R {
    const m = tc.metrics;
    if (reply.source) this.ctx.recordSourceRead(reply.source.bytes, reply.source.files);
    m.shuffleBytesRead += reply.metrics.shuffleBytesRead;
    m.cacheHits += reply.metrics.cacheHits;
    m.broadcastBytes += reply.metrics.broadcastBytes;
    const codec = this.ctx.codec;
    if ("shuffle" in output) {
      m.shuffleBytesWritten += reply.metrics.shuffleBytesWritten;
      m.shuffleRecordsWritten += reply.metrics.shuffleRecordsWritten;
      m.spillBytes += this.ctx.shuffleStore.putMapOutput(output.shuffle.shuffleId, task.partition, reply.blocks ?? []);
      return undefined as R;
    }
    switch (output.action.kind) {
      case "count":
        return reply.count as R;
      case "collect":
        return codec.decode(reply.bytes!) as R;
      case "reduce":
        return (reply.bytes ? { v: codec.decode(reply.bytes)[0] } : undefined) as R;
      case "fold":
      case "aggregate":
        return codec.decode(reply.bytes!)[0] as R;
    }
  }
}

/** Whether an action's partial result (reduce: wrapped in {v}) is an object, which in process might be one the program holds. */
function mayAlias(output: StageOutput, result: unknown): boolean {
  if (!("action" in output)) return false;
  const kind = output.action.kind;
  if (kind !== "reduce" && kind !== "fold" && kind !== "aggregate") return false;
  const partial = kind === "reduce" ? (result as { v: unknown } | undefined)?.v : result;
  return (typeof partial === "object" && partial !== null) || typeof partial === "function";
}

/** The settings a Context's options ask for, or why its stages all run in process. */
export function workerSettingsOf(options: {
  workers?: number;
  executor?: unknown;
  workerMinRows?: number;
  workerDispatch?: "auto" | "always";
}): WorkerSettings | { off: string } {
  if (options.executor === "in-process") return { off: 'executor: "in-process"' };
  if (options.executor !== undefined) return { off: "a custom executor runs every task" };
  const cores = os.availableParallelism();
  const workers = options.workers !== undefined ? workerCount(options.workers, "workers", "Pass 0") : workersFromEnv();
  if (workers === 0) return { off: options.workers === 0 ? "workers: 0" : "RDDOPT_WORKERS=0" };
  if (workers === undefined && cores <= 1) return { off: "one core available" };
  const threads = workers ?? cores;
  const dispatch = (options.workerDispatch !== undefined ? dispatchMode(options.workerDispatch, "workerDispatch") : dispatchFromEnv()) ?? "auto";
  const always = dispatch === "always";
  return {
    threads,
    minRows: options.workerMinRows ?? (always ? 0 : DEFAULT_WORKER_MIN_ROWS),
    minBytes: always && options.workerMinRows === undefined ? 0 : DEFAULT_WORKER_MIN_BYTES,
    dispatch,
  };
}

/** A worker count from the option or the environment (one rule, one message for both). */
function workerCount(value: unknown, name: string, fix: string, text = false): number {
  const n = text && typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`${name} must be a whole number >= 0, got ${JSON.stringify(value) ?? String(value)}. ${fix} to run every task in process.`);
  }
  return n;
}

/** A dispatch mode from the option or the environment. */
function dispatchMode(value: unknown, name: string): "auto" | "always" {
  if (value !== "auto" && value !== "always") throw new InvalidArgumentError(`${name} must be "auto" or "always", got ${JSON.stringify(value) ?? String(value)}.`);
  return value;
}

/** RDDOPT_WORKERS: the worker count for Contexts that do not set `workers` (0 runs every task in process). */
function workersFromEnv(): number | undefined {
  const text = process.env.RDDOPT_WORKERS;
  return text === undefined || text === "" ? undefined : workerCount(text, "RDDOPT_WORKERS", "Unset it, or set 0", true);
}

/** RDDOPT_WORKER_DISPATCH: "auto" or "always", for Contexts that do not set `workerDispatch` (tests, fuzzing). */
function dispatchFromEnv(): "auto" | "always" | undefined {
  const text = process.env.RDDOPT_WORKER_DISPATCH;
  return text === undefined || text === "" ? undefined : dispatchMode(text, "RDDOPT_WORKER_DISPATCH");
}
