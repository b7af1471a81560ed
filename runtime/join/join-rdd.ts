/**
 * The join RDD. Its strategy is settled when a job first runs it:
 *  - co-partitioned: both sides already placed by the join's partitioner, no shuffle;
 *  - shuffle: each side hash-partitioned through a shuffle (a side already
 *    placed by the partitioner is read in place), then a hash join per partition;
 *  - broadcast-left / broadcast-right: one side computed once into a hash
 *    table, the other side streamed through it in place, no shuffle.
 * "auto" and "broadcast" pick by size (see decide()); every decision goes
 * into the job's metrics with its reason.
 */
import { RDD, keepRddShape, type Emit, type JoinOptions } from "../rdd/rdd.js";
import { NarrowDependency, type Dependency } from "../rdd/dependency.js";
import { KeyedInput } from "../rdd/shuffled.js";
import { encodeMapOutputBlock } from "../shuffle/exchange.js";
import { PrematerializedRDD, ProjectedRDD, projectRow } from "../rdd/narrow.js";
import { StorageLevel } from "../storage/level.js";
import { columnarRowCount, PairColumns, readColumnarPairs, serializableChecker, shuffleCopier, tagsItsBlocks, type Codec, type FusedPick } from "../shuffle/codec.js";
import { HashPartitioner, type Partitioner } from "../shuffle/partitioner.js";
import type { TaskContext } from "../scheduler/task.js";
import type { JoinDecision, JoinSideEstimate } from "../metrics.js";
import { InvalidArgumentError, requirePositiveInt } from "../errors.js";
import { kinds } from "../rdd/registry.js";
import { registerJoinedSource } from "../rdd/join-fusion.js";
import { HashTable, joinPartition, probe, type JoinType, type Joined, type JoinedSink, type Pair } from "./hash-join.js";
import { planInputOf, type PlanInput } from "../explain.js";
import { compileProjection, flatPick, type ValueProjection } from "../rdd/projection.js";
import { estimateRowsBytes, formatBytes, knownSize, spreadOrder, type SizeHint } from "./estimator.js";

type Side = "left" | "right";

type Plan =
  | { kind: "shuffle" | "co-partitioned"; left: KeyedInput; right: KeyedInput; partitioner: Partitioner }
  | {
      kind: "broadcast";
      side: Side;
      table: HashTable;
      stream: RDD<Pair>;
      /** Check streamed rows as a shuffle's codec would ("auto", and a shuffle would have serialized them). */
      checkStream: boolean;
      /** The build side's blocks for workers (kept only when the streamed stage may ship). */
      shipped: ShippedTable | undefined;
    };

const OP_NAMES: Record<JoinType, string> = {
  inner: "join",
  leftOuter: "leftOuterJoin",
  rightOuter: "rightOuterJoin",
  fullOuter: "fullOuterJoin",
};

/** Sides a join type may broadcast (Spark's rules): the other side must be the one that keeps unmatched rows. */
export function broadcastableSides(type: JoinType): Side[] {
  switch (type) {
    case "inner":
      return ["left", "right"];
    case "leftOuter":
      return ["right"];
    case "rightOuter":
      return ["left"];
    case "fullOuter":
      return [];
  }
}

/** What the decision learnt about one side. */
class SideState {
  /** Computed partitions' rows: handed on to the stream or the shuffle (PrematerializedRDD), never computed twice. */
  readonly computed = new Map<number, Pair[]>();
  /** The codec's blocks of computed partitions measured exactly: a broadcast table is built by decoding them (no second encode). */
  readonly blocks = new Map<number, Uint8Array>();
  /** Computed partitions measured only from a sample of their rows (their estimated bytes): encoded only if the side is about to win. */
  readonly sampled = new Map<number, number>();
  /** Encoded bytes of the computed partitions (exact but for sampled ones). */
  bytes = 0;
  rejected: string | undefined;
  /** Size known without computing anything (a side rejected up front still reports it). */
  known: SizeHint | undefined;
  private readonly order: number[];

  constructor(
    readonly name: Side,
    readonly rdd: RDD<Pair>,
    /** The join type may broadcast this side. */
    readonly candidate: boolean,
  ) {
    this.order = spreadOrder(rdd.numPartitions);
  }

  get done(): boolean {
    return this.computed.size === this.rdd.numPartitions;
  }

  /** Still in the running: may be broadcast. */
  get open(): boolean {
    return this.candidate && !this.rejected;
  }

  /**
   * What the side weighs as far as the decision knows, the figure the fair rule compares: exact once done;
   * before, the bytes measured so far, or the size known up front when that is more.
   */
  get weight(): number {
    return this.done ? this.bytes : Math.max(this.bytes, this.known?.bytes ?? 0);
  }

  /** Bytes extrapolated from the partitions computed so far (exact when done); else the size known up front. */
  get estimate(): number | undefined {
    if (this.done) return this.bytes;
    if (this.computed.size === 0) return this.known?.bytes;
    return Math.ceil((this.bytes / this.computed.size) * this.rdd.numPartitions);
  }

