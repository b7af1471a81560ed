/** `zipWithIndex` and `zipWithUniqueId`: each row paired with a number that follows partition order. */
import { RDD, type Emit } from "./rdd.js";
import { NarrowDependency, type Dependency } from "./dependency.js";
import type { TaskContext } from "../scheduler/task.js";
import { kinds } from "./registry.js";

/**
 * Row `i` of partition `p` gets index `start[p] + i`, where `start[p]` is the number of rows in the
 * partitions before `p`. As in Spark, the starts come from a job that counts every partition but the last;
 * it runs once, when the first job over this RDD prepares, and the starts are kept for later jobs.
 */
export class ZippedWithIndexRDD<T> extends RDD<[T, number]> {
  readonly opName = "zipWithIndex";
  private starts: number[] | undefined;
  private counting: Promise<void> | undefined;

  constructor(readonly parent: RDD<T>) {
    super(parent.ctx);
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  parents(): RDD<unknown>[] {
    return [this.parent as RDD<unknown>];
  }

  dependencies(): Dependency[] {
    return [new NarrowDependency(this.parent as RDD<unknown>)];
  }

  override async prepare(): Promise<void> {
    if (this.starts) return;
    // One counting run: jobs preparing at the same time must see the same starts.
    this.counting ??= this.countPartitions().catch((e: unknown) => {
      this.counting = undefined; // a failed count is retried by the next job
      throw e;
    });
    await this.counting;
  }

  private async countPartitions(): Promise<void> {
    const n = this.parent.numPartitions;
    const counted = n <= 1 ? [] : await this.ctx.runJob(this.parent, "zipWithIndex (count partitions)", (split, tc) => {
      let rows = 0;
      this.parent.iterator(split, tc, () => rows++);
      return rows;
    }, Array.from({ length: n - 1 }, (_, i) => i));
    const starts = [0];
    for (const rows of counted) starts.push(starts[starts.length - 1]! + rows);
    this.starts = starts;
  }

  compute(split: number, tc: TaskContext, emit: Emit<[T, number]>): void {
    const starts = this.starts;
    if (!starts) throw new Error(`internal: zipWithIndex partition ${split} computed before its job prepared`);
    let index = starts[split]!;
    this.parent.iterator(split, tc, (row) => emit([row, index++]));
  }

  override describe(): string {
    return this.starts ? "partition starts counted" : "counts partitions when the first job prepares";
  }
}

kinds.ZippedWithIndexRDD = ZippedWithIndexRDD;
