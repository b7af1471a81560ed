/**
 * Reliable checkpoints, as Spark's `rdd.checkpoint()` with `sc.setCheckpointDir(dir)`: an RDD marked for
 * checkpointing has its partitions written to files under the checkpoint directory after the next job
 * that runs over it finishes, and from then on its lineage is cut: its only dependency is a reader of
 * those files, so later jobs neither recompute its parents nor rerun their shuffles.
 *
 * Files: `<checkpoint dir>/rdd-<id>/part-00000`, ... one per partition, each a sequence of frames (a
 * little-endian uint32 byte length, then a batch of rows encoded with the context's codec), and
 * `_SUCCESS` once every partition is written.
 */
import fs from "node:fs";
import path from "node:path";
import { RDD, type Emit } from "./rdd.js";
import { NarrowDependency, type Dependency } from "./dependency.js";
import type { TaskContext } from "../scheduler/task.js";
import type { Partitioner } from "../shuffle/partitioner.js";
import type { Context } from "../context.js";
import type { PlanInput } from "../explain.js";
import { RddError } from "../errors.js";
import { kinds } from "./registry.js";
import { checkpointState, hasPendingCheckpoints, setCheckpointState } from "./checkpoint-state.js";

/** Rows per encoded frame: bounds the memory a partition's write or read holds at once. */
const ROWS_PER_FRAME = 4096;

/**
 * After a job over `root`: writes every RDD of its lineage that is marked for checkpointing, nearest
 * first, without looking past a marked RDD (its ancestors are cut off anyway), as Spark's doCheckpoint.
 */
export async function writeMarkedCheckpoints(ctx: Context, root: RDD<unknown>): Promise<void> {
  if (!hasPendingCheckpoints(ctx)) return;
  for (const rdd of markedInLineage(root)) {
    const state = checkpointState(rdd)!;
    // Being written by another job, or this is the checkpoint job itself (waiting for it would deadlock).
    if (state.phase !== "marked") continue;
    setCheckpointState(rdd, { phase: "writing" });
    await writeCheckpoint(ctx, rdd);
  }
}

function markedInLineage(root: RDD<unknown>): RDD<unknown>[] {
  const found: RDD<unknown>[] = [];
  const seen = new Set<RDD<unknown>>();
  const visit = (rdd: RDD<unknown>) => {
    if (seen.has(rdd)) return;
    seen.add(rdd);
    if (checkpointState(rdd)) {
      found.push(rdd);
      return;
    }
    for (const dep of rdd.dependencies()) visit(dep.rdd as RDD<unknown>);
  };
  visit(root);
  return found;
}

async function writeCheckpoint(ctx: Context, rdd: RDD<unknown>): Promise<void> {
  const dir = path.join(ctx.checkpointDir!, `rdd-${rdd.id}`);
  try {
    fs.rmSync(dir, { recursive: true, force: true }); // leftovers of an earlier failed write
    fs.mkdirSync(dir, { recursive: true });
    // The write is a job of its own (as in Spark): it computes the RDD again unless it is persisted.
    await ctx.runJob(rdd, "checkpoint", (split, tc) => writePartition(rdd, split, tc, dir));
    fs.writeFileSync(path.join(dir, "_SUCCESS"), "");
  } catch (e) {
    setCheckpointState(rdd, { phase: "marked" }); // the next job tries again
    throw e;
  }
  const reader = new CheckpointRDD<unknown>(rdd.ctx, dir, rdd.numPartitions, rdd.partitioner, rdd.id);
  cutLineage(rdd, reader);
  setCheckpointState(rdd, { phase: "written", dir });
}

export function partitionFile(dir: string, split: number): string {
  return path.join(dir, `part-${String(split).padStart(5, "0")}`);
}

function writePartition(rdd: RDD<unknown>, split: number, tc: TaskContext, dir: string): void {
  const file = partitionFile(dir, split);
  const temporary = `${file}.tmp`;
  const codec = tc.ctx.codec;
  const fd = openOrExplain(temporary, "w");
  try {
    let batch: unknown[] = [];
    const flush = () => {
      const bytes = codec.encode(batch);
      const header = Buffer.alloc(4);
      header.writeUInt32LE(bytes.byteLength, 0);
      fs.writeSync(fd, header);
      fs.writeSync(fd, bytes);
      batch = [];
    };
    rdd.iterator(split, tc, (row) => {
      batch.push(row);
      if (batch.length === ROWS_PER_FRAME) flush();
    });
    if (batch.length > 0) flush();
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

function openOrExplain(file: string, flags: "r" | "w"): number {
  try {
    return fs.openSync(file, flags);
  } catch (e) {
    throw new RddError(
      flags === "w"
        ? `Cannot write checkpoint file ${file}: ${(e as Error).message}. Pass a writable directory to ctx.setCheckpointDir(dir).`
        : `Cannot read checkpoint file ${file}: ${(e as Error).message}. Checkpoint files must stay in place while the Context runs.`,
      { cause: e },
    );
  }
}

/**
 * The lineage cut, as Spark's `markCheckpointed`: the RDD keeps its class, partition count and partitioner,
 * but from now on its parents, dependencies and rows are the reader's (its own compute and prepare, which
 * would read the old parents, are shadowed on the instance).
 */
function cutLineage(rdd: RDD<unknown>, reader: CheckpointRDD<unknown>): void {
  rdd.parents = () => [reader];
  rdd.dependencies = () => [new NarrowDependency(reader)];
  rdd.compute = (split, tc, emit) => reader.compute(split, tc, emit);
  rdd.prepare = async () => {};
  (rdd as { planInputs?: () => PlanInput[] }).planInputs = () => [{ rdd: reader }];
}

/** Reads a checkpointed RDD's partitions back from their files. */
export class CheckpointRDD<T> extends RDD<T> {
  readonly opName = "checkpoint";

  constructor(
    ctx: Context,
    readonly dir: string,
    private readonly partitions: number,
    private readonly placement: Partitioner | undefined,
    private readonly ofRdd: number,
  ) {
    super(ctx);
  }

  get numPartitions(): number {
    return this.partitions;
  }

  override get partitioner(): Partitioner | undefined {
    return this.placement;
  }

  parents(): RDD<unknown>[] {
    return [];
  }

  dependencies(): Dependency[] {
    return [];
  }

  compute(split: number, tc: TaskContext, emit: Emit<T>): void {
    const fd = openOrExplain(partitionFile(this.dir, split), "r");
    try {
      const header = Buffer.alloc(4);
      let position = 0;
      for (;;) {
        if (fs.readSync(fd, header, 0, 4, position) < 4) return;
        const length = header.readUInt32LE(0);
        const bytes = Buffer.alloc(length);
        if (fs.readSync(fd, bytes, 0, length, position + 4) < length) {
          throw new RddError(`Checkpoint file ${partitionFile(this.dir, split)} is truncated. Checkpoint files must not change while the Context runs.`);
        }
        position += 4 + length;
        const rows = tc.ctx.codec.decode(bytes) as T[];
        for (let i = 0; i < rows.length; i++) emit(rows[i]!);
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  override describe(): string {
    return `of RDD ${this.ofRdd} from ${this.dir}`;
  }
}

kinds.CheckpointRDD = CheckpointRDD;
