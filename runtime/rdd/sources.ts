/** RDDs that read data from outside the lineage: an in-memory collection, a number range, text files. */
import { RDD, keepRddShape, type Emit } from "./rdd.js";
import type { Dependency } from "./dependency.js";
import type { TaskContext } from "../scheduler/task.js";
import type { Context } from "../context.js";
import { kinds } from "./registry.js";
import { InvalidArgumentError, requirePositiveInt } from "../errors.js";

/** Slices an array into `n` contiguous partitions (as Spark's ParallelCollectionRDD). */
export class ParallelCollectionRDD<T> extends RDD<T> {
  readonly opName = "parallelize";

  constructor(
    ctx: Context,
    readonly data: readonly T[],
    private readonly slices: number,
  ) {
    super(ctx);
    requirePositiveInt("parallelize numPartitions", slices);
  }

  get numPartitions(): number {
    return this.slices;
  }

  bounds(split: number): [number, number] {
    const n = this.data.length;
    return [Math.floor((split * n) / this.slices), Math.floor(((split + 1) * n) / this.slices)];
  }

  parents(): RDD<unknown>[] {
    return [];
  }

  dependencies(): Dependency[] {
    return [];
  }

  compute(split: number, _tc: TaskContext, emit: Emit<T>): void {
    const [start, end] = this.bounds(split);
    const data = this.data;
    for (let i = start; i < end; i++) emit(data[i]!);
  }

  override describe(): string {
    return `${this.data.length} rows, ${this.slices} partitions`;
  }
}

/** Numbers start, start+step, ... below end, computed per partition without an array. */
export class RangeRDD extends RDD<number> {
  readonly opName = "range";
  /** Exact row count, for size estimates. */
  readonly length: number;

  constructor(
    ctx: Context,
    readonly start: number,
    readonly end: number,
    readonly step: number,
    private readonly slices: number,
  ) {
    super(ctx);
    if (step === 0 || !Number.isFinite(step)) throw new InvalidArgumentError(`range step must be a non-zero finite number, got ${step}.`);
    requirePositiveInt("range numPartitions", slices);
    this.length = Math.max(0, Math.ceil((end - start) / step));
  }

  get numPartitions(): number {
    return this.slices;
  }

  parents(): RDD<unknown>[] {
    return [];
  }

  dependencies(): Dependency[] {
    return [];
  }

  compute(split: number, _tc: TaskContext, emit: Emit<number>): void {
    const from = Math.floor((split * this.length) / this.slices);
    const to = Math.floor(((split + 1) * this.length) / this.slices);
    for (let i = from; i < to; i++) emit(this.start + i * this.step);
  }

  override describe(): string {
    return `[${this.start}, ${this.end}) step ${this.step}`;
  }
}

kinds.ParallelCollectionRDD = ParallelCollectionRDD;
keepRddShape((p) => new ParallelCollectionRDD(p.ctx, [], 1));
keepRddShape((p) => new RangeRDD(p.ctx, 0, 1, 1, 1));
