/**
 * Whether a stage can run in worker threads, and each of its tasks as a message (protocol.ts).
 *
 * Each RDD kind describes itself for shipping in ONE place, the `describers` table below: the kinds that
 * can be rebuilt in a worker (sources: parallelize, range, textFile, a by-key shuffle's output; narrow: map,
 * filter, flatMap, mapValues, flatMapValues, keyBy, keys, values, projectValues, union; and a decided join:
 * a shuffle or co-partitioned join's reduce side (both sides' shuffle blocks, or a side read in place
 * described by its own chain; the worker runs the same joinPartition), and a broadcast join's streamed side
 * (its chain, then the same probe; the build side's encoded blocks travel in one SharedArrayBuffer that
 * every task's message shares, and each worker builds the table once and caches it by id).
 * Any other kind in the stage, a persisted RDD,
 * or a user function that closure.ts cannot prove shippable keeps the whole stage in process, with the
 * reason. So does an output other than count, collect, reduce, fold, aggregate or a hash shuffle's map side.
 */
import type { RDD } from "../rdd/rdd.js";
import { kinds } from "../rdd/registry.js";
import { PrematerializedRDD, type ProjectedRDD, type PipelinedRDD, type UnionRDD } from "../rdd/narrow.js";
import { RangeRDD, type ParallelCollectionRDD } from "../rdd/sources.js";
import { FileSourceRDD } from "../io/source.js";
import type { ShuffleDependency } from "../rdd/dependency.js";
import { HashPartitioner } from "../shuffle/partitioner.js";
import { AdaptiveCodec, MsgpackCodec, V8Codec, type Codec } from "../shuffle/codec.js";
import { StorageLevel } from "../storage/level.js";
import type { ActionOutput } from "../scheduler/task.js";
import { shipFunction } from "../closure.js";
import type { ShuffledRDD } from "../rdd/shuffled.js";
import type { KeyedInput } from "../rdd/shuffled.js";
import type { JoinRDD } from "../join/join-rdd.js";
import type { CodecName, WireChain, WireCombine, WireFunction, WireOp, WireOutput, WireSource, WorkerTask } from "./protocol.js";

/** One task's chain: its source (built when the task is sent, so only slices in flight are encoded) and operations. */
interface TaskChain {
  source: () => WireSource;
  ops: WireOp[];
  /** Why this task runs in process although its stage is shipped (its partition's rows are already in memory). */
  inProcess?: string;
  /** Estimated main-thread milliseconds to build the source (encoding a parallelized slice); absent: next to nothing. */
  sourceCostMs?: () => number;
}

/** Rows encoded to estimate a batch's encoding time: enough to time, few enough to cost little. */
const COST_SAMPLE_ROWS = 2000;

/**
 * Estimated milliseconds for `codec` to encode `total` rows like the first of `rows`: a sample encoded once to
 * warm the codec up, then timed, and scaled (throws as encode would).
 */
export function encodeCostMs(codec: Codec, rows: readonly unknown[], total = rows.length): number {
  if (rows.length === 0 || total === 0) return 0;
  const sample = rows.length <= COST_SAMPLE_ROWS ? rows : rows.slice(0, COST_SAMPLE_ROWS);
  codec.encode(sample);
  const start = performance.now();
  codec.encode(sample);
  return ((performance.now() - start) * total) / sample.length;
}

type ChainOf = (split: number) => TaskChain;

/** A stage that can run in workers: how big its input is, and each task's message. */
export interface ShippableStage {
  /** Rows the stage's sources produce (parallelize lengths, range lengths): what the dispatch threshold compares. */
  inputRows: number;
  /** Encoded shuffle bytes and text bytes the stage reads. */
  inputBytes: number;
  /**
   * Why a row or partial result of this stage may be an object the program already holds (a parallelized
   * array's object rows, a captured object): in process the action returns those very objects, from a worker
   * copies. Undefined when every object a task returns is new.
   */
  aliasing: string | undefined;
  /** Task `split`'s message; throws when the task's input cannot be encoded (that task then runs in process). */
  message(split: number): WorkerTask;
  /** Why task `split` runs in process anyway (undefined: it can be shipped). */
  inProcess(split: number): string | undefined;
  /** Estimated main-thread milliseconds to build task `split`'s message (throws when its input cannot be encoded). */
  messageCostMs(split: number): number;
  /** Estimated milliseconds each worker spends once before its first task of the stage (building broadcast tables). */
  setupMs: number;
  /** What the placement's reason should say about the stage (a join run in the workers). */
  notes: string[];
}