  /** The next partition to compute: spread over the RDD, so an extrapolation sees more than its start. */
  nextPartition(): number {
    return this.order.find((p) => !this.computed.has(p))!;
  }

  /** Every partition not computed yet, in nextPartition's order. */
  remainingPartitions(): number[] {
    return this.order.filter((p) => !this.computed.has(p));
  }

  describe(): string {
    const n = this.rdd.numPartitions;
    if (this.done) return formatBytes(this.bytes);
    if (this.computed.size > 0) return `>= ${formatBytes(this.bytes)} after ${this.computed.size} of ${n} partitions`;
    if (this.known) return `${formatBytes(this.known.bytes)}, ${this.known.source}`;
    return "not measured";
  }

  report(): JoinSideEstimate {
    const estimatedBytes = this.estimate;
    const exact = this.done && this.sampled.size === 0;
    return {
      ...(estimatedBytes !== undefined ? { estimatedBytes } : {}),
      ...(exact ? { actualBytes: this.bytes } : {}),
      partitionsMeasured: this.computed.size,
      partitions: this.rdd.numPartitions,
      source: exact ? "measured" : this.computed.size > 0 ? "extrapolated" : this.known ? "known" : "none",
    };
  }
}

/** The executor that runs the job, as far as the decision's cost model cares. */
export interface ExecutorShape {
  kind: "in-process" | "workers";
  /** Copies of a broadcast table the job needs: one per process (thread) running tasks. */
  copies: number;
  /** How the executor was priced (for the decision's reason); absent: the context runs everything in process. */
  reason?: string;
  /** Workers: what the streamed stage reads (its sources' rows, its shuffle and text bytes), to estimate an unmeasured side. */
  input?: { rows: number; bytes: number };
}

/**
 * A broadcast table as workers get it: the build side's encoded blocks (one per non-empty partition, in
 * partition order) in one SharedArrayBuffer, so every task's message refers to the same memory (no copy per
 * task) and each worker decodes and builds the table once, caching it by `id`.
 */
export interface ShippedTable {
  /** Unique in the process (the worker pool is shared by every Context). */
  id: number;
  buffer: SharedArrayBuffer;
  /** Block i is buffer[offsets[i], offsets[i + 1]). */
  offsets: number[];
  /** Main-thread milliseconds decoding the blocks and building the table took: what each worker pays once. */
  buildMs: number;
  /** Built as the main thread's table is (tableFromBlocks' `freshValues`). */
  freshValues: boolean;
}

let nextTableId = 1;

/** The one copy of the build side's blocks kept for workers. */
function shippedTable(blocks: readonly Uint8Array[], buildMs: number, freshValues: boolean): ShippedTable {
  const offsets = [0];
  for (const b of blocks) offsets.push(offsets[offsets.length - 1]! + b.byteLength);
  const buffer = new SharedArrayBuffer(offsets[offsets.length - 1]!);
  const view = new Uint8Array(buffer);
  blocks.forEach((b, i) => view.set(b, offsets[i]!));
  return { id: nextTableId++, buffer, offsets, buildMs, freshValues };
}

/**
 * The hash table of a broadcast side from its encoded blocks, rows in block order (in process and in a worker
 * alike). `freshValues` (the consumers only read: JoinOptions.readOnly): columnar blocks of one shape are kept
 * as columns, each match getting its own copy of the value (HashTable.ofColumns).
 */
export function tableFromBlocks(codec: Codec, blocks: readonly Uint8Array[], freshValues = false): HashTable {
  // A built-in codec's columnar blocks of pairs are read straight into the table (no row arrays); any other
  // block is decoded, and each row checked to be a pair as it is added.
  const columnar = tagsItsBlocks(codec);
  const columns = freshValues && columnar ? PairColumns.of(blocks) : undefined;
  if (columns) return HashTable.ofColumns(columns);
  let rowCount = 0;
  if (columnar) for (const block of blocks) rowCount += columnarRowCount(block) ?? 0;
  const table = new HashTable(rowCount);
  for (const block of blocks) {
    if (columnar && readColumnarPairs(block, table)) continue; // the table itself, not a callback (PairSink says why)
    const rows = codec.decode(block);
    for (let i = 0; i < rows.length; i++) table.add(rows[i]);
  }
  return table;
}

/** How a broadcast join streams one partition (JoinRDD.compute in process, the worker's probe op): the same code. */
export interface StreamPlan {
  table: HashTable;
  buildIsRight: boolean;
  keepStream: boolean;
  /** A pruning projection of the streamed values fused into the probe (undefined: values as they are). */
  project: ((value: unknown) => unknown) | undefined;
  checkStream: boolean;
  /**
   * The streamed side's pruning projection, fused or skipped (undefined: none): the check sees each row as the
   * projection hands it on, which is what a shuffle after the projection would carry.
   */
  checkProjection: ValueProjection | undefined;
  /**
   * Copies streamed keys and values as the shuffle's codec would hand them on (undefined: in place). In process
   * under "auto" without `inPlace`; never in a worker, whose rows are decoded copies already.
   */
  copy: ((value: unknown) => unknown) | undefined;
}

