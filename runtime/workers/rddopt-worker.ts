/**
 * The worker-thread entry (piscina calls `runTask`). It rebuilds the task's chain with the same public RDD
 * methods a program calls (so map, filter, the shuffle writer, ... run the very code they run in process),
 * computes the one partition, and replies with plain data and transferable buffers.
 */
import { Piscina } from "piscina";
import "../index.js"; // registers every RDD kind
import { Context } from "../context.js";
import { cloneZero, foldPartition, guard, reducePartition, type RDD } from "../rdd/rdd.js";
import { RangeRDD } from "../rdd/sources.js";
import { readSplitLines } from "../io/line-source.js";
import { ShuffleDependency, type Aggregator } from "../rdd/dependency.js";
import { HashPartitioner } from "../shuffle/partitioner.js";
import { writeShuffle } from "../shuffle/exchange.js";
import { AdaptiveCodec, MsgpackCodec, V8Codec, type Codec } from "../shuffle/codec.js";
import { emptyTaskMetrics, type TaskContext } from "../scheduler/task.js";
import { rebuildFunction } from "../closure.js";
import type { CodecName, WireChain, WireCombine, WireOp, WireOutput, WorkerReply, WorkerTask } from "./protocol.js";
import { JoinSidesRDD, probeOver, type BuiltSide } from "./join-worker.js";
import { transferablesOf } from "./transfer.js";

type AnyFn = (...args: unknown[]) => unknown;

/** One in-process context per codec, for this worker's life: its shuffle store only ever holds the current task's output. */
const contexts = new Map<CodecName, Context>();

function contextFor(name: CodecName): Context {
  let ctx = contexts.get(name);
  if (!ctx) {
    const codec: Codec = name === "adaptive" ? new AdaptiveCodec() : name === "msgpack" ? new MsgpackCodec() : new V8Codec();
    ctx = new Context({ executor: "in-process", codec, progress: false, shuffleMemoryBytes: Number.MAX_SAFE_INTEGER, defaultParallelism: 1 });
    contexts.set(name, ctx);
  }
  return ctx;
}

export async function runTask(task: WorkerTask): Promise<unknown> {
  const ctx = contextFor(task.codec);
  const codec = ctx.codec;
  const fns: AnyFn[] = [];
  for (const f of task.fns) fns.push((await rebuildFunction(f, codec.decode(f.values)[0] as Record<string, unknown>)) as AnyFn);
  const built: Built = { shuffles: [] };
  let reply: WorkerReply;
  try {
    const { rdd, split } = buildChain(ctx, { source: task.source, ops: task.ops }, fns, built);
    const metrics = emptyTaskMetrics();
    const tc: TaskContext = { ctx, jobId: 0, stageId: 0, partition: split, metrics };
    reply = compute(rdd, split, tc, task.output, fns, codec);
    if (built.sourceRead) reply.source = built.sourceRead;
  } finally {
    for (const s of built.shuffles) ctx.shuffleStore.removeShuffle(s.shuffleId, s.maps);
  }
  // Piscina moves the listed buffers with the reply instead of copying them.
  const movable = {
    [Piscina.transferableSymbol]: transferablesOf([reply.bytes, ...(reply.blocks ?? [])]),
    [Piscina.valueSymbol]: reply,
  };
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]);
}

/** What building a task's chains left behind: shuffles put in this worker's store (removed after the task), a text source's read. */
interface Built {
  shuffles: { shuffleId: number; maps: number }[];
  sourceRead?: WorkerReply["source"];
}

/** The chain's RDD and the partition of it this task computes. */
function buildChain(ctx: Context, chain: WireChain, fns: AnyFn[], built: Built): BuiltSide {
  const codec = ctx.codec;
  const source = chain.source;
  let rdd: RDD<unknown>;
  let split = 0;
  let shuffle: ShuffleDependency | undefined;
  switch (source.kind) {
    case "rows":
      rdd = ctx.parallelize(codec.decode(source.bytes), 1);
      break;
    case "text": {
      const lines: string[] = [];
      const bytes = readSplitLines(source.split, (line) => lines.push(line)); // the same reader as ctx.textFile's, on this thread
      const read = built.sourceRead ?? { bytes: 0, files: 0 };
      built.sourceRead = { bytes: read.bytes + bytes, files: read.files + (source.split.firstOfFile ? 1 : 0) };
      rdd = ctx.parallelize(lines, 1);
      break;
    }
    case "range":
      rdd = new RangeRDD(ctx, source.start, source.end, source.step, source.slices) as RDD<unknown>;
      split = source.split;
      break;
    case "shuffle": {
      // The same by-key RDD over an empty stand-in parent with as many partitions as map outputs; the blocks the
      // main thread fetched go into this worker's store under the new shuffle's id, so it reads and combines them.
      split = source.split;
      const parent = ctx.parallelize<[unknown, unknown]>([], source.maps) as RDD<unknown>;
      rdd = shuffledFrom(parent, source.combine, fns, codec, new HashPartitioner(source.numPartitions));
      const dep = rdd.dependencies()[0] as ShuffleDependency;
      for (let m = 0; m < source.maps; m++) {
        const block = source.blocks[m];
        ctx.shuffleStore.putMapOutput(dep.shuffleId, m, Array.from({ length: source.numPartitions }, (_, r) => (r === split && block ? block : new Uint8Array(0))));
      }
      built.shuffles.push({ shuffleId: dep.shuffleId, maps: source.maps });
      if (source.combine.op === "partitionBy") shuffle = dep;
      break;
    }
    case "join":
      // Both sides of one reduce split, joined as in process: the join's own partition is 0.
      rdd = new JoinSidesRDD(source.type, buildChain(ctx, source.left, fns, built), buildChain(ctx, source.right, fns, built)) as RDD<unknown>;
      break;
  }
  for (const op of chain.ops) rdd = apply(rdd, op, fns, codec);
  return { rdd, split, ...(shuffle && chain.ops.length === 0 ? { shuffle } : {}) };
}

