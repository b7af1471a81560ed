/**
 * `ctx.readCsv`: CSV on csv-parse, streamed chunk by chunk (csv-parse's incremental parser), typed by a schema.
 *
 * Splits: a quoted field may hold a newline, and no byte offset tells whether it falls inside quotes without
 * reading everything before it. So by default (`multiLine: true`) each file is one split, still streamed
 * (a file larger than memory is fine; it is just not read in parallel). With `multiLine: false` the caller
 * promises no field holds a newline, and large files are cut at line boundaries like text files.
 */
import { Parser } from "csv-parse";
import type { Context } from "../context.js";
import type { RDD } from "../rdd/rdd.js";
import { InvalidArgumentError } from "../errors.js";
import { listInputFiles } from "./paths.js";
import { FileSourceRDD, columnsDetail, prunePartitions, selectedPartitionValues, splitBytesFor, type PartitionValue, type SourceOptions, type SourceSplit } from "./source.js";
import { planLineSplits, readSplitChunks, type SplitCursor } from "./line-source.js";
import { DEFAULT_MAX_SPLIT_BYTES, forEachChunk, openSource } from "./splits.js";
import { BadValue, checkColumns, checkSchema, convertCell, dataError, type ColumnType, type Schema } from "./schema.js";

export interface CsvOptions extends SourceOptions {
  /** The first record names the columns (default true); false names them `_c0`, `_c1`, ... as Spark does. */
  header?: boolean;
  /** Column types: values of other columns stay strings; an empty number or boolean cell reads as null. */
  schema?: Schema;
  /** Field delimiter (default ","). */
  delimiter?: string;
  /** Quote character (default "\""); false turns quoting off. */
  quote?: string | false;
  /** Escape character inside quotes (default: the quote itself, `""`). */
  escape?: string;
  /** Lines starting with this are comments. */
  comment?: string;
  /** Trim whitespace around fields (default false). */
  trim?: boolean;
  /** Skip empty lines (default true). */
  skipEmptyLines?: boolean;
  /** Fields may hold newlines (default true: one split per file). false: files are split at line boundaries. */
  multiLine?: boolean;
  /** A record with fewer or more fields than the header is kept, missing cells read as empty (default false: an error). */
  relaxColumnCount?: boolean;
  minPartitions?: number;
  maxSplitBytes?: number;
}

const READER = "readCsv";

/** The incremental API csv-parse's stream Parser wraps (push-based and synchronous); records are `string[]`, or `CsvRecord` with `info`. */
interface CsvApi {
  parse<R extends string[] | CsvRecord>(buf: Buffer | undefined, end: boolean, push: (record: R) => void, close: () => void): Error | undefined;
}
interface CsvRecord {
  record: string[];
  info: { lines: number };
}

function parserOptions(options: CsvOptions): Record<string, unknown> {
  return {
    delimiter: options.delimiter ?? ",",
    quote: options.quote === false ? null : (options.quote ?? '"'),
    ...(options.escape !== undefined ? { escape: options.escape } : {}),
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
    trim: options.trim ?? false,
    skip_empty_lines: options.skipEmptyLines ?? true,
    relax_column_count: true, // field counts are checked here, with an error naming the file and line
    bom: true,
  };
}

function newApi(options: CsvOptions, info = true): CsvApi {
  const parser = new Parser({ ...parserOptions(options), info }) as unknown as { api?: CsvApi };
  if (!parser.api || typeof parser.api.parse !== "function") {
    throw new InvalidArgumentError("readCsv needs csv-parse 5 or later (its incremental parser was not found). Reinstall rddopt's dependencies.");
  }
  return parser.api;
}

/** One column a row keeps: where it is in a record, its name and declared type. */
interface KeptColumn {
  index: number;
  name: string;
  type: ColumnType | undefined;
}

interface CsvFilePlan {
  names: string[];
  kept: KeptColumn[];
}

export function readCsv<T>(ctx: Context, location: string, options: CsvOptions = {}): RDD<T> {
  checkSchema(READER, options.schema);
  checkColumns(READER, options.columns);
  for (const key of ["delimiter", "escape", "comment"] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== "string" || v === "")) throw new InvalidArgumentError(`readCsv ${key} must be a non-empty string, got ${JSON.stringify(v)}.`);
  }
  const files = listInputFiles(location, READER);
  const { kept, skipped } = prunePartitions(READER, files, options, options.schema);
  const plans = new Map<string, CsvFilePlan>();
  for (const k of kept) if (k.file.size > 0) plans.set(k.file.file, planFile(k.file.file, Object.keys(k.values), options));
  const total = kept.reduce((a, k) => a + k.file.size, 0);
  const splitBytes = splitBytesFor(READER, total, options.minPartitions, options.maxSplitBytes, DEFAULT_MAX_SPLIT_BYTES);
  const splits = planLineSplits(
    kept.map((k) => ({ file: k.file.file, size: k.file.size, values: selectedPartitionValues(k.values, options.columns) })),
    splitBytes,
    options.multiLine ?? true,
  );
  const read = (split: SourceSplit, emit: (row: T) => void) => readCsvSplit(split, plans.get(split.file)!, options, emit);
  const mode = (options.multiLine ?? true) ? "one split per file (multiLine)" : "line splits";
  return new FileSourceRDD<T>(ctx, READER, location, splits, skipped, read, [mode, columnsDetail(options)].filter(Boolean).join(", "));
}

