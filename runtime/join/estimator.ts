/**
 * Size estimates for join sides, from the cheapest fact available:
 *  - facts known without running anything: a parallelized collection's
 *    length and a strided sample of its rows; a persisted RDD's stored bytes;
 *    an already-run shuffle's written bytes;
 *  - otherwise partitions computed by the join itself (which keeps them, so
 *    nothing is computed twice), each measured from a strided sample of its
 *    rows encoded with the shuffle codec, extrapolated over the partitions.
 */
import type { RDD } from "../rdd/rdd.js";
import type { Codec } from "../shuffle/codec.js";
import { ParallelCollectionRDD, RangeRDD } from "../rdd/sources.js";
import { ProjectedRDD } from "../rdd/narrow.js";
import { ShuffledRDD } from "../rdd/shuffled.js";
import { ShuffleDependency } from "../rdd/dependency.js";
import { StorageLevel } from "../storage/level.js";
import { SerializationError } from "../errors.js";

export const SAMPLE_ROWS = 256;

/** A strided sample of at most SAMPLE_ROWS rows (all of them when there are fewer). */
function sampleRows(rows: readonly unknown[]): unknown[] {
  if (rows.length <= SAMPLE_ROWS) return [...rows];
  const sample: unknown[] = [];
  const stride = rows.length / SAMPLE_ROWS;
  for (let i = 0; i < SAMPLE_ROWS; i++) sample.push(rows[Math.floor(i * stride)]);
  return sample;
}

/** Encoded bytes of `rows`, measured on a strided sample of at most SAMPLE_ROWS rows. */
export function estimateRowsBytes(rows: readonly unknown[], codec: Codec): number {
  const n = rows.length;
  if (n === 0) return 0;
  if (n <= SAMPLE_ROWS) return codec.encode(rows).byteLength;
  return Math.ceil((codec.encode(sampleRows(rows)).byteLength / SAMPLE_ROWS) * n);
}

export interface SizeHint {
  bytes: number;
  /** Where the figure comes from, for the decision's reason. */
  source: string;
}

/** A size known without computing the RDD, or undefined. */
export function knownSize(rdd: RDD<unknown>, codec: Codec): SizeHint | undefined {
  // A pruning projection keeps its input's size known: a parallelized input is sampled through it, and any
  // other known size bounds the projected one from above (a projection only drops parts), a safe estimate.
  if (rdd instanceof ProjectedRDD) {
    const parent = rdd.parent as RDD<unknown>;
    if (parent instanceof ParallelCollectionRDD) {
      const projected = sampleRows(parent.data).map((row) => rdd.projectRow(row));
      try {
        const bytes = projected.length ? Math.ceil((codec.encode(projected).byteLength / projected.length) * parent.data.length) : 0;
        return { bytes, source: `parallelized collection of ${parent.data.length} rows, sampled through its projection` };
      } catch (e) {
        if (e instanceof SerializationError) return undefined;
        throw e;
      }
    }
    const upper = knownSize(parent, codec);
    return upper && { bytes: upper.bytes, source: `${upper.source}, before its projection (an upper bound)` };
  }
  if (rdd instanceof ParallelCollectionRDD) {
    let bytes: number;
    try {
      bytes = estimateRowsBytes(rdd.data, codec);
    } catch (e) {
      // A value the codec rejects: no size is known, so the side is computed in a task, whose encode fails it as a shuffle's would.
      if (e instanceof SerializationError) return undefined;
      throw e;
    }
    return { bytes, source: `parallelized collection of ${rdd.data.length} rows, sampled` };
  }
  if (rdd instanceof RangeRDD) return { bytes: rdd.length * 8, source: `range of ${rdd.length} numbers` };
  if (rdd.storageLevel !== StorageLevel.NONE) {
    const stored = rdd.ctx.blockManager.storedBytes(rdd.id, rdd.numPartitions);
    if (stored !== undefined) return { bytes: stored, source: "persisted blocks" };
  }
  if (rdd instanceof ShuffledRDD) {
    // After combining, the written bytes bound the output from above: still a safe estimate.
    const dep = rdd.dependencies()[0];
    if (dep instanceof ShuffleDependency && rdd.ctx.shuffleStore.hasShuffle(dep.shuffleId, dep.rdd.numPartitions)) {
      return { bytes: rdd.ctx.shuffleStore.shuffleBytes(dep.shuffleId, dep.rdd.numPartitions), source: "bytes its shuffle wrote" };
    }
  }
  return undefined;
}

/** Partition order that samples across the RDD early: 0, n/2, n/4, 3n/4, ... */
export function spreadOrder(n: number): number[] {
  const order: number[] = [];
  const seen = new Set<number>();
  for (let step = n; order.length < n; step = Math.max(1, Math.floor(step / 2))) {
    for (let p = 0; p < n; p += step) {
      if (!seen.has(p)) {
        seen.add(p);
        order.push(p);
      }
    }
    if (step === 1) break;
  }
  return order;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