export type StageShipping = { ok: true; stage: ShippableStage } | { ok: false; reason: string };

/** What a stage ends in: an action's result, or the map side of a shuffle. */
export type StageOutput = { action: ActionOutput } | { shuffle: ShuffleDependency };

/** The built-in codec's name, or undefined for a custom codec (which a worker cannot construct). */
export function codecName(codec: Codec): CodecName | undefined {
  const proto: unknown = Object.getPrototypeOf(codec);
  if (proto === AdaptiveCodec.prototype) return "adaptive";
  if (proto === MsgpackCodec.prototype) return "msgpack";
  if (proto === V8Codec.prototype) return "v8";
  return undefined;
}

class StageBuilder {
  readonly fns: WireFunction[] = [];
  private readonly fnIndex = new Map<Function, number>();
  inputRows = 0;
  inputBytes = 0;
  aliasing: string | undefined;
  setupMs = 0;
  readonly notes: string[] = [];

  constructor(readonly codec: Codec) {}

  /** The combine of a shuffle (map side or reduce side) as the public call that built it, or why it cannot be rebuilt. */
  combineOf(dep: ShuffleDependency, opName: string): WireCombine | string {
    const agg = dep.aggregator;
    if (!agg) return opName === "partitionBy" ? { op: "partitionBy", fns: [] } : `${opName} cannot be rebuilt in a worker`;
    if (!agg.recipe) {
      if (opName === "groupByKey" && !dep.mapSideCombine) return { op: "groupByKey", fns: [] };
      return `the combiner of ${opName} is built in (distinct, ...) and runs in process`;
    }
    const recipe = agg.recipe;
    const fns: number[] = [];
    for (const f of recipe.fns) {
      const fn = this.addFunction(f, recipe.op);
      if (typeof fn === "string") return fn;
      fns.push(fn);
    }
    // combineByKey may be asked for no map-side combine: the rebuilt shuffle must say so, or its reduce side
    // would merge raw values as combiners
    const flag = recipe.op === "combineByKey" ? { mapSideCombine: dep.mapSideCombine } : {};
    if (!recipe.zero) return { op: recipe.op, fns, ...flag };
    const zero = this.encodeZero(recipe.zero.value, recipe.op);
    return typeof zero === "string" ? zero : { op: recipe.op, fns, zero, ...flag };
  }

  /** The function's index in the task's table, or why it cannot be shipped. */
  addFunction(fn: Function, label: string): number | string {
    const known = this.fnIndex.get(fn);
    if (known !== undefined) return known;
    const shipped = shipFunction(fn);
    if (!shipped.ok) return `the function passed to ${label} runs in process: ${shipped.reason}`;
    let values: Uint8Array;
    try {
      values = this.codec.encode([shipped.fn.values]);
    } catch (e) {
      return `the values captured by the function passed to ${label} cannot be encoded: ${e instanceof Error ? e.message : String(e)}`;
    }
    const index = this.fns.push({ body: shipped.fn.body, imports: shipped.fn.imports, values }) - 1;
    this.fnIndex.set(fn, index);
    if (Object.values(shipped.fn.values).some(isObject)) this.aliasing ??= `the function passed to ${label} captures an object`;
    return index;
  }

