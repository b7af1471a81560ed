/** Narrow RDD kinds: each output partition reads a few parent partitions, in the same stage. */
import { RDD, emitAll, isPair, keepRddShape, range, type Emit } from "./rdd.js";
import { NarrowDependency, type Dependency } from "./dependency.js";
import type { TaskContext } from "../scheduler/task.js";
import type { Partitioner } from "../shuffle/partitioner.js";
import { kinds } from "./registry.js";
import { keepsPositions, type ValueProjection } from "./projection.js";
import { fusedJoin, type JoinFusion } from "./join-fusion.js";

/** A per-row operation (map, filter, flatMap, mapValues, ...): wraps the downstream `emit`. */
export class PipelinedRDD<T, U> extends RDD<U> {
  constructor(
    readonly parent: RDD<T>,
    readonly opName: string,
    /** Given the downstream emit, returns what to do with each parent row. */
    private readonly makeSink: (emit: Emit<U>, split: number) => Emit<T>,
    private readonly preservesPartitioning: boolean,
    /** The user's function as passed to map, filter, ... (unwrapped), so a worker can rebuild it; absent for built-in operations. */
    readonly userFunction?: Function,
    /** How it may read a join's rows taken apart (join-fusion.ts); absent when it reads whole rows only. */
    readonly fusion?: JoinFusion<U>,
  ) {
    super(parent.ctx);
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  override get partitioner(): Partitioner | undefined {
    return this.preservesPartitioning ? this.parent.partitioner : undefined;
  }

  parents(): RDD<unknown>[] {
    return [this.parent as RDD<unknown>];
  }

  dependencies(): Dependency[] {
    return [new NarrowDependency(this.parent as RDD<unknown>)];
  }

  compute(split: number, tc: TaskContext, emit: Emit<U>): void {
    const fused = this.fusion && fusedJoin(this.parent as RDD<unknown>, this.fusion, emit);
    if (fused) return fused.join.computeJoined(split, tc, fused.sink);
    this.parent.iterator(split, tc, this.makeSink(emit, split));
  }
}

/**
 * `projectValues`: a per-row projection of pair values, kept as data (`projection`) so the engine can see
 * through it (a side's size estimate, explain). Non-pair rows pass unchanged.
 */
export class ProjectedRDD<K, V, U> extends PipelinedRDD<[K, V], [K, U]> {
  /** Code downstream reads the same from unprojected values (see keepsPositions in projection.ts). */
  readonly keepsPositions: boolean;

  constructor(
    parent: RDD<[K, V]>,
    readonly projection: ValueProjection,
    readonly project: (value: unknown) => unknown,
  ) {
    super(
      parent,
      "projectValues",
      (emit) => (row) => emit(projectRow(row, project) as [K, U]),
      true,
    );
    this.keepsPositions = keepsPositions(projection);
  }

  /** What this RDD emits for a parent row (for those that read its parent directly: estimator, shuffle writer). */
  projectRow(row: unknown): unknown {
    return projectRow(row, this.project);
  }

  override describe(): string {
    return `projectValues ${JSON.stringify(this.projection)}`;
  }

  override get reportedAs(): RDD<unknown> {
    return (this.parent as RDD<unknown>).reportedAs;
  }
}

/** A row as projectValues emits it: a pair's value projected, any other row unchanged. */
export function projectRow(row: unknown, project: (value: unknown) => unknown): unknown {
  return isPair(row) ? [row[0], project(row[1])] : row;
}

/** A function over a whole partition's rows (mapPartitions, glom, sample, ...). */
export class MapPartitionsRDD<T, U> extends RDD<U> {
  constructor(
    readonly parent: RDD<T>,
    readonly opName: string,
    private readonly f: (rows: T[], split: number) => Iterable<U>,
    private readonly preservesPartitioning: boolean,
  ) {
    super(parent.ctx);
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  override get partitioner(): Partitioner | undefined {
    return this.preservesPartitioning ? this.parent.partitioner : undefined;
  }

  parents(): RDD<unknown>[] {
    return [this.parent as RDD<unknown>];
  }

  dependencies(): Dependency[] {
    return [new NarrowDependency(this.parent as RDD<unknown>)];
  }

  compute(split: number, tc: TaskContext, emit: Emit<U>): void {
    const rows: T[] = [];
    this.parent.iterator(split, tc, (row) => rows.push(row));
    emitAll(this.opName, this.f(rows, split), emit);
  }
}

/** The partitions of several RDDs, one after another. */
export class UnionRDD<T> extends RDD<T> {
  readonly opName = "union";

