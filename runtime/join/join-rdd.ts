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
import { RDD, type Emit, type JoinOptions } from "../rdd/rdd.js";
import { NarrowDependency, type Dependency } from "../rdd/dependency.js";
import { KeyedInput } from "../rdd/shuffled.js";
import { PrematerializedRDD } from "../rdd/narrow.js";
import { HashPartitioner, type Partitioner } from "../shuffle/partitioner.js";
import type { TaskContext } from "../scheduler/task.js";
import type { JoinDecision } from "../metrics.js";
import { InvalidArgumentError, requirePositiveInt } from "../errors.js";
import { kinds } from "../rdd/registry.js";
import { HashTable, emitUnmatched, joinPartition, probe, type JoinType, type Joined, type Pair } from "./hash-join.js";
import { planInputOf, type PlanInput } from "../explain.js";
import { estimateRowsBytes, formatBytes, knownSize, spreadOrder } from "./estimator.js";

type Side = "left" | "right";

type Plan =
  | { kind: "shuffle" | "co-partitioned"; left: KeyedInput; right: KeyedInput; partitioner: Partitioner }
  | { kind: "broadcast"; side: Side; table: HashTable; stream: RDD<Pair> };

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

/** What the estimator learnt about one side while deciding. */
class SideState {
  readonly computed = new Map<number, Pair[]>();
  bytes = 0;
  rejected: string | undefined;
  /** Size known without computing anything (undefined if none); a side rejected up front still reports it. */
  knownBytes: number | undefined;

  constructor(
    readonly name: Side,
    readonly rdd: RDD<Pair>,
  ) {}

  get done(): boolean {
    return this.computed.size === this.rdd.numPartitions;
  }

  /** Bytes extrapolated from the partitions computed so far. */
  get estimate(): number {
    return this.computed.size === 0 ? (this.knownBytes ?? 0) : Math.ceil((this.bytes / this.computed.size) * this.rdd.numPartitions);
  }
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
    const plan = this.plan!;
    if (plan.kind === "broadcast") {
      const buildIsRight = plan.side === "right";
      const keepStream = buildIsRight ? this.type === "leftOuter" : this.type === "rightOuter";
      plan.stream.iterator(split, tc, probe(plan.table, buildIsRight, keepStream, false, emit));
      return;
    }
    joinPartition(
      this.type,
      (e) => plan.left.read(split, tc, e),
      (e) => plan.right.read(split, tc, e),
      emit,
    );
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
    if (strategy === "shuffle") return this.useShuffle(target, "shuffle", site ? "strategy shuffle" : "strategy shuffle (the default)");
    if (strategy === "auto" && !this.ctx.autoBroadcast) return this.useShuffle(target, "shuffle", "auto: autoBroadcast is off");
    const sides = broadcastableSides(this.type);
    if (sides.length === 0) return this.useShuffle(target, "shuffle", "auto: a full outer join cannot broadcast");

