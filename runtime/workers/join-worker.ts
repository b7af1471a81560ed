/**
 * A worker's side of a shipped join (ship.ts describeJoin): the same joinPartition and probe the main thread
 * runs (hash-join.ts, join-rdd.ts streamPartition), over the chains the worker rebuilt, and the broadcast tables
 * this worker has built, cached by id.
 */
import { RDD, isPair, notAPair, type Emit } from "../rdd/rdd.js";
import { NarrowDependency, type Dependency, type ShuffleDependency } from "../rdd/dependency.js";
import { readShufflePairs } from "../shuffle/exchange.js";
import { joinPartition, type HashTable, type JoinType, type Joined, type JoinedSink, type PairReader } from "../join/hash-join.js";
import { registerJoinedSource } from "../rdd/join-fusion.js";
import { streamPartition, tableFromBlocks, type StreamPlan } from "../join/join-rdd.js";
import { compileProjection } from "../rdd/projection.js";
import type { Codec } from "../shuffle/codec.js";
import type { TaskContext } from "../scheduler/task.js";
import type { WireOp, WireTable } from "./protocol.js";

/** A side of the join: an RDD the worker rebuilt, and which of its partitions is this task's. */
export interface BuiltSide {
  rdd: RDD<unknown>;
  split: number;
  /** A side that is a shuffle read and nothing more: read as KeyedInput reads it, pairs taken apart as decoded. */
  shuffle?: ShuffleDependency;
}

/** One partition (0): a shuffle or co-partitioned join of one reduce split, as JoinRDD.compute does it. */
export class JoinSidesRDD extends RDD<Joined> {
  readonly opName = "join";

  constructor(
    private readonly type: JoinType,
    private readonly left: BuiltSide,
    private readonly right: BuiltSide,
  ) {
    super(left.rdd.ctx);
  }

  get numPartitions(): number {
    return 1;
  }

  parents(): RDD<unknown>[] {
    return [this.left.rdd, this.right.rdd];
  }

  dependencies(): Dependency[] {
    return [new NarrowDependency(this.left.rdd), new NarrowDependency(this.right.rdd)];
  }

  compute(split: number, tc: TaskContext, emit: Emit<Joined>): void {
    this.computeJoined(split, tc, (key, left, right) => emit([key, [left, right]]));
  }

  /** The joined rows taken apart, for a consumer fused into the join (rdd/join-fusion.ts), as in process. */
  computeJoined(_split: number, tc: TaskContext, sink: JoinedSink): void {
    joinPartition(this.type, pairsOf(this.left, tc), pairsOf(this.right, tc), sink);
  }
}

/** A side's rows taken apart, failing on a row that is not a pair as KeyedInput.readPairs does. */
function pairsOf(side: BuiltSide, tc: TaskContext): PairReader {
  const dep = side.shuffle;
  if (dep) return (f) => readShufflePairs(dep, side.split, tc, f);
  return (f) =>
    side.rdd.iterator(side.split, tc, (row) => {
      if (!isPair(row)) throw notAPair("join", row);
      f(row[0], row[1]);
    });
}

/** A broadcast join's streamed partition: the parent's rows through the table, as JoinRDD.compute does it. */
export class ProbeRDD extends RDD<Joined> {
  readonly opName = "join";

  constructor(
    private readonly parent: RDD<unknown>,
    private readonly plan: StreamPlan,
  ) {
    super(parent.ctx);
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  parents(): RDD<unknown>[] {
    return [this.parent];
  }

  dependencies(): Dependency[] {
    return [new NarrowDependency(this.parent)];
  }

  compute(split: number, tc: TaskContext, emit: Emit<Joined>): void {
    this.computeJoined(split, tc, (key, left, right) => emit([key, [left, right]]));
  }

  computeJoined(split: number, tc: TaskContext, sink: JoinedSink): void {
    streamPartition(this.plan, this.parent, split, tc, sink);
  }
}

/** Tables kept at most: a stage may stream through a few joins; older ones are evicted first. */
const MAX_TABLES = 4;
/** Encoded bytes of the kept tables at most (their decoded tables weigh more): past it, the oldest go. */
const MAX_TABLE_BYTES = 512 * 2 ** 20;

/** Built tables by id, oldest first (a Map keeps insertion order; a hit moves to the end). */
const tables = new Map<number, { table: HashTable; bytes: number }>();

/** The table of `wire`, built from its blocks the first time this worker sees its id. */
export function tableOf(wire: WireTable, codec: Codec): HashTable {
  const hit = tables.get(wire.id);
  if (hit) {
    tables.delete(wire.id);
    tables.set(wire.id, hit);
    return hit.table;
  }
  const view = new Uint8Array(wire.buffer);
  const blocks: Uint8Array[] = [];
  // slice() copies each block out of the shared memory: a decoder is not assumed to read shared memory.
  for (let i = 0; i + 1 < wire.offsets.length; i++) blocks.push(view.slice(wire.offsets[i]!, wire.offsets[i + 1]!));
  const table = tableFromBlocks(codec, blocks, wire.freshValues);
  const bytes = wire.buffer.byteLength;
  tables.set(wire.id, { table, bytes });
  let total = 0;
  for (const t of tables.values()) total += t.bytes;
  for (const [id, t] of tables) {
    if (tables.size <= 1 || (tables.size <= MAX_TABLES && total <= MAX_TABLE_BYTES)) break;
    tables.delete(id);
    total -= t.bytes;
  }
  return table;
}

/** The probe op over `parent`: the stream plan the main thread uses, with this worker's table. */
export function probeOver(parent: RDD<unknown>, op: Extract<WireOp, { op: "probe" }>, codec: Codec): RDD<unknown> {
  const plan: StreamPlan = {
    table: tableOf(op.table, codec),
    buildIsRight: op.buildIsRight,
    keepStream: op.keepStream,
    project: op.projection !== undefined ? compileProjection(op.projection) : undefined,
    checkStream: op.checkStream,
    checkProjection: op.checkProjection,
    copy: undefined, // a worker's streamed rows are decoded copies already: no main-thread object reaches its consumers
  };
  return new ProbeRDD(parent, plan) as RDD<unknown>;
}

registerJoinedSource(JoinSidesRDD);
registerJoinedSource(ProbeRDD);