/**
 * Streams partition `split` of `stream` through the plan's table to `sink`. Streamed rows are never serialized
 * here. Under "auto" they are checked as a shuffle's codec would check them, so a row a shuffle rejects fails the
 * job under a broadcast too (see decide); and, with `copy`, the consumers get what a shuffle would hand them:
 * fresh copies of the keys and values they see (a value only when its row is emitted, after the fused
 * projection). An explicit "broadcast" streams rows as they are (as Spark does).
 */
export function streamPartition(plan: StreamPlan, stream: RDD<unknown>, split: number, tc: TaskContext, sink: JoinedSink): void {
  const check = plan.checkStream ? serializableChecker(plan.checkProjection !== undefined ? checkedAs(plan.checkProjection) : undefined) : undefined;
  const { copy, project: fusedProject } = plan;
  const project = copy ? (fusedProject ? (v: unknown) => copy(fusedProject(v)) : copy) : fusedProject;
  // an object key reaches the output too (the stream row's own key): copied as its value is
  stream.iterator(split, tc, probe(plan.table, plan.buildIsRight, plan.keepStream, false, sink, { project, check, copyKey: copy }));
}

/** A projection as serializableChecker reads rows through it. */
function checkedAs(projection: ValueProjection): { pick: FusedPick | undefined; view: (row: unknown) => unknown } {
  const project = compileProjection(projection);
  return { pick: flatPick(projection), view: (row) => projectRow(row, project) };
}

/** What ship.ts needs to describe a decided join's stage for workers. */
export type JoinShipping =
  | { kind: "shuffle" | "co-partitioned"; type: JoinType; left: KeyedInput; right: KeyedInput }
  | {
      kind: "broadcast";
      /** The RDD a task iterates: the streamed side, or the parent of its fused projection. */
      stream: RDD<Pair>;
      /** The fused projection, when one is applied in the probe. */
      projection: ValueProjection | undefined;
      buildIsRight: boolean;
      keepStream: boolean;
      checkStream: boolean;
      checkProjection: ValueProjection | undefined;
      /** Undefined when the streamed stage was to run in process (no copy of the blocks is kept). */
      table: ShippedTable | undefined;
    };

/**
 * Whether broadcasting a side of `build` bytes (already within the limit) is cheaper than shuffling both sides,
 * `other` being what is known of the other side.
 *
 * In process (one copy): the broadcast builds one table, by decoding blocks the decision already encoded, and
 * streams the other side through it in place; a shuffle encodes, stores and decodes both sides and builds a
 * table per partition. So a side within the limit is always the cheaper plan.
 *
 * When the streamed stage ships to W workers (Context.joinExecutor asks the worker runner), every worker builds
 * its own copy of the table (W copies of `build` bytes decoded and built), while a shuffle moves build + other
 * bytes once. Broadcast then pays only while W x build < build + other; the fair rule measures the other side
 * up to `build`, so with 2 workers a strictly larger other side broadcasts, an equal one shuffles. A side the
 * join type cannot broadcast is never computed: it is estimated from its stage's input (estimateFromInput);
 * an other side of which nothing is known means shuffle.
 */
export function broadcastPays(executor: ExecutorShape, build: number, other: number | undefined): boolean {
  if (executor.copies <= 1) return true;
  return other !== undefined && executor.copies * build < build + other;
}

export class JoinRDD<K> extends RDD<Joined> {
  readonly opName: string;
  private plan: Plan | undefined;
  private decision: JoinDecision | undefined;
  private decided: Promise<void> | undefined;

  constructor(
    readonly left: RDD<Pair>,
    readonly right: RDD<Pair>,
    readonly type: JoinType,
    readonly options: JoinOptions,
  ) {
    super(left.ctx);
    this.opName = OP_NAMES[type];
    const strategy = options.strategy ?? "shuffle";
    if (!["shuffle", "broadcast", "auto"].includes(strategy)) {
      throw new InvalidArgumentError(`Unknown join strategy "${String(strategy)}". Use "shuffle", "broadcast" or "auto".`);
    }
    if (strategy === "broadcast" && type === "fullOuter") {
      throw new InvalidArgumentError(
        `A full outer join cannot broadcast either side: both sides keep their unmatched rows. Use strategy "shuffle" (or "auto", which shuffles full outer joins).`,
      );
    }
    requirePositiveInt("join numPartitions", options.numPartitions);
    if (left.ctx !== right.ctx) throw new InvalidArgumentError("Cannot join RDDs of two different Contexts. Build both from the same Context.");
  }

  /** The partitioner a shuffle join would use: explicit, else an input's, else hash by default parallelism. */
  private target(): Partitioner {
    if (this.options.partitioner) return this.options.partitioner;
    if (this.options.numPartitions) return new HashPartitioner(this.options.numPartitions);
    return this.defaultPartitioner([this.left, this.right] as RDD<unknown>[], undefined);
  }

