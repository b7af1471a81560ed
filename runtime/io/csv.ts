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

/** The incremental API csv-parse's stream Parser wraps (push-based and synchronous). */
interface CsvApi {
  parse(buf: Buffer | undefined, end: boolean, push: (record: CsvRecord) => void, close: () => void): Error | undefined;
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
    info: true,
  };
}

function newApi(options: CsvOptions): CsvApi {
  const parser = new Parser(parserOptions(options)) as unknown as { api?: CsvApi };
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
        const err = api.parse(bytes, false, (r) => (first ??= r.record), () => {});
        if (err) throw dataError(err.message, file, lineOf(err), undefined);
        if (first) throw stop;
      }, 64 * 1024);
      if (!first) {
        const err = api.parse(undefined, true, (r) => (first ??= r.record), () => {});
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
  const api = newApi(options);
  const header = options.header ?? true;
  const relax = options.relaxColumnCount ?? false;
  const values: Record<string, PartitionValue> = split.partitionValues;
  const hasValues = Object.keys(values).length > 0;
  const width = plan.names.length;
  let skipHeader = false;
  let cursor: SplitCursor | undefined;
  let from = 0;
  let baseLine: number | undefined; // lines before `from`, counted on the first error
  let previousEnd = 0;
  const lineNo = (relative: number) => {
    baseLine ??= from === 0 || !cursor ? 0 : cursor.lineAt(from) - 1;
    return baseLine + relative;
  };
  const push = ({ record, info }: CsvRecord) => {
    const startLine = previousEnd + 1;
    previousEnd = info.lines;
    if (skipHeader) {
      skipHeader = false;
      return;
    }
    if (record.length !== width && !relax && width > 0) {
      throw dataError(
        `the record has ${record.length} fields, the ${header ? "header" : "first record"} has ${width}. Fix the row, quote fields holding "${options.delimiter ?? ","}", or pass relaxColumnCount: true.`,
        split.file,
        lineNo(startLine),
        undefined,
      );
    }
    const row: Record<string, unknown> = {};
    try {
      for (const c of plan.kept) {
        const cell = record[c.index] ?? "";
        row[c.name] = c.type ? convertCell(cell, c.type, c.name) : cell;
      }
    } catch (e) {
      if (e instanceof BadValue) throw dataError(e.message, split.file, lineNo(startLine), e.column);
      throw e;
    }
    if (hasValues) Object.assign(row, values);
    emit(row as T);
  };
  const fail = (err: Error) => {
    throw dataError(`${err.message}. Check the quoting, or the delimiter/quote options.`, split.file, lineOf(err) !== undefined ? lineNo(lineOf(err)!) : undefined, undefined);
  };
  const read = readSplitChunks(
    split,
    (start, c) => {
      from = start;
      cursor = c;
      skipHeader = header && start === 0;
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
  return read;
}
