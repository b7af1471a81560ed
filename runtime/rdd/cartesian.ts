/** `cartesian`: every pair of a row of one RDD with a row of another. */
import { RDD, type Emit } from "./rdd.js";
import { NarrowDependency, type Dependency } from "./dependency.js";
import type { TaskContext } from "../scheduler/task.js";
import { kinds } from "./registry.js";

/**
 * Partition `i * m + j` (with `m` partitions on the right) pairs partition `i` of the left with partition
 * `j` of the right, as Spark's CartesianRDD: narrow dependencies on both, no shuffle. The right partition
 * is computed once per output partition and held in memory while the left one streams past it.
 */
export class CartesianRDD<T, U> extends RDD<[T, U]> {
  readonly opName = "cartesian";

  constructor(
    readonly left: RDD<T>,
    readonly right: RDD<U>,
  ) {
    super(left.ctx);
  }

  get numPartitions(): number {
    return this.left.numPartitions * this.right.numPartitions;
  }

  parents(): RDD<unknown>[] {
    return [this.left as RDD<unknown>, this.right as RDD<unknown>];
  }

  dependencies(): Dependency[] {
    return [
      new NarrowDependency(this.left as RDD<unknown>, (p) => [Math.floor(p / this.right.numPartitions)]),
      new NarrowDependency(this.right as RDD<unknown>, (p) => [p % this.right.numPartitions]),
    ];
  }

  compute(split: number, tc: TaskContext, emit: Emit<[T, U]>): void {
    const m = this.right.numPartitions;
    const rights: U[] = [];
    this.right.iterator(split % m, tc, (row) => rights.push(row));
    if (rights.length === 0) return; // nothing to pair with: the left partition need not run
    this.left.iterator(Math.floor(split / m), tc, (row) => {
      for (let i = 0; i < rights.length; i++) emit([row, rights[i]!]);
    });
  }

  override describe(): string {
    return `${this.left.numPartitions} x ${this.right.numPartitions} partitions`;
  }
}

kinds.CartesianRDD = CartesianRDD;