  get numPartitions(): number {
    if (this.plan?.kind === "broadcast") return this.plan.stream.numPartitions;
    return this.plan?.partitioner.numPartitions ?? this.target().numPartitions;
  }

  override get partitioner(): Partitioner | undefined {
    if (this.plan?.kind === "broadcast") return this.plan.stream.partitioner; // streamed rows keep their keys in place
    if (this.plan) return this.plan.partitioner;
    // Undecided: only a shuffle join is sure to come out placed by target(); "auto"/"broadcast" may stream a side in
    // place instead, so claiming target() here would let partitionBy(target) skip its shuffle and leave keys misplaced.
    return (this.options.strategy ?? "shuffle") === "shuffle" ? this.target() : undefined;
  }

  parents(): RDD<unknown>[] {
    return [this.left as RDD<unknown>, this.right as RDD<unknown>];
  }

  dependencies(): Dependency[] {
    const plan = this.plan;
    if (!plan) {
      const t = this.target();
      return [new KeyedInput(this.left, t, this.ctx.codec).dependency, new KeyedInput(this.right, t, this.ctx.codec).dependency];
    }
    if (plan.kind === "broadcast") return [new NarrowDependency(plan.stream as RDD<unknown>)];
    return [plan.left.dependency, plan.right.dependency];
  }

  /** Explain shows a broadcast join's build side behind a BroadcastExchange. */
  planInputs(): PlanInput[] {
    const plan = this.plan;
    if (plan?.kind !== "broadcast") return this.dependencies().map((dep) => planInputOf(dep));
    const build = plan.side === "left" ? this.left : this.right;
    const streamInput = { rdd: plan.stream as RDD<unknown> };
    const buildInput = { edge: `BroadcastExchange ${plan.side} side, ${plan.table.rows} rows`, rdd: build as RDD<unknown> };
    return plan.side === "left" ? [buildInput, streamInput] : [streamInput, buildInput];
  }

  /** The decision, once made (for explain and the report). */
  get joinDecision(): JoinDecision | undefined {
    return this.decision;
  }

  override async prepare(): Promise<void> {
    // A failed decision (say, a user function threw while a side was estimated) is forgotten, so a later job retries it.
    this.decided ??= this.decide().catch((e: unknown) => {
      this.decided = undefined;
      throw e;
    });
    await this.decided;
    this.ctx.recordJoin(this.id, this.decision!);
  }

  compute(split: number, tc: TaskContext, emit: Emit<Joined>): void {
    this.computeJoined(split, tc, (key, left, right) => emit([key, [left, right]]));
  }

  /**
   * compute() with each joined row handed to `sink` taken apart, so a consumer fused into the join (a
   * mapValues, say: see fusedJoin in rdd/join-fusion.ts) builds its own row and never the [key, [left, right]]
   * it would only take apart again. The same rows in the same order as compute(); callers check that this
   * RDD is neither persisted nor checkpointed (its rows then come from the cache or the files).
   */
  computeJoined(split: number, tc: TaskContext, sink: JoinedSink): void {
    const plan = this.plan!;
    if (plan.kind === "broadcast") {
      const { iterated, streamPlan } = this.streamOf(plan);
      return streamPartition(streamPlan, iterated as RDD<unknown>, split, tc, sink);
    }
    joinPartition(
      this.type,
      (f) => plan.left.readPairs(split, tc, "join", f),
      (f) => plan.right.readPairs(split, tc, "join", f),
      sink,
    );
  }

  /**
   * A broadcast plan's streamed side as a task reads it. A pruning projection of the streamed side saves
   * nothing here (no shuffle): one that keeps positions is skipped (the code after the join reads the same
   * from whole values) unless the values are handed on as copies, any other is fused into the probe.
   */
  private streamOf(plan: Extract<Plan, { kind: "broadcast" }>): { iterated: RDD<Pair>; fused: ProjectedRDD<unknown, unknown, unknown> | undefined; streamPlan: StreamPlan } {
    const buildIsRight = plan.side === "right";
    const keepStream = buildIsRight ? this.type === "leftOuter" : this.type === "rightOuter";
    const stream = plan.stream;
    const fused = stream instanceof ProjectedRDD && stream.storageLevel === StorageLevel.NONE ? (stream as ProjectedRDD<unknown, unknown, unknown>) : undefined;
    const copy = plan.checkStream && !this.options.inPlace ? shuffleCopier(this.ctx.codec) : undefined;
    // Values handed on as copies are projected first: a shuffle after the projection would copy the kept parts only.
    const project = fused && (!fused.keepsPositions || copy) ? fused.project : undefined;
    return {
      iterated: fused ? (fused.parent as RDD<Pair>) : stream,
      fused,
      streamPlan: {
        table: plan.table,
        buildIsRight,
        keepStream,
        project,
        checkStream: plan.checkStream,
        checkProjection: fused?.projection,
        copy,
      },
    };
  }