    const limit = strategy === "auto" ? this.ctx.broadcastThreshold : this.ctx.maxBroadcastBytes;
    const limitName = strategy === "auto" ? "broadcastThreshold" : "maxBroadcastBytes";
    const states = { left: new SideState("left", this.left), right: new SideState("right", this.right) };
    const chosen = await this.findSmallSide(sides.map((s) => states[s]), limit, limitName, strategy === "auto");
    const notes = sides.map((s) => states[s].rejected).filter((r): r is string => !!r);
    if (chosen) {
      const built = this.buildTable(chosen);
      if (built) {
        const other = states[chosen.name === "left" ? "right" : "left"];
        this.plan = { kind: "broadcast", side: chosen.name, table: built.table, stream: this.withComputed(other) };
        this.decision = {
          site,
          strategy: chosen.name === "left" ? "broadcast-left" : "broadcast-right",
          reason: `${strategy}: ${chosen.name} side ${formatBytes(built.bytes)} <= ${limitName} ${formatBytes(limit)}${notes.length ? `; ${notes.join("; ")}` : ""}`,
          estimatedBytes: chosen.bytes,
        };
        this.ctx.recordBroadcast(built.bytes);
        return;
      }
      notes.push(chosen.rejected!);
    }
    const estimates = sides.map((s) => states[s].estimate).filter((b) => b > 0);
    this.useShuffle(
      target,
      "shuffle",
      `${strategy}: ${notes.join("; ") || "no side can be broadcast"}`,
      estimates.length ? Math.min(...estimates) : undefined,
      states,
    );
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
    this.decision = { site: this.options.site, strategy: kind, reason, ...(estimatedBytes !== undefined ? { estimatedBytes } : {}) };
  }

  /** The side itself, or a wrapper handing out the partitions the estimator already computed. */
  private withComputed(state: SideState): RDD<Pair> {
    return state.computed.size ? new PrematerializedRDD(state.rdd, state.computed) : state.rdd;
  }

  /**
   * Computes candidate sides a partition at a time (spread across the RDD),
   * measuring each, until one is complete under `limit`. A side is dropped as
   * soon as its measured bytes pass the limit or, when `extrapolate`, its
   * extrapolated size is clearly over it. Sides with a size known up front
   * go first; one known to be too big is never computed here.
   */
  private async findSmallSide(candidates: SideState[], limit: number, limitName: string, extrapolate: boolean): Promise<SideState | undefined> {
    const known: [SideState, number][] = [];
    const unknown: SideState[] = [];
    for (const c of candidates) {
      const hint = knownSize(c.rdd as RDD<unknown>, this.ctx.codec);
      c.knownBytes = hint?.bytes;
      if (hint && hint.bytes > limit) c.rejected = `${c.name} side ${formatBytes(hint.bytes)} (${hint.source}) > ${limitName} ${formatBytes(limit)}`;
      else if (hint) known.push([c, hint.bytes]);
      else unknown.push(c);
    }
    const open = [...known.sort((a, b) => a[1] - b[1]).map(([c]) => c), ...unknown];
    const orders = new Map(open.map((c) => [c, spreadOrder(c.rdd.numPartitions)]));
    while (open.length > 0) {
      // One partition of the first open side; with no size known, sides take turns, so the smaller finishes first.
      const c = open[0]!;
      if (c.done) return c;
      const p = orders.get(c)!.find((q) => !c.computed.has(q))!;
      const [rows] = await this.ctx.runJob(
        c.rdd,
        `estimate ${c.name} side of ${this.opName}`,
        (split, tc) => {
          const out: Pair[] = [];
          c.rdd.iterator(split, tc, (row) => out.push(row));
          return out;
        },
        [p],
      );
      c.computed.set(p, rows!);
      const sampled = estimateRowsBytes(rows!, this.ctx.codec);
      if (c.bytes + sampled > limit) c.bytes += sampled;
      else {
        // Still a candidate: measure the partition exactly (a broadcast needs its real size anyway), so a
        // side whose sample looks small but whose rows are large is caught here, at the limit.
        c.bytes += rows!.length ? this.ctx.codec.encode(rows!).byteLength : 0;
      }
      const n = c.rdd.numPartitions;
      if (c.bytes > limit || (extrapolate && c.computed.size >= 2 && c.estimate > 2 * limit)) {
        c.rejected = `${c.name} side over ${limitName} ${formatBytes(limit)} after ${c.computed.size} of ${n} partitions (estimated ${formatBytes(c.estimate)})`;
        open.shift();
      } else if (c.done) {
        return c;
      } else if (c.knownBytes === undefined && open.length > 1) {
        open.push(open.shift()!);
      }
    }
    return undefined;
  }

  /** Builds the table of a side found small; its bytes were measured exactly, partition by partition, while deciding. */
  private buildTable(side: SideState): { table: HashTable; bytes: number } | undefined {
    const cap = this.ctx.maxBroadcastBytes;
    if (side.bytes > cap) {
      side.rejected = `${side.name} side ${formatBytes(side.bytes)} passed maxBroadcastBytes ${formatBytes(cap)}; fell back to shuffle`;
      return undefined;
    }
    let rowCount = 0;
    for (const rows of side.computed.values()) rowCount += rows.length;
    const table = new HashTable(rowCount);
    for (const rows of side.computed.values()) for (const row of rows) table.add(row);
    return { table, bytes: side.bytes };
  }
}

kinds.JoinRDD = JoinRDD as unknown as typeof kinds.JoinRDD;
