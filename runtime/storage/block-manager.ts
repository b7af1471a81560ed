/**
 * Persisted partitions. Deserialized levels keep the rows themselves;
 * serialized levels keep the codec's bytes; disk levels write files under the
 * context's local directory. Memory is bounded by `storageMemoryBytes`: a
 * block that does not fit goes to disk when the level allows, and otherwise
 * is not cached (recomputed next time), as in Spark.
 */
import fs from "node:fs";
import path from "node:path";
import type { RDD, Emit } from "../rdd/rdd.js";
import type { TaskContext } from "../scheduler/task.js";
import type { Codec } from "../shuffle/codec.js";
import { StorageLevel } from "./level.js";
import { estimateRowsBytes } from "../join/estimator.js";
import { RddError } from "../errors.js";

interface Block {
  rows?: unknown[];
  bytes?: Uint8Array;
  file?: string;
  /** Memory it takes (rows: estimated from a sample; bytes: exact); 0 on disk. */
  memory: number;
  /** Serialized size, for size estimates. */
  size: number;
}

export class BlockManager {
  private readonly blocks = new Map<string, Block>();
  private memoryUsed = 0;
  private nextFile = 0;

  constructor(
    private readonly memoryBytes: number,
    private readonly scratchDir: () => string,
    private readonly codec: () => Codec,
  ) {}

  getOrCompute<T>(rdd: RDD<T>, split: number, tc: TaskContext, emit: Emit<T>): void {
    const key = `${rdd.id}/${split}`;
    const hit = this.blocks.get(key);
    if (hit) {
      tc.metrics.cacheHits++;
      const rows = this.rowsOf(hit) as T[];
      for (let i = 0; i < rows.length; i++) emit(rows[i]!);
      return;
    }
    const rows: T[] = [];
    rdd.compute(split, tc, (row) => rows.push(row));
    this.put(key, rows, rdd.storageLevel);
    for (let i = 0; i < rows.length; i++) emit(rows[i]!);
  }

  private rowsOf(block: Block): unknown[] {
    if (block.rows) return block.rows;
    if (block.bytes) return this.codec().decode(block.bytes);
    // A plain Uint8Array view, not the Buffer itself: msgpackr decodes binary values as the input's type, and rows hold Uint8Arrays.
    const data = fs.readFileSync(block.file!);
    return this.codec().decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  private put(key: string, rows: unknown[], level: StorageLevel): void {
    const codec = this.codec();
    if (level.useMemory && level.deserialized) {
      const size = estimateRowsBytes(rows, codec);
      if (this.memoryUsed + size <= this.memoryBytes) return this.store(key, { rows, memory: size, size });
    }
    const bytes = codec.encode(rows);
    if (level.useMemory && !level.deserialized && this.memoryUsed + bytes.byteLength <= this.memoryBytes) {
      return this.store(key, { bytes, memory: bytes.byteLength, size: bytes.byteLength });
    }
    if (level.useDisk) {
      const file = path.join(this.scratchDir(), `rdd_${key.replace("/", "_")}_${this.nextFile++}.block`);
      try {
        fs.writeFileSync(file, bytes);
      } catch (e) {
        throw new RddError(`Cannot write persisted block to ${file}: ${(e as Error).message}. Give the Context a writable localDir.`, { cause: e });
      }
      this.store(key, { file, memory: 0, size: bytes.byteLength });
    }
    // MEMORY_ONLY that does not fit: not cached; the partition is recomputed when needed again.
  }

  private store(key: string, block: Block): void {
    this.remove(key);
    this.blocks.set(key, block);
    this.memoryUsed += block.memory;
  }

  private remove(key: string): void {
    const old = this.blocks.get(key);
    if (!old) return;
    this.memoryUsed -= old.memory;
    if (old.file) fs.rmSync(old.file, { force: true });
    this.blocks.delete(key);
  }

  /** Serialized bytes of a fully cached RDD, or undefined if some partition is missing. */
  storedBytes(rddId: number, numPartitions: number): number | undefined {
    let total = 0;
    for (let p = 0; p < numPartitions; p++) {
      const b = this.blocks.get(`${rddId}/${p}`);
      if (!b) return undefined;
      total += b.size;
    }
    return total;
  }

  cachedPartitions(rddId: number, numPartitions: number): number {
    let n = 0;
    for (let p = 0; p < numPartitions; p++) if (this.blocks.has(`${rddId}/${p}`)) n++;
    return n;
  }

  removeRdd(rddId: number): void {
    for (const key of [...this.blocks.keys()]) if (key.startsWith(`${rddId}/`)) this.remove(key);
  }

  clear(): void {
    for (const key of [...this.blocks.keys()]) this.remove(key);
  }

  get memoryInUse(): number {
    return this.memoryUsed;
  }
}