  /** @internal The decided plan as ship.ts describes it for workers (undefined before the decision). */
  shipping(): JoinShipping | undefined {
    const plan = this.plan;
    if (!plan) return undefined;
    if (plan.kind !== "broadcast") return { kind: plan.kind, type: this.type, left: plan.left, right: plan.right };
    const { iterated, fused, streamPlan } = this.streamOf(plan);
    return {
      kind: "broadcast",
      stream: iterated,
      // (a worker's rows are copies already: a projection keeping positions is skipped there)
      projection: fused && !fused.keepsPositions ? fused.projection : undefined,
      buildIsRight: streamPlan.buildIsRight,
      keepStream: streamPlan.keepStream,
      checkStream: streamPlan.checkStream,
      checkProjection: streamPlan.checkProjection,
      table: plan.shipped,
    };
  }

  override describe(): string {
    const strategy = this.options.strategy ?? "shuffle";
    const site = this.options.site ? ` site=${this.options.site}` : "";
    if (!this.decision) return `${this.type}, strategy=${strategy} (decided when a job runs)${site}`;
    return `${this.type}, ${this.decision.strategy}${site}: ${this.decision.reason}`;
  }

  // ------------------------------------------------------------ deciding

  private async decide(): Promise<void> {
    const target = this.target();
    const strategy = this.options.strategy ?? "shuffle";
    const site = this.options.site;
    if (target.equals(this.left.partitioner) && target.equals(this.right.partitioner)) {
      return this.useShuffle(target, "co-partitioned", `both sides already partitioned by ${target.describe()}: no shuffle, no broadcast`);
    }
    if (strategy === "shuffle") return this.useShuffle(target, "shuffle", (site ? "strategy shuffle" : "strategy shuffle (the default)") + this.placementNote(target));
    if (strategy === "auto" && !this.ctx.autoBroadcast) return this.useShuffle(target, "shuffle", "auto: autoBroadcast is off");
    // "auto" promises a shuffle's results. A side already placed by the target partitioner is read in place by a
    // shuffle join (never serialized): "auto" does not broadcast it (a broadcast serializes its build side), and
    // streams it unchecked; any other streamed side is checked as a shuffle's codec would check it.
    const readInPlace = (side: Side) => target.equals((side === "left" ? this.left : this.right).partitioner);
    const sides = broadcastableSides(this.type).filter((side) => !(strategy === "auto" && readInPlace(side)));
    if (sides.length === 0) {
      const why = broadcastableSides(this.type).length ? "the side it could broadcast is already partitioned for this join (read in place)" : "a full outer join cannot broadcast";
      return this.useShuffle(target, "shuffle", `auto: ${why}`);
    }

    const limit = strategy === "auto" ? this.ctx.broadcastThreshold : this.ctx.maxBroadcastBytes;
    const limitName = strategy === "auto" ? "broadcastThreshold" : "maxBroadcastBytes";
    const states = {
      left: new SideState("left", this.left, sides.includes("left")),
      right: new SideState("right", this.right, sides.includes("right")),
    };
    // With workers, where each side would stream if the other were broadcast: "auto" stops measuring once the
    // extrapolated sizes say no broadcast can pay (so two big sides are not both computed in process to decide).
    const priced = this.pricesExecutor();
    const pricing = priced ? { left: this.ctx.joinExecutor(this.left as RDD<unknown>), right: this.ctx.joinExecutor(this.right as RDD<unknown>) } : undefined;
    const chosen = await this.findSmallSide(states, limit, limitName, strategy === "auto", pricing);
    const notes = sides.map((s) => states[s].rejected).filter((r): r is string => !!r);
    if (chosen) {
      const other = states[chosen.name === "left" ? "right" : "left"];
      const stream = this.withComputed(other);
      // Where the streamed stage will run: with workers, each one running it builds its own table, from a copy
      // of the blocks kept only then. "auto" prices it (when the transformer wrote it, see pricesExecutor).
      const where: ExecutorShape = this.ctx.workerCount > 0 ? this.ctx.joinExecutor(stream as RDD<unknown>) : { kind: "in-process", copies: 1 };
      const executor: ExecutorShape = priced ? where : { kind: "in-process", copies: 1, ...(this.unpricedNote() ? { reason: this.unpricedNote() } : {}) };
      // An explicit "broadcast" is the caller's hint; "auto" broadcasts where that is the cheaper plan.
      let otherSeen = other.done || other.computed.size > 0 || other.known ? other.weight : undefined;
      if (otherSeen === undefined && executor.input && strategy === "auto") {
        otherSeen = this.estimateFromInput(chosen, executor.input);
        notes.push(`${other.name} side not measured: about ${formatBytes(otherSeen)} from its stage's input (${executor.input.rows} rows at the ${chosen.name} side's bytes per row, ${formatBytes(executor.input.bytes)} shuffle or text)`);
      }
      const pays = strategy === "broadcast" || broadcastPays(executor, chosen.bytes, otherSeen);
      if (!pays) notes.push(`${chosen.name} side ${formatBytes(chosen.bytes)}: a copy per worker (${executor.copies}) would cost more than the shuffle`);
      if (executor.reason && strategy === "auto") notes.push(`priced ${executor.reason}`);
      const reports = this.sideReports(states); // before the table takes the build side's rows
      const built = pays ? this.buildTable(chosen, where.kind === "workers") : undefined;
      if (built) {
        const checkStream = strategy === "auto" && !readInPlace(other.name);
        this.plan = { kind: "broadcast", side: chosen.name, table: built.table, stream, checkStream, shipped: built.shipped };
        const versus = other.candidate && !other.rejected ? `, no larger than the ${other.name} side (${other.describe()})` : "";
        this.decision = {
          site,
          strategy: chosen.name === "left" ? "broadcast-left" : "broadcast-right",
          reason: `${strategy}: ${chosen.name} side ${formatBytes(built.bytes)} <= ${limitName} ${formatBytes(limit)}${versus}${notes.length ? `; ${notes.join("; ")}` : ""}`,
          estimatedBytes: built.bytes,
          ...reports,
        };
        this.release(states);
        this.ctx.recordBroadcast(built.bytes);
        return;
      }
      if (chosen.rejected) notes.push(chosen.rejected);
    }
    const estimates = sides.map((s) => states[s].estimate).filter((b): b is number => b !== undefined && b > 0);
    this.useShuffle(
      target,
      "shuffle",
      `${strategy}: ${notes.join("; ") || "no side can be broadcast"}${this.placementNote(target)}`,
      estimates.length ? Math.min(...estimates) : undefined,
      states,
    );
  }