/** Column names (from the header, or `_c0`...) and the columns rows keep, checked against schema and `columns`. */
function planFile(file: string, partitionColumns: readonly string[], options: CsvOptions): CsvFilePlan {
  const first = firstRecord(file, options);
  const header = options.header ?? true;
  const names = header ? (first ?? []) : (first ?? []).map((_, i) => `_c${i}`);
  if (header) {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) throw dataError(`the header names column "${n}" twice. Rename one, or read with header: false.`, file, 1, n);
      seen.add(n);
    }
  }
  const known = (c: string) => names.includes(c) || partitionColumns.includes(c);
  for (const c of Object.keys(options.schema ?? {})) {
    if (!known(c) && first !== undefined) {
      throw dataError(`the schema declares column "${c}", which the file does not have (columns: ${names.join(", ")}). Fix the schema or the header.`, file, 1, c);
    }
  }
  for (const c of options.columns ?? []) {
    if (!known(c) && first !== undefined && options.site === undefined) {
      throw dataError(`columns names "${c}", which the file does not have (columns: ${names.join(", ")}).`, file, 1, c);
    }
  }
  const wanted = options.columns ? names.filter((n) => options.columns!.includes(n)) : names;
  const kept = wanted.filter((n) => !partitionColumns.includes(n)).map((name) => ({ index: names.indexOf(name), name, type: options.schema?.[name] }));
  return { names, kept };
}

/** The first record of a file (its header), reading only as far as it ends. */
function firstRecord(file: string, options: CsvOptions): string[] | undefined {
  const api = newApi(options);
  const source = openSource(file);
  let first: string[] | undefined;
  try {
    const stop = new Error("first record read");
    try {
      forEachChunk(source, 0, source.size, (bytes) => {
        const err = api.parse(bytes, false, (r: CsvRecord) => (first ??= r.record), () => {});
        if (err) throw dataError(err.message, file, lineOf(err), undefined);
        if (first) throw stop;
      }, 64 * 1024);
      if (!first) {
        const err = api.parse(undefined, true, (r: CsvRecord) => (first ??= r.record), () => {});
        if (err) throw dataError(err.message, file, lineOf(err), undefined);
      }
    } catch (e) {
      if (e !== stop) throw e;
    }
  } finally {
    source.close();
  }
  return first;
}

function lineOf(err: Error): number | undefined {
  const lines = (err as { lines?: unknown }).lines;
  return typeof lines === "number" ? lines : undefined;
}

function readCsvSplit<T>(split: SourceSplit, plan: CsvFilePlan, options: CsvOptions, emit: (row: T) => void): number {
  // No per-record info objects on the hot path (they cost csv-parse about 40%): a record's line is found again
  // only when an error needs it (recordLine).
  const api = newApi(options, false);
  const header = options.header ?? true;
  const relax = options.relaxColumnCount ?? false;
  const values: Record<string, PartitionValue> = split.partitionValues;
  const hasValues = Object.keys(values).length > 0;
  const width = plan.names.length;
  const kept = plan.kept;
  let skipHeader = false;
  let cursor: SplitCursor | undefined;
  let range = { from: 0, to: 0 };
  let records = 0; // records parsed in this split, the header included
  const baseLine = () => (range.from === 0 || !cursor ? 0 : cursor.lineAt(range.from) - 1);
  const lineOfRecord = () => (cursor ? baseLine() + recordLine(cursor, range, options, records) : undefined);
  const push = (record: string[]) => {
    records++;
    if (skipHeader) {
      skipHeader = false;
      return;
    }
    if (record.length !== width && !relax && width > 0) {
      throw dataError(
        `the record has ${record.length} fields, the ${header ? "header" : "first record"} has ${width}. Fix the row, quote fields holding "${options.delimiter ?? ","}", or pass relaxColumnCount: true.`,
        split.file,
        lineOfRecord(),
        undefined,
      );
    }
    const row: Record<string, unknown> = {};
    try {
      for (let i = 0; i < kept.length; i++) {
        const c = kept[i]!;
        const cell = record[c.index] ?? "";
        row[c.name] = c.type ? convertCell(cell, c.type, c.name) : cell;
      }
    } catch (e) {
      if (e instanceof BadValue) throw dataError(e.message, split.file, lineOfRecord(), e.column);
      throw e;
    }
    if (hasValues) Object.assign(row, values);
    emit(row as T);
  };
  const fail = (err: Error) => {
    const line = lineOf(err);
    throw dataError(`${err.message}. Check the quoting, or the delimiter/quote options.`, split.file, line !== undefined ? baseLine() + line : undefined, undefined);
  };
  return readSplitChunks(
    split,
    (from, to, c) => {
      range = { from, to };
      cursor = c;
      skipHeader = header && from === 0;
    },
    (bytes) => {
      const err = api.parse(bytes, false, push, () => {});
      if (err) fail(err);
    },
    () => {
      const err = api.parse(undefined, true, push, () => {});
      if (err) fail(err);
    },
  );
}

/** The line (relative to the split's start) where record number `n` (1-based) of the split starts: parsed again, with line info. */
function recordLine(cursor: SplitCursor, range: { from: number; to: number }, options: CsvOptions, n: number): number {
  const api = newApi(options, true);
  let seen = 0;
  let previousEnd = 0;
  let found: number | undefined;
  const stop = new Error("record found");
  const push = (r: CsvRecord) => {
    seen++;
    if (seen === n) {
      found = previousEnd + 1;
      throw stop;
    }
    previousEnd = r.info.lines;
  };
  try {
    forEachChunk(cursor.source, range.from, range.to, (bytes) => void api.parse(bytes, false, push, () => {}));
    api.parse(undefined, true, push, () => {});
  } catch (e) {
    if (e !== stop) throw e;
  }
  return found ?? previousEnd + 1;
}
