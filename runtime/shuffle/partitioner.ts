import { compareKeys, hashKey, type Key } from "./keys.js";
import { requirePositiveInt } from "../errors.js";
import { keepShapeOf } from "../shapes.js";

/** How keys are placed into partitions. Two partitioners that are `equals` place every key alike. */
export interface Partitioner {
  readonly numPartitions: number;
  getPartition(key: Key): number;
  equals(other: Partitioner | undefined): boolean;
  describe(): string;
}

/** Places a key by its stable hash (see keys.ts), as Spark's HashPartitioner does. */
export class HashPartitioner implements Partitioner {
  constructor(readonly numPartitions: number) {
    requirePositiveInt("HashPartitioner numPartitions", numPartitions);
  }

  getPartition(key: Key): number {
    // Hot path: int32 keys hash inline.
    if (typeof key === "number" && (key | 0) === key) {
      let h = key;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return (h >>> 0) % this.numPartitions;
    }
    return (hashKey(key) >>> 0) % this.numPartitions;
  }

  equals(other: Partitioner | undefined): boolean {
    return other instanceof HashPartitioner && other.numPartitions === this.numPartitions;
  }

  describe(): string {
    return `hashpartitioning(${this.numPartitions})`;
  }
}

/**
 * Places keys into ordered ranges, so partition i holds keys no greater than
 * partition i+1's. Bounds come from a sample of the keys (see `fromSample`).
 */
export class RangePartitioner implements Partitioner {
  readonly numPartitions: number;

  constructor(
    readonly bounds: readonly Key[],
    readonly ascending = true,
  ) {
    this.numPartitions = bounds.length + 1;
  }

  /** Picks numPartitions-1 evenly spaced bounds out of sorted sample keys (weights per sample give each its share). */
  static fromSample(numPartitions: number, sample: readonly Key[], ascending = true): RangePartitioner {
    requirePositiveInt("numPartitions", numPartitions);
    const sorted = [...sample].sort(compareKeys);
    const bounds: Key[] = [];
    if (sorted.length > 0) {
      for (let i = 1; i < numPartitions; i++) {
        const candidate = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / numPartitions))];
        const last = bounds[bounds.length - 1];
        if (bounds.length === 0 || compareKeys(candidate, last) > 0) bounds.push(candidate);
      }
    }
    if (!ascending) bounds.reverse();
    return new RangePartitioner(bounds, ascending);
  }

  getPartition(key: Key): number {
    // Binary search for the first bound >= key (ascending) or <= key (descending).
    let lo = 0;
    let hi = this.bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(key, this.bounds[mid]);
      if (this.ascending ? c > 0 : c < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  equals(other: Partitioner | undefined): boolean {
    if (!(other instanceof RangePartitioner)) return false;
    if (other.ascending !== this.ascending || other.bounds.length !== this.bounds.length) return false;
    return this.bounds.every((b, i) => compareKeys(b, other.bounds[i]) === 0);
  }

  describe(): string {
    return `rangepartitioning(${this.numPartitions}, ${this.ascending ? "ascending" : "descending"})`;
  }
}

keepShapeOf(new HashPartitioner(1)); // its hidden class outlives every job (shapes.ts)
