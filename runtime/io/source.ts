/**
 * The RDD every file reader returns: a list of splits planned when the reader is called (files listed,
 * partitions pruned, byte ranges or row groups cut), one partition per split, and a format function that
 * streams one split's rows. Partition columns of `key=value` directories are added to each row.
 */
import { RDD, type Emit } from "../rdd/rdd.js";
import type { Dependency } from "../rdd/dependency.js";
import type { TaskContext } from "../scheduler/task.js";
import type { Context } from "../context.js";
import { InvalidArgumentError, requirePositiveInt } from "../errors.js";
import type { InputFile } from "./paths.js";
import { BadValue, convertCell, dataError, type Schema } from "./schema.js";

export type PartitionValue = string | number | boolean | null;

/** Options every reader takes. */
export interface SourceOptions {
  /** Only these columns are converted and kept (Parquet: only their column chunks are read). Partition columns may be named too. */
  columns?: readonly string[];
  /** Partition pruning: keep only files whose `key=value` directories hold one of the listed values per key. */
  filter?: Readonly<Record<string, readonly PartitionValue[]>>;
  /** Partition pruning by a predicate over a file's partition values (typed by the schema, else strings). */
  partitionFilter?: (values: Record<string, PartitionValue>) => boolean;
  /**
   * Written by the rddopt transformer with the `columns` it adds (the call's file:line:column): those columns
   * are what downstream code reads, so a column the file lacks is left out instead of being an error.
   */
  site?: string;
}

/** What a split is: a byte range of a file, or (Parquet) a row group. */
export interface SourceSplit {
  file: string;
  start: number;
  end: number;
  /** Row group index (Parquet). */
  group?: number;
  /** The split that counts the file in `filesRead`. */
  firstOfFile: boolean;
  /** Partition values as they go into rows (typed, already narrowed to `columns`). */
  partitionValues: Record<string, PartitionValue>;
}

/** Reads one split, emitting rows; returns the bytes it read from the file. */
export type SplitReader<T> = (split: SourceSplit, emit: Emit<T>) => number;

export class FileSourceRDD<T> extends RDD<T> {
  constructor(
    ctx: Context,
    readonly opName: string,
    readonly location: string,
    readonly splits: readonly SourceSplit[],
    readonly skipped: { files: number; bytes: number },
    private readonly readSplit: SplitReader<T>,
    private readonly detail: string,
  ) {
    super(ctx);
  }

  get numPartitions(): number {
    return Math.max(1, this.splits.length);
  }

  parents(): RDD<unknown>[] {
    return [];
  }

  dependencies(): Dependency[] {
    return [];
  }

  override async prepare(): Promise<void> {
    if (this.skipped.files > 0) this.ctx.recordSourceSkipped(this.id, this.skipped.files, this.skipped.bytes);
  }

  compute(split: number, tc: TaskContext, emit: Emit<T>): void {
    const s = this.splits[split];
    if (!s) return; // no input file at all: one empty partition
    const bytes = this.readSplit(s, emit);
    tc.ctx.recordSourceRead(bytes, s.firstOfFile ? 1 : 0);
  }

  override describe(): string {
    const files = new Set(this.splits.map((s) => s.file)).size;
    const pruned = this.skipped.files ? `, ${this.skipped.files} files pruned` : "";
    return `${this.location}, ${files} files, ${this.splits.length} splits${pruned}${this.detail ? `, ${this.detail}` : ""}`;
  }
}

/** Partition values of a file, typed by the schema (else strings; Hive's default partition is null). */
export function typedPartitionValues(file: InputFile, schema: Schema | undefined): Record<string, PartitionValue> {
  const out: Record<string, PartitionValue> = {};
  for (const [key, raw] of Object.entries(file.partitionValues)) {
    const type = schema?.[key];
    try {
      out[key] = raw === null || type === undefined ? raw : convertCell(raw, type, key);
    } catch (e) {
      if (e instanceof BadValue) throw dataError(`partition directory ${key}=${raw}: ${e.message}`, file.file, undefined, key);
      throw e;
    }
  }
  return out;
}

/** Files kept by the partition filters, and what was skipped. */
export function prunePartitions(
  reader: string,
  files: readonly InputFile[],
  options: SourceOptions,
  schema: Schema | undefined,
): { kept: { file: InputFile; values: Record<string, PartitionValue> }[]; skipped: { files: number; bytes: number } } {
  const { filter, partitionFilter } = options;
  if (filter !== undefined && (typeof filter !== "object" || filter === null || Object.values(filter).some((v) => !Array.isArray(v)))) {
    throw new InvalidArgumentError(`${reader} filter must map partition columns to arrays of values, such as { date: ["2024-01-01"] }.`);
  }
  if (partitionFilter !== undefined && typeof partitionFilter !== "function") {
    throw new InvalidArgumentError(`${reader} partitionFilter must be a function (values) => boolean.`);
  }
  const kept: { file: InputFile; values: Record<string, PartitionValue> }[] = [];
  const skipped = { files: 0, bytes: 0 };
  for (const file of files) {
    const values = typedPartitionValues(file, schema);
    if (filter) {
      for (const key of Object.keys(filter)) {
        if (!(key in values)) {
          throw new InvalidArgumentError(
            `${reader} filter names "${key}", but ${file.file} is not under a ${key}=... directory. Filter only on partition columns (directories named column=value).`,
          );
        }
      }
    }
    const pass =
      (!filter || Object.entries(filter).every(([key, allowed]) => allowed.some((v) => samePartitionValue(values[key]!, v)))) &&
      (!partitionFilter || callPartitionFilter(reader, partitionFilter, values, file.file));
    if (pass) kept.push({ file, values });
    else {
      skipped.files++;
      skipped.bytes += file.size;
    }
  }
  return { kept, skipped };
}

function callPartitionFilter(
  reader: string,
  predicate: (values: Record<string, PartitionValue>) => boolean,
  values: Record<string, PartitionValue>,
  file: string,
): boolean {
  try {
    return !!predicate({ ...values });
  } catch (e) {
    throw new InvalidArgumentError(`${reader} partitionFilter threw for ${file} (partition values ${JSON.stringify(values)}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

function samePartitionValue(actual: PartitionValue, wanted: PartitionValue): boolean {
  if (actual === null || wanted === null) return actual === wanted;
  return actual === wanted || String(actual) === String(wanted);
}

/** Keeps only the partition columns a `columns` option names (all without one). */
export function selectedPartitionValues(values: Record<string, PartitionValue>, columns: readonly string[] | undefined): Record<string, PartitionValue> {
  if (!columns) return values;
  const out: Record<string, PartitionValue> = {};
  for (const c of columns) if (c in values) out[c] = values[c]!;
  return out;
}

/** Split size for `minPartitions` over `total` bytes, capped at `maxSplitBytes`. */
export function splitBytesFor(reader: string, total: number, minPartitions: number | undefined, maxSplitBytes: number | undefined, fallbackMax: number): number {
  requirePositiveInt(`${reader} minPartitions`, minPartitions);
  requirePositiveInt(`${reader} maxSplitBytes`, maxSplitBytes);
  const goal = Math.ceil(total / (minPartitions ?? 1));
  return Math.max(1, Math.min(goal, maxSplitBytes ?? fallbackMax));
}

/** The explain() detail of a `columns` option. */
export function columnsDetail(options: SourceOptions): string {
  if (!options.columns) return "";
  return `columns [${options.columns.join(", ")}]${options.site ? ` (pruned by rddopt, site ${options.site})` : ""}`;
}