  constructor(
    ctx: RDD<T>["ctx"],
    readonly inputs: RDD<T>[],
  ) {
    super(ctx);
  }

  get numPartitions(): number {
    return this.inputs.reduce((n, r) => n + r.numPartitions, 0);
  }

  parents(): RDD<unknown>[] {
    return this.inputs as RDD<unknown>[];
  }

  dependencies(): Dependency[] {
    let offset = 0;
    return this.inputs.map((rdd) => {
      const start = offset;
      const n = rdd.numPartitions;
      offset += n;
      return new NarrowDependency(rdd as RDD<unknown>, (p) => (p >= start && p < start + n ? [p - start] : []));
    });
  }

  compute(split: number, tc: TaskContext, emit: Emit<T>): void {
    for (const rdd of this.inputs) {
      if (split < rdd.numPartitions) return rdd.iterator(split, tc, emit);
      split -= rdd.numPartitions;
    }
  }
}

/** Fewer partitions by concatenating neighbours, with no shuffle. */
export class CoalescedRDD<T> extends RDD<T> {
  readonly opName = "coalesce";

  constructor(
    readonly parent: RDD<T>,
    private readonly target: number,
  ) {
    super(parent.ctx);
  }

  get numPartitions(): number {
    return Math.min(this.target, this.parent.numPartitions);
  }

  /** Parent partitions [start, end) of output partition p: contiguous, balanced groups. */
  private group(p: number): number[] {
    const parents = this.parent.numPartitions;
    const n = this.numPartitions;
    const start = Math.floor((p * parents) / n);
    return range(start, Math.floor(((p + 1) * parents) / n));
  }

  parents(): RDD<unknown>[] {
    return [this.parent as RDD<unknown>];
  }

  dependencies(): Dependency[] {
    return [new NarrowDependency(this.parent as RDD<unknown>, (p) => this.group(p))];
  }

  compute(split: number, tc: TaskContext, emit: Emit<T>): void {
    for (const p of this.group(split)) this.parent.iterator(p, tc, emit);
  }

  override describe(): string {
    return `${this.parent.numPartitions} -> ${this.numPartitions} partitions`;
  }
}

/**
 * Partitions computed ahead of time (by the join size estimator) are handed
 * out once from memory; the rest are computed from the parent. This is how
 * rows materialised to estimate a join side are reused instead of recomputed.
 */
export class PrematerializedRDD<T> extends RDD<T> {
  readonly opName = "prematerialized";

  constructor(
    readonly parent: RDD<T>,
    private readonly ready: Map<number, T[]>,
  ) {
    super(parent.ctx);
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  /** Whether partition `split` is still held in memory (then it is handed out, not computed). */
  isReady(split: number): boolean {
    return this.ready.has(split);
  }

  override get partitioner(): Partitioner | undefined {
    return this.parent.partitioner;
  }

  parents(): RDD<unknown>[] {
    return [this.parent as RDD<unknown>];
  }

  dependencies(): Dependency[] {
    return [new NarrowDependency(this.parent as RDD<unknown>)];
  }

  compute(split: number, tc: TaskContext, emit: Emit<T>): void {
    const rows = this.ready.get(split);
    if (!rows) return this.parent.iterator(split, tc, emit);
    this.ready.delete(split); // handed out once; the shuffle output now holds them
    for (let i = 0; i < rows.length; i++) emit(rows[i]!);
  }

  override describe(): string {
    return `${this.ready.size} of ${this.numPartitions} partitions already computed`;
  }
}

kinds.PipelinedRDD = PipelinedRDD;
kinds.ProjectedRDD = ProjectedRDD;
kinds.MapPartitionsRDD = MapPartitionsRDD;
kinds.UnionRDD = UnionRDD;
kinds.CoalescedRDD = CoalescedRDD;
keepRddShape((p) => new PipelinedRDD(p, "map", (emit) => emit, false));
keepRddShape((p) => new ProjectedRDD(p, [0], (v) => v));
keepRddShape((p) => new MapPartitionsRDD(p, "mapPartitions", (rows) => rows, false));
keepRddShape((p) => new UnionRDD(p.ctx, [p]));
