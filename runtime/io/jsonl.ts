/** `ctx.readJsonLines`: one JSON value per line, read in byte splits (a JSON string cannot hold a raw newline, so line splits are always safe). */
import type { Context } from "../context.js";
import type { RDD } from "../rdd/rdd.js";
import { listInputFiles } from "./paths.js";
import { FileSourceRDD, columnsDetail, prunePartitions, selectedPartitionValues, splitBytesFor, type SourceOptions, type SourceSplit } from "./source.js";
import { planLineSplits, readSplitLines, type SplitCursor } from "./line-source.js";
import { DEFAULT_MAX_SPLIT_BYTES } from "./splits.js";
import { BadValue, checkColumns, checkSchema, checkValue, dataError, describeValue, type Schema } from "./schema.js";

export interface JsonLinesOptions extends SourceOptions {
  /** Declared fields checked on every row (null passes; a missing field or another type is an error naming file, line and column). */
  schema?: Schema;
  /** At least this many splits (default 1). */
  minPartitions?: number;
  /** Largest byte split (default 64 MiB). */
  maxSplitBytes?: number;
}

const READER = "readJsonLines";

export function readJsonLines<T>(ctx: Context, location: string, options: JsonLinesOptions = {}): RDD<T> {
  checkSchema(READER, options.schema);
  checkColumns(READER, options.columns);
  const files = listInputFiles(location, READER);
  const { kept, skipped } = prunePartitions(READER, files, options, options.schema);
  const total = kept.reduce((a, k) => a + k.file.size, 0);
  const splitBytes = splitBytesFor(READER, total, options.minPartitions, options.maxSplitBytes, DEFAULT_MAX_SPLIT_BYTES);
  const splits = planLineSplits(
    kept.map((k) => ({ file: k.file.file, size: k.file.size, values: selectedPartitionValues(k.values, options.columns) })),
    splitBytes,
  );
  const read = (split: SourceSplit, emit: (row: T) => void) => readSplitLines(split, rowReader(split, options, emit));
  const detail = columnsDetail(options);
  return new FileSourceRDD<T>(ctx, READER, location, splits, skipped, read, detail);
}

function rowReader<T>(split: SourceSplit, options: JsonLinesOptions, emit: (row: T) => void): (line: string, offset: number, cursor: SplitCursor) => void {
  const { columns, schema } = options;
  const values = split.partitionValues;
  const hasValues = Object.keys(values).length > 0;
  // `columns` alone keeps fields of object rows and passes other values as they are (as projectValues does), so
  // pruning never turns a row the code handles into an error; a schema or partition columns need objects.
  const needsObject = schema !== undefined || hasValues;
  const checks = schema ? Object.entries(schema).filter(([c]) => !(c in values) && (!columns || columns.includes(c))) : [];
  return (line, offset, cursor) => {
    if (line.trim() === "") return; // blank lines (a trailing one, say) hold no row
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw dataError(`not valid JSON (${(e as Error).message}). Each line must hold one JSON value.`, split.file, cursor.lineAt(offset), undefined);
    }
    const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
    if (!needsObject && (!columns || !isObject)) return emit(value as T);
    if (!isObject) {
      throw dataError(`${describeValue(value)} is not a JSON object; a schema or partition directories need object rows.`, split.file, cursor.lineAt(offset), undefined);
    }
    const obj = value as Record<string, unknown>;
    try {
      for (const [column, type] of checks) checkValue(obj[column], type, column);
    } catch (e) {
      if (e instanceof BadValue) throw dataError(e.message, split.file, cursor.lineAt(offset), e.column);
      throw e;
    }
    let row: Record<string, unknown> = obj;
    if (columns) {
      row = {};
      for (const c of columns) {
        if (!Object.hasOwn(obj, c)) continue;
        if (c === "__proto__") Object.defineProperty(row, c, { value: obj[c], writable: true, enumerable: true, configurable: true });
        else row[c] = obj[c];
      }
    }
    if (hasValues) Object.assign(row, values);
    emit(row as T);
  };
}