  /**
   * Whether "auto" prices the executor the join will run on (Context.joinExecutor). Only a join the transformer
   * made "auto" (it writes a `site`) does: the transformer never does so where the join's partitioning is a
   * result (glom, mapPartitionsWithIndex, take, ...). A strategy "auto" written by hand decides as in
   * process on every executor, so that a program's results, partitioning included, do not depend on
   * whether workers run it.
   */
  private pricesExecutor(): boolean {
    return (this.options.strategy ?? "shuffle") === "auto" && this.options.site !== undefined && this.ctx.workerCount > 0;
  }

  /** Why a hand-written "auto" on a context with workers was priced in process (undefined: no workers, nothing to say). */
  private unpricedNote(): string | undefined {
    if (this.ctx.workerCount === 0 || (this.options.strategy ?? "shuffle") !== "auto") return undefined;
    return 'in process: a strategy "auto" written by hand decides as in process on every executor (its partitioning may be a result)';
  }

  /**
   * The bytes of a side never computed (a join type that cannot broadcast it), for pricing only: its stage's
   * source rows at the build side's encoded bytes per row, plus the shuffle or text bytes it reads.
   */
  private estimateFromInput(build: SideState, input: { rows: number; bytes: number }): number {
    let rows = 0;
    for (const part of build.computed.values()) rows += part.length;
    return Math.round(input.rows * (rows > 0 ? build.bytes / rows : 0)) + input.bytes;
  }

  /** Why inputs that both carry a partitioner still shuffle (bucketed datasets with different bucket counts, say). */
  private placementNote(target: Partitioner): string {
    const left = this.left.partitioner;
    const right = this.right.partitioner;
    if (!left || !right || left.equals(right)) return "";
    const moved = [target.equals(left) ? "" : "left", target.equals(right) ? "" : "right"].filter(Boolean).join(" and ");
    return `; the inputs are partitioned differently (left ${left.describe()}, right ${right.describe()}): the ${moved} side${moved.includes(" and ") ? "s are" : " is"} shuffled to ${target.describe()}`;
  }

  private useShuffle(
    target: Partitioner,
    kind: "shuffle" | "co-partitioned",
    reason: string,
    estimatedBytes?: number,
    states?: { left: SideState; right: SideState },
  ): void {
    const left = states ? this.withComputed(states.left) : this.left;
    const right = states ? this.withComputed(states.right) : this.right;
    this.plan = {
      kind,
      left: new KeyedInput(left, target, this.ctx.codec),
      right: new KeyedInput(right, target, this.ctx.codec),
      partitioner: target,
    };
    this.decision = {
      site: this.options.site,
      strategy: kind,
      reason,
      ...(estimatedBytes !== undefined ? { estimatedBytes } : {}),
      ...(states ? this.sideReports(states) : {}),
    };
    if (states) this.release(states);
  }

  private sideReports(states: { left: SideState; right: SideState }): { left: JoinSideEstimate; right: JoinSideEstimate } {
    return { left: states.left.report(), right: states.right.report() };
  }

  /** Drops the encoded blocks once decided (the rows the plan reads stay). */
  private release(states: { left: SideState; right: SideState }): void {
    states.left.blocks.clear();
    states.right.blocks.clear();
  }

  /** The side itself, or a wrapper handing out the partitions the decision already computed. */
  private withComputed(state: SideState): RDD<Pair> {
    return state.computed.size ? new PrematerializedRDD(state.rdd, state.computed) : state.rdd;
  }