  /** Encodes a zero value, or says why it cannot be. */
  encodeZero(zero: unknown, label: string): Uint8Array | string {
    try {
      return this.codec.encode([zero]);
    } catch (e) {
      return `the zero value of ${label} cannot be encoded: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  describe(rdd: RDD<unknown>): ChainOf | string {
    if (rdd.storageLevel !== StorageLevel.NONE) return `${rdd.opName} [${rdd.id}] is persisted (its blocks live in the main thread)`;
    const describer = describers().get(rdd.constructor);
    if (!describer) {
      return `${rdd.opName} [${rdd.id}] runs in process (workers take parallelize, range, textFile, a by-key shuffle's output, map, filter, flatMap, mapValues, flatMapValues, keyBy, keys, values, projectValues, union and joins)`;
    }
    return describer(rdd, this);
  }
}

type Describer = (rdd: RDD<unknown>, b: StageBuilder) => ChainOf | string;

const FUNCTION_OPS = new Set(["map", "filter", "flatMap", "keyBy", "mapValues", "flatMapValues"]);

let table: Map<Function, Describer> | undefined;

/** The one table of shippable RDD kinds, keyed by exact class (a subclass is not assumed to behave alike). */
function describers(): Map<Function, Describer> {
  if (table) return table;
  table = new Map<Function, Describer>([
    [
      kinds.ParallelCollectionRDD,
      (r, b) => {
        const rdd = r as ParallelCollectionRDD<unknown>;
        b.inputRows += rdd.data.length;
        if (rdd.data.some(isObject)) b.aliasing ??= `parallelize [${rdd.id}] holds object rows`;
        return (split) => ({
          source: () => {
            const [start, end] = rdd.bounds(split);
            return { kind: "rows", bytes: b.codec.encode(rdd.data.slice(start, end)) };
          },
          sourceCostMs: () => {
            const [start, end] = rdd.bounds(split);
            return encodeCostMs(b.codec, rdd.data.slice(start, Math.min(end, start + COST_SAMPLE_ROWS)), end - start);
          },
          ops: [],
        });
      },
    ],
    [
      RangeRDD,
      (r, b) => {
        const rdd = r as RangeRDD;
        b.inputRows += rdd.length;
        const { start, end, step } = rdd;
        const slices = rdd.numPartitions;
        return (split) => ({ source: () => ({ kind: "range", start, end, step, slices, split }), ops: [] });
      },
    ],
    [
      FileSourceRDD,
      (r, b) => {
        const rdd = r as FileSourceRDD<unknown>;
        // textFile only: the other readers' row builders (schemas, columns) are closures a worker cannot rebuild
        if (rdd.opName !== "textFile") return `${rdd.opName} [${rdd.id}] reads files in process (only textFile's splits are read by workers)`;
        if (rdd.splits.length === 0) return `${rdd.opName} [${rdd.id}] has no input file`;
        for (const { start, end } of rdd.splits) b.inputBytes += end - start;
        return (split) => ({ source: () => ({ kind: "text", split: rdd.splits[split]! }), ops: [] });
      },
    ],
    [
      kinds.ShuffledRDD,
      (r, b) => {
        const rdd = r as ShuffledRDD<unknown, unknown, unknown>;
        const dep = rdd.dependencies()[0];
        if (dep?.kind !== "shuffle") return `${rdd.opName} [${rdd.id}] has no shuffle to read`;
        const problem = shuffleProblem(dep, b.codec);
        if (problem) return `${rdd.opName} [${rdd.id}]: ${problem}`;
        const combine = b.combineOf(dep, rdd.opName);
        if (typeof combine === "string") return combine;
        return shuffleRead(dep, combine, b);
      },
    ],
    [kinds.JoinRDD, (r, b) => describeJoin(r as unknown as JoinRDD<unknown>, b)],
    [
      kinds.PipelinedRDD,
      (r, b) => {
        const rdd = r as PipelinedRDD<unknown, unknown>;
        let op: WireOp;
        if (FUNCTION_OPS.has(rdd.opName) && rdd.userFunction) {
          const fn = b.addFunction(rdd.userFunction, rdd.opName);
          if (typeof fn === "string") return fn;
          op = { op: rdd.opName as "map", fn };
        } else if (rdd.opName === "keys" || rdd.opName === "values") {
          op = { op: rdd.opName };
        } else {
          return `${rdd.opName} [${rdd.id}] runs in process`;
        }
        return after(b.describe(rdd.parent as RDD<unknown>), op);
      },
    ],
    [
      kinds.ProjectedRDD,
      (r, b) => {
        const rdd = r as ProjectedRDD<unknown, unknown, unknown>;
        return after(b.describe(rdd.parent as RDD<unknown>), { op: "projectValues", projection: rdd.projection });
      },
    ],
    [
      PrematerializedRDD,
      (r, b) => {
        // Partitions a join's size estimate already computed are in main-thread memory: those tasks hand them
        // out in process; the others compute from the parent, in workers.
        const rdd = r as PrematerializedRDD<unknown>;
        const parent = b.describe(rdd.parent as RDD<unknown>);
        if (typeof parent === "string") return parent;
        return (split) => (rdd.isReady(split) ? { ...parent(split), inProcess: `partition ${split} was computed by a join's size estimate` } : parent(split));
      },
    ],
    [
      kinds.UnionRDD,
      (r, b) => {
        const rdd = r as UnionRDD<unknown>;
        const inputs: { chain: ChainOf; partitions: number }[] = [];
        for (const input of rdd.inputs) {
          const chain = b.describe(input as RDD<unknown>);
          if (typeof chain === "string") return chain;
          inputs.push({ chain, partitions: input.numPartitions });
        }
        return (split) => {
          for (const input of inputs) {
            if (split < input.partitions) return input.chain(split);
            split -= input.partitions;
          }
          throw new Error(`union has no partition ${split}`);
        };
      },
    ],
  ]);
  return table;
}

/**
 * A decided join. Shuffle or co-partitioned: the task's source is both sides of its reduce split (a shuffled
 * side: its blocks from every map output; a side read in place: its own chain, or the reason the stage stays
 * in process). Broadcast: the streamed side's chain, then the probe against the shipped table.
 */
function describeJoin(rdd: JoinRDD<unknown>, b: StageBuilder): ChainOf | string {
  const plan = rdd.shipping();
  const name = `${rdd.opName} [${rdd.id}]`;
  if (!plan) return `${name} is decided when a job runs`;
  if (plan.kind === "broadcast") {
    const stream = b.describe(plan.stream as RDD<unknown>);
    if (typeof stream === "string") return `${name}, its streamed side: ${stream}`;
    if (!plan.table) return `${name}: its broadcast table was not kept for workers (its streamed stage was to run in process when the join was decided)`;
    const table = plan.table;
    b.setupMs += table.buildMs;
    b.notes.push(`${name} streamed through its broadcast table, built once per worker`);
    const op: WireOp = {
      op: "probe",
      table: { id: table.id, buffer: table.buffer, offsets: table.offsets, freshValues: table.freshValues },
      buildIsRight: plan.buildIsRight,
      keepStream: plan.keepStream,
      checkStream: plan.checkStream,
      ...(plan.checkProjection !== undefined ? { checkProjection: plan.checkProjection } : {}),
      ...(plan.projection !== undefined ? { projection: plan.projection } : {}),
    };
    return after(stream, op);
  }
  const left = describeSide(plan.left, "left", b);
  if (typeof left === "string") return `${name}, its left side: ${left}`;
  const right = describeSide(plan.right, "right", b);
  if (typeof right === "string") return `${name}, its right side: ${right}`;
  b.notes.push(`${name} (${plan.kind}) joined in the workers`);
  const type = plan.type;
  return (split) => {
    const l = left(split);
    const r = right(split);
    return {
      source: () => ({ kind: "join", type, left: wireChain(l), right: wireChain(r) }),
      sourceCostMs: () => (l.sourceCostMs?.() ?? 0) + (r.sourceCostMs?.() ?? 0),
      ops: [],
      ...(l.inProcess || r.inProcess ? { inProcess: l.inProcess ?? r.inProcess } : {}),
    };
  };
}

/** One side of a shuffle join: its shuffle read (no combine: rows in map output order), or its chain when read in place. */
function describeSide(input: KeyedInput, side: string, b: StageBuilder): ChainOf | string {
  const dep = input.dependency;
  if (dep.kind !== "shuffle") return b.describe(input.rdd as RDD<unknown>);
  const shuffle = dep as ShuffleDependency;
  const problem = shuffleProblem(shuffle, b.codec);
  if (problem) return `the ${side} shuffle: ${problem}`;
  return shuffleRead(shuffle, { op: "partitionBy", fns: [] }, b);
}

/** A task reading reduce split `split` of `dep` (its block from every map output, fetched here), combined by `combine`. */
function shuffleRead(dep: ShuffleDependency, combine: WireCombine, b: StageBuilder): ChainOf {
  const maps = dep.rdd.numPartitions;
  const store = dep.rdd.ctx.shuffleStore;
  b.inputBytes += store.shuffleBytes(dep.shuffleId, maps);
  const numPartitions = dep.partitioner.numPartitions;
  return (split) => ({
    source: () => {
      const blocks: (Uint8Array | undefined)[] = [];
      for (let m = 0; m < maps; m++) blocks.push(store.getBlock(dep.shuffleId, m, split));
      return { kind: "shuffle", maps, numPartitions, split, blocks, combine };
    },
    ops: [],
  });
}

function wireChain(chain: TaskChain): WireChain {
  return { source: chain.source(), ops: chain.ops };
}

/** The parent's chain followed by one more operation (partition p reads the parent's partition p). */
function after(parent: ChainOf | string, op: WireOp): ChainOf | string {
  if (typeof parent === "string") return parent;
  return (split) => {
    const chain = parent(split);
    return { ...chain, ops: [...chain.ops, op] };
  };
}

/** Describes the stage computing `rdd` into `output`, or says why it stays in process. */
export function shipStage(rdd: RDD<unknown>, output: StageOutput, codec: Codec): StageShipping {
  const name = codecName(codec);
  if (!name) return { ok: false, reason: `the context's codec ${codec.name} is not a built-in one (a worker cannot construct it)` };
  const b = new StageBuilder(codec);
  const wire = describeOutput(output, b);
  if (typeof wire === "string") return { ok: false, reason: wire };
  const chainOf = b.describe(rdd);
  if (typeof chainOf === "string") return { ok: false, reason: chainOf };
  const fns = b.fns;
  return {
    ok: true,
    stage: {
      inputRows: b.inputRows,
      inputBytes: b.inputBytes,
      aliasing: b.aliasing,
      message: (split) => {
        const chain = chainOf(split);
        return { codec: name, fns, source: chain.source(), ops: chain.ops, output: wire };
      },
      inProcess: (split) => chainOf(split).inProcess,
      messageCostMs: (split) => chainOf(split).sourceCostMs?.() ?? 0,
      setupMs: b.setupMs,
      notes: b.notes,
    },
  };
}

function describeOutput(output: StageOutput, b: StageBuilder): WireOutput | string {
  if ("action" in output) {
    const action = output.action;
    switch (action.kind) {
      case "count":
      case "collect":
        return { kind: action.kind };
      case "reduce": {
        const fn = b.addFunction(action.fn, "reduce");
        return typeof fn === "string" ? fn : { kind: "reduce", fn };
      }
      case "fold":
      case "aggregate": {
        const fn = b.addFunction(action.fn, action.kind);
        if (typeof fn === "string") return fn;
        const zero = b.encodeZero(action.zero.value, action.kind);
        return typeof zero === "string" ? zero : { kind: action.kind, fn, zero };
      }
    }
  }
  const dep = output.shuffle;
  const problem = shuffleProblem(dep, b.codec);
  if (problem) return `the shuffle: ${problem}`;
  const numPartitions = dep.partitioner.numPartitions;
  if (!(dep.aggregator !== undefined && dep.mapSideCombine)) return { kind: "shuffle", numPartitions, mapSideCombine: false };
  if (!dep.aggregator.recipe) return "the shuffle's map-side combiner is built in (distinct, ...) and runs in process";
  const recipe = b.combineOf(dep, dep.aggregator.recipe.op);
  return typeof recipe === "string" ? recipe : { kind: "shuffle", numPartitions, mapSideCombine: true, recipe };
}

const isObject = (v: unknown): boolean => (typeof v === "object" && v !== null) || typeof v === "function";

/** Why a worker cannot write or read this shuffle as the main thread would (undefined when it can). */
function shuffleProblem(dep: ShuffleDependency, codec: Codec): string | undefined {
  if (Object.getPrototypeOf(dep.partitioner) !== HashPartitioner.prototype) {
    return `its partitioner ${dep.partitioner.describe()} is not a HashPartitioner (a worker cannot rebuild it)`;
  }
  if (codecName(dep.codec) === undefined || dep.codec.name !== codec.name) return `its codec ${dep.codec.name} is not the context's built-in codec`;
  return undefined;
}