function apply(rdd: RDD<unknown>, op: WireOp, fns: AnyFn[], codec: Codec): RDD<unknown> {
  const pairs = rdd as RDD<[unknown, unknown]>;
  switch (op.op) {
    case "probe":
      return probeOver(rdd, op, codec);
    case "map":
      return rdd.map(fns[op.fn]!);
    case "filter":
      return rdd.filter(fns[op.fn]! as (row: unknown) => boolean);
    case "flatMap":
      return rdd.flatMap(fns[op.fn]! as (row: unknown) => Iterable<unknown>);
    case "keyBy":
      return rdd.keyBy(fns[op.fn]!) as RDD<unknown>;
    case "mapValues":
      return pairs.mapValues(fns[op.fn]!) as RDD<unknown>;
    case "flatMapValues":
      return pairs.flatMapValues(fns[op.fn]! as (v: unknown) => Iterable<unknown>) as RDD<unknown>;
    case "keys":
      return pairs.keys();
    case "values":
      return pairs.values();
    case "projectValues":
      return pairs.projectValues(op.projection) as RDD<unknown>;
  }
}

/** The partition's result, computed as the action's task does in process (see RDD.count, collect, reduce, fold, aggregate). */
function compute(rdd: RDD<unknown>, split: number, tc: TaskContext, output: WireOutput, fns: AnyFn[], codec: Codec): WorkerReply {
  const metrics = tc.metrics;
  switch (output.kind) {
    case "count": {
      let n = 0;
      rdd.iterator(split, tc, () => n++);
      return { count: n, metrics };
    }
    case "collect": {
      const rows: unknown[] = [];
      rdd.iterator(split, tc, (row) => rows.push(row));
      return { bytes: codec.encode(rows), metrics };
    }
    case "reduce": {
      const acc = reducePartition(rdd, split, tc, guard("reduce", fns[output.fn]! as (a: unknown, b: unknown) => unknown));
      return acc ? { bytes: codec.encode([acc.v]), metrics } : { metrics };
    }
    case "fold":
    case "aggregate": {
      const g = guard(output.kind, fns[output.fn]! as (a: unknown, b: unknown) => unknown);
      const acc = foldPartition(rdd, split, tc, cloneZero(codec.decode(output.zero)[0]), g);
      return { bytes: codec.encode([acc]), metrics };
    }
    case "shuffle": {
      const partitioner = new HashPartitioner(output.numPartitions);
      // The combiner comes from the same public call, made on an unpartitioned stand-in: on `rdd` itself it would
      // build no shuffle (and so no combiner) when `rdd` is already partitioned this way in the worker.
      const standIn = tc.ctx.parallelize<[unknown, unknown]>([], 1) as RDD<unknown>;
      const aggregator = output.recipe ? aggregatorOf(shuffledFrom(standIn, output.recipe, fns, codec, partitioner)) : undefined;
      const dep = new ShuffleDependency(rdd as RDD<readonly [unknown, unknown]>, partitioner, codec, aggregator, output.mapSideCombine);
      const store = tc.ctx.shuffleStore;
      try {
        writeShuffle(dep, split, tc);
        const blocks: Uint8Array[] = [];
        for (let r = 0; r < output.numPartitions; r++) blocks.push(store.getBlock(dep.shuffleId, split, r) ?? new Uint8Array(0));
        return { blocks, metrics };
      } finally {
        store.removeShuffle(dep.shuffleId, split + 1);
      }
    }
  }
}

/** The by-key RDD the public method builds over `rdd` from the user's functions: the same as the main thread's. */
function shuffledFrom(rdd: RDD<unknown>, combine: WireCombine, fns: AnyFn[], codec: Codec, partitioner: HashPartitioner): RDD<unknown> {
  const pairs = rdd as RDD<[unknown, unknown]>;
  const f = combine.fns.map((i) => fns[i]! as (a: unknown, b: unknown) => unknown);
  const zero = combine.zero ? codec.decode(combine.zero)[0] : undefined;
  switch (combine.op) {
    case "reduceByKey":
      return pairs.reduceByKey(f[0]!, partitioner) as RDD<unknown>;
    case "foldByKey":
      return pairs.foldByKey(zero, f[0]!, partitioner) as RDD<unknown>;
    case "aggregateByKey":
      return pairs.aggregateByKey(zero, f[0]!, f[1]!, partitioner) as RDD<unknown>;
    case "combineByKey":
      return pairs.combineByKey(f[0]! as (v: unknown) => unknown, f[1]!, f[2]!, partitioner, combine.mapSideCombine ?? true) as RDD<unknown>;
    case "groupByKey":
      return pairs.groupByKey(partitioner) as RDD<unknown>;
    case "partitionBy":
      return pairs.partitionBy(partitioner) as RDD<unknown>;
  }
}

/** The combiner of a by-key RDD's shuffle. */
function aggregatorOf(shuffled: RDD<unknown>): Aggregator<unknown, unknown> {
  const dep = shuffled.dependencies()[0];
  if (dep?.kind !== "shuffle" || !dep.aggregator) throw new Error(`${shuffled.opName} built no shuffle with a combiner in the worker`);
  return dep.aggregator;
}
