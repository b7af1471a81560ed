/**
 * Which RDDs are marked for checkpointing and which are written (see checkpoint.ts). Kept apart from the
 * writer and reader so that rdd.ts can use it without an import cycle (the reader extends RDD).
 */
import type { RDD } from "./rdd.js";
import type { Context } from "../context.js";
import { InvalidArgumentError } from "../errors.js";

export type CheckpointState = { phase: "marked" } | { phase: "writing" } | { phase: "written"; dir: string };

const states = new WeakMap<RDD<unknown>, CheckpointState>();
/** Marked RDDs not yet written, per context: a job's lineage is walked only when there are any. */
const pendingByContext = new WeakMap<Context, number>();

/** `rdd.checkpoint()`: marks the RDD; the next job over it writes it. */
export function markForCheckpoint(rdd: RDD<unknown>): void {
  if (rdd.ctx.checkpointDir === undefined) {
    throw new InvalidArgumentError(
      `checkpoint() needs a checkpoint directory: call ctx.setCheckpointDir(dir) first (checkpoint files are written under it).`,
    );
  }
  if (states.has(rdd)) return; // marking again changes nothing (as in Spark)
  states.set(rdd, { phase: "marked" });
  pendingByContext.set(rdd.ctx, (pendingByContext.get(rdd.ctx) ?? 0) + 1);
}

export function checkpointState(rdd: RDD<unknown>): CheckpointState | undefined {
  return states.get(rdd);
}

export function setCheckpointState(rdd: RDD<unknown>, state: CheckpointState): void {
  if (state.phase === "written") pendingByContext.set(rdd.ctx, (pendingByContext.get(rdd.ctx) ?? 1) - 1);
  states.set(rdd, state);
}

export function hasPendingCheckpoints(ctx: Context): boolean {
  return (pendingByContext.get(ctx) ?? 0) > 0;
}

/** `rdd.isCheckpointed()`: the files are written and the lineage cut. */
export function isCheckpointed(rdd: RDD<unknown>): boolean {
  return states.get(rdd)?.phase === "written";
}

/** `rdd.getCheckpointFile()`: the directory holding the RDD's checkpoint files, once written. */
export function checkpointFileOf(rdd: RDD<unknown>): string | undefined {
  const state = states.get(rdd);
  return state?.phase === "written" ? state.dir : undefined;
}