  /**
   * Finds the side to broadcast, measuring both fairly, by bytes rather than by partitions. Sizes known up
   * front count as measured. Each step computes one partition of the open side that weighs least so far
   * (ties, as between two equal known sizes: the side already under way, else the right side, so one side
   * completes and the other need not be computed), until a side is complete and weighs no more
   * than the other: the other's measured (or known) bytes already reach it, or the other is complete and
   * larger, or out. So:
   *  - a side known smaller than the other's known size is computed and wins; the other is never computed;
   *  - against a known side, an unknown one is computed only until its bytes pass the known size, or until
   *    it completes smaller;
   *  - with nothing known, the smaller side wins whatever the partition counts: the larger is computed only
   *    until its bytes pass the smaller's total (and those partitions are handed on, not computed again).
   * A side is out once its bytes pass `limit` (or, when `extrapolate`, its extrapolated size is clearly
   * over it); one known to be over is never computed. Only the join type's broadcastable sides are computed.
   * A winner's bytes are exact: partitions measured from a sample only are encoded before it is taken.
   */
  private async findSmallSide(
    states: { left: SideState; right: SideState },
    limit: number,
    limitName: string,
    extrapolate: boolean,
    pricing?: Record<Side, ExecutorShape>,
  ): Promise<SideState | undefined> {
    const all = [states.left, states.right];
    for (const c of all) {
      c.known = knownSize(c.rdd as RDD<unknown>, this.ctx.codec);
      if (c.candidate && c.known && c.known.bytes > limit) {
        c.rejected = `${c.name} side ${formatBytes(c.known.bytes)} (${c.known.source}) > ${limitName} ${formatBytes(limit)}`;
      }
    }
    const otherOf = (c: SideState) => (c === states.left ? states.right : states.left);
    for (;;) {
      const open = all.filter((c) => c.open);
      if (open.length === 0) return undefined;
      // Right first: of two complete sides of equal size, the right one is built (Spark's default build side).
      const winner = [...open].reverse().find((c) => c.done && (!otherOf(c).open || c.bytes <= otherOf(c).weight));
      if (winner && winner.sampled.size === 0) return winner;
      if (winner) {
        await this.measureExactly(winner, limit, limitName);
        continue;
      }
      if (pricing && this.noBroadcastPays(open, otherOf, pricing)) return undefined;
      const next = open
        .filter((c) => !c.done)
        .sort((a, b) => a.weight - b.weight || b.computed.size - a.computed.size || (a.name === "right" ? -1 : 1))[0]!;
      await this.measurePartitions(next, otherOf(next), this.stepOf(next, otherOf(next), limit), limit, limitName, extrapolate);
    }
  }

  /**
   * The partitions of `c` the next step computes: the next one; or all the rest, in one job, when the size
   * known or extrapolated so far is under half the limit and half the other side's weight, so measuring one
   * at a time would most likely only cost a job per partition. Either way no partition is wasted: a side's
   * computed partitions are handed on to whatever plan reads it, and the fair rule still compares whole sides.
   */
  private stepOf(c: SideState, other: SideState, limit: number): number[] {
    // (an extrapolation from one partition, possibly an empty one, says too little)
    const estimate = c.known || c.computed.size >= 2 ? c.estimate : undefined;
    const bound = Math.min(limit, other.open ? other.weight : Infinity);
    return estimate !== undefined && estimate > 0 && 2 * estimate <= bound ? c.remainingPartitions() : [c.nextPartition()];
  }

  /**
   * Whether, by the sizes extrapolated so far (each side measured on 2+ partitions, or done, or known), no open
   * side can be worth broadcasting when the other side streams in workers: copies x build >= 0.8 x (build +
   * other), so with 2 workers sides within 1.5x of each other (broadcastPays' rule with a margin for the
   * extrapolation). Then each is marked out, with why, and the join shuffles; the partitions computed are handed on.
   */
  private noBroadcastPays(open: SideState[], otherOf: (c: SideState) => SideState, pricing: Record<Side, ExecutorShape>): boolean {
    const sized = (c: SideState) => c.done || c.computed.size >= 2 || (c.computed.size === 0 && c.known !== undefined);
    const verdicts: string[] = [];
    for (const c of open) {
      const other = otherOf(c);
      const executor = pricing[other.name];
      if (executor.copies <= 1 || !sized(c) || !sized(other)) return false;
      const build = c.estimate!;
      const rest = other.estimate!;
      if (executor.copies * build < 0.8 * (build + rest)) return false;
      verdicts.push(`${c.name} side about ${formatBytes(build)} against ${formatBytes(rest)}: a table per worker (${executor.copies}) would cost more than the shuffle`);
    }
    const priced = [...new Set(open.map((c) => pricing[otherOf(c).name].reason))].join("; ");
    open.forEach((c, i) => (c.rejected = verdicts[i] + (i === open.length - 1 ? `; priced ${priced}` : "")));
    return true;
  }

