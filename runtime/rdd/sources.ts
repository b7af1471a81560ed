/** RDDs that read data from outside the lineage: an in-memory collection, a number range, text files. */
import fs from "node:fs";
import path from "node:path";
import { RDD, type Emit } from "./rdd.js";
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

export interface FileSplit {
  file: string;
  start: number;
  end: number;
}

/**
 * Lines of a text file, or of every file in a directory (such as
 * saveAsTextFile's output). Files are cut into byte ranges; a line belongs to
 * the split in which it starts, as in Hadoop's line reader.
 */
export class TextFileRDD extends RDD<string> {
  readonly opName = "textFile";
  private readonly splits: FileSplit[];

  constructor(
    ctx: Context,
    readonly location: string,
    minPartitions: number,
  ) {
    super(ctx);
    requirePositiveInt("textFile minPartitions", minPartitions);
    this.splits = TextFileRDD.plan(location, minPartitions);
  }

  private static plan(location: string, minPartitions: number): FileSplit[] {
    let files: string[];
    try {
      files = fs.statSync(location).isDirectory()
        ? fs
            .readdirSync(location)
            .filter((f) => !f.startsWith("_") && !f.startsWith("."))
            .sort()
            .map((f) => path.join(location, f))
        : [location];
    } catch (e) {
      throw new InvalidArgumentError(`textFile: cannot read ${location} (${(e as Error).message}). Check the path exists and is readable.`);
    }
    const sizes = files.map((f) => fs.statSync(f).size);
    const total = sizes.reduce((a, b) => a + b, 0);
    const goal = Math.max(1, Math.ceil(total / minPartitions));
    const splits: FileSplit[] = [];
    files.forEach((file, i) => {
      const size = sizes[i]!;
      if (size === 0) return;
      for (let start = 0; start < size; start += goal) splits.push({ file, start, end: Math.min(size, start + goal) });
    });
    if (splits.length === 0) splits.push({ file: files[0] ?? location, start: 0, end: 0 });
    return splits;
  }

  get numPartitions(): number {
    return this.splits.length;
  }

  parents(): RDD<unknown>[] {
    return [];
  }

  dependencies(): Dependency[] {
    return [];
  }

  /** The byte range partition `split` reads (for a worker, which reads it with {@link readSplitLines}). */
  split(split: number): FileSplit {
    return this.splits[split]!;
  }

  compute(split: number, _tc: TaskContext, emit: Emit<string>): void {
    readSplitLines(this.splits[split]!, emit);
  }

  override describe(): string {
    return `${this.location}, ${this.splits.length} splits`;
  }
}

/** Emits the lines that start inside the split's byte range (see TextFileRDD). */
export function readSplitLines({ file, start, end }: FileSplit, emit: Emit<string>): void {
    if (end <= start) return;
    const fd = fs.openSync(file, "r");
    try {
      // Read the range plus whatever runs past its end up to the next newline.
      const chunks: Buffer[] = [];
      let pos = start;
      let buf = Buffer.alloc(end - start);
      let read = fs.readSync(fd, buf, 0, buf.length, pos);
      chunks.push(buf.subarray(0, read));
      pos += read;
      while (read > 0 && chunks[chunks.length - 1]![chunks[chunks.length - 1]!.length - 1] !== 0x0a) {
        buf = Buffer.alloc(64 * 1024);
        read = fs.readSync(fd, buf, 0, buf.length, pos);
        const nl = buf.subarray(0, read).indexOf(0x0a);
        const take = nl === -1 ? read : nl + 1;
        chunks.push(buf.subarray(0, take));
        pos += take;
        if (nl !== -1) break;
      }
      let text = Buffer.concat(chunks);
      if (start > 0) {
        // The line crossing our start belongs to the previous split, unless we start right after a newline.
        const prev = Buffer.alloc(1);
        fs.readSync(fd, prev, 0, 1, start - 1);
        if (prev[0] !== 0x0a) {
          const nl = text.indexOf(0x0a);
          text = nl === -1 ? Buffer.alloc(0) : text.subarray(nl + 1);
        }
      }
      // Only lines that start inside [start, end) belong here.
      const lines = text.toString("utf8").split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      for (const line of lines) emit(line.endsWith("\r") ? line.slice(0, -1) : line);
    } finally {
      fs.closeSync(fd);
    }
}

kinds.ParallelCollectionRDD = ParallelCollectionRDD;
