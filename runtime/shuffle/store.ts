/**
 * Where map outputs live between the map and the reduce side of a shuffle.
 * Each map task hands over one block per reduce partition; blocks stay in
 * memory while the store is under `memoryBytes` and are spilled otherwise:
 * one file per map output (data + an in-memory index, as Spark's sort
 * shuffle does), read back with positioned reads.
 */
import fs from "node:fs";
import path from "node:path";
import { RddError } from "../errors.js";

interface MapOutput {
  blocks?: Uint8Array[]; // in memory
  file?: string; // spilled: the blocks back to back in this file
  offsets?: number[]; // block r is [offsets[r], offsets[r+1])
  bytes: number;
}

export class ShuffleStore {
  private readonly outputs = new Map<string, MapOutput>();
  private memoryUsed = 0;
  private nextFile = 0;

  constructor(
    private readonly memoryBytes: number,
    /** The context's private directory (created on first use). */
    private readonly scratchDir: () => string,
  ) {}

  /** Stores one map task's blocks (index = reduce partition); returns the bytes it spilled to disk. */
  putMapOutput(shuffleId: number, mapId: number, blocks: Uint8Array[]): number {
    let bytes = 0;
    for (const b of blocks) bytes += b.byteLength;
    const key = `${shuffleId}/${mapId}`;
    this.remove(key);
    if (this.memoryUsed + bytes <= this.memoryBytes) {
      this.outputs.set(key, { blocks, bytes });
      this.memoryUsed += bytes;
      return 0;
    }
    const file = path.join(this.scratchDir(), `shuffle_${shuffleId}_${mapId}_${this.nextFile++}.data`);
    const offsets = [0];
    try {
      const fd = fs.openSync(file, "w");
      try {
        for (const b of blocks) {
          fs.writeSync(fd, b);
          offsets.push(offsets[offsets.length - 1]! + b.byteLength);
        }
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      throw new RddError(
        `Cannot spill shuffle data to ${file}: ${(e as Error).message}. ` +
          `Give the Context a writable localDir, or raise shuffleMemoryBytes so the shuffle fits in memory.`,
        { cause: e },
      );
    }
    this.outputs.set(key, { file, offsets, bytes });
    return bytes;
  }

  /** The block a map task wrote for one reduce partition (empty when it wrote none). */
  getBlock(shuffleId: number, mapId: number, reduceId: number): Uint8Array | undefined {
    const out = this.outputs.get(`${shuffleId}/${mapId}`);
    if (!out) throw new RddError(`Shuffle ${shuffleId} has no output for map task ${mapId}; it was removed (context stopped?).`);
    if (out.blocks) return out.blocks[reduceId];
    const start = out.offsets![reduceId]!;
    const length = out.offsets![reduceId + 1]! - start;
    if (length === 0) return undefined;
    const buf = new Uint8Array(length);
    const fd = fs.openSync(out.file!, "r");
    try {
      fs.readSync(fd, buf, 0, length, start);
    } finally {
      fs.closeSync(fd);
    }
    return buf;
  }

  /** Bytes written per reduce partition over the given map outputs (for size estimates after a shuffle ran). */
  hasShuffle(shuffleId: number, numMaps: number): boolean {
    for (let m = 0; m < numMaps; m++) if (!this.outputs.has(`${shuffleId}/${m}`)) return false;
    return true;
  }

  shuffleBytes(shuffleId: number, numMaps: number): number {
    let total = 0;
    for (let m = 0; m < numMaps; m++) total += this.outputs.get(`${shuffleId}/${m}`)?.bytes ?? 0;
    return total;
  }

  removeShuffle(shuffleId: number, numMaps: number): void {
    for (let m = 0; m < numMaps; m++) this.remove(`${shuffleId}/${m}`);
  }

  /** Frees memory and deletes every spill file. */
  clear(): void {
    for (const key of [...this.outputs.keys()]) this.remove(key);
  }

  get memoryInUse(): number {
    return this.memoryUsed;
  }

  private remove(key: string): void {
    const out = this.outputs.get(key);
    if (!out) return;
    if (out.blocks) this.memoryUsed -= out.bytes;
    if (out.file) fs.rmSync(out.file, { force: true });
    this.outputs.delete(key);
  }
}