  /**
   * Computes and measures partitions `parts` of `c`, in one job. Both happen in the task, so a value the codec
   * rejects fails the job with a JobFailedError naming the operation, stage and partition, as a shuffle's map task would.
   */
  private async measurePartitions(c: SideState, other: SideState, parts: number[], limit: number, limitName: string, extrapolate: boolean): Promise<void> {
    const n = c.rdd.numPartitions;
    const codec = this.ctx.codec;
    const before = c.bytes;
    const k = c.computed.size + 1;
    const otherEstimate = other.open ? other.estimate : undefined;
    const measured = await this.ctx.runJob(
      c.rdd,
      `estimate ${c.name} side of ${this.opName}`,
      (split, tc) => {
        const rows: Pair[] = [];
        c.rdd.iterator(split, tc, (row) => rows.push(row));
        // A strided sample first: when it puts the side out of the running (over the limit) or makes it unlikely
        // to win (already twice the other side's estimate), an exact encode would most likely be wasted: the
        // partition keeps its sampled size, and is encoded only if the side comes to win after all (measureExactly).
        const sampled = estimateRowsBytes(rows, codec);
        const total = before + sampled;
        const loses = total > limit || (extrapolate && k >= 2 && (total / k) * n > 2 * limit) || (otherEstimate !== undefined && total > 2 * otherEstimate);
        if (loses || rows.length === 0) return { rows, bytes: sampled, block: undefined };
        // Still in the running: measure exactly (a side whose sample looks small but whose rows are large stops
        // at the limit) and keep the block, which a broadcast decodes instead of encoding again.
        const block = encodeMapOutputBlock(codec, rows, c.rdd);
        return { rows, bytes: block.byteLength, block };
      },
      parts,
    );
    parts.forEach((p, i) => {
      const m = measured[i]!;
      c.computed.set(p, m.rows);
      c.bytes += m.bytes;
      if (m.block) c.blocks.set(p, m.block);
      else if (m.rows.length > 0) c.sampled.set(p, m.bytes);
    });
    this.checkLimit(c, limit, limitName, extrapolate);
  }

  private checkLimit(c: SideState, limit: number, limitName: string, extrapolate: boolean): void {
    const estimate = c.estimate!;
    if (c.bytes > limit || (extrapolate && !c.done && c.computed.size >= 2 && estimate > 2 * limit)) {
      c.rejected = `${c.name} side over ${limitName} ${formatBytes(limit)} after ${c.computed.size} of ${c.rdd.numPartitions} partitions (estimated ${formatBytes(estimate)})`;
      c.blocks.clear();
    }
  }

  /**
   * Encodes, in tasks, the partitions of `c` measured only from a sample (see measurePartition), so a side
   * about to win has exact bytes and blocks; its bytes are corrected, and may now put it over the limit or
   * over the other side.
   */
  private async measureExactly(c: SideState, limit: number, limitName: string): Promise<void> {
    const parts = [...c.sampled.keys()];
    const codec = this.ctx.codec;
    const blocks = await this.ctx.runJob(c.rdd, `measure ${c.name} side of ${this.opName}`, (split) => encodeMapOutputBlock(codec, c.computed.get(split)!, c.rdd), parts);
    parts.forEach((p, i) => {
      c.bytes += blocks[i]!.byteLength - c.sampled.get(p)!;
      c.blocks.set(p, blocks[i]!);
    });
    c.sampled.clear();
    this.checkLimit(c, limit, limitName, false);
  }

  /**
   * Builds the table of the side chosen from its rows as the shuffle codec delivers them (Spark broadcasts
   * serialized values too): the blocks encoded while deciding are decoded, so a broadcast join sees the same
   * values a shuffle join would. Its bytes were measured exactly, partition by partition, while deciding.
   * `forWorkers`: the streamed stage may ship, so one copy of the blocks is kept for the workers.
   */
  private buildTable(side: SideState, forWorkers: boolean): { table: HashTable; bytes: number; shipped: ShippedTable | undefined } | undefined {
    const cap = this.ctx.maxBroadcastBytes;
    if (side.bytes > cap) {
      side.rejected = `${side.name} side ${formatBytes(side.bytes)} passed maxBroadcastBytes ${formatBytes(cap)}; fell back to shuffle`;
      return undefined;
    }
    // Every non-empty partition of the winner was encoded while deciding (measurePartition, measureExactly).
    const blocks: Uint8Array[] = [];
    for (let p = 0; p < side.rdd.numPartitions; p++) if (side.computed.get(p)!.length > 0) blocks.push(side.blocks.get(p)!);
    const start = performance.now();
    const freshValues = this.options.readOnly === true;
    const table = tableFromBlocks(this.ctx.codec, blocks, freshValues);
    const shipped = forWorkers ? shippedTable(blocks, performance.now() - start, freshValues) : undefined;
    side.computed.clear(); // the build side is not read again: its rows live in the table
    return { table, bytes: side.bytes, shipped };
  }
}

kinds.JoinRDD = JoinRDD as unknown as typeof kinds.JoinRDD;
registerJoinedSource(JoinRDD);
keepRddShape((p) => new JoinRDD(p, p, "inner", {}));
