/**
 * `ctx.readParquet`: Parquet on hyparquet, one partition per row group. Footers are read when the reader is
 * called; a task reads only the column chunks of the columns it keeps (column pruning at the source), with
 * synchronous positional reads (tasks are synchronous; hyparquet's own read API is asynchronous, so this
 * drives its synchronous page decoder, `readColumn`, directly).
 */
import fs from "node:fs";
import zlib from "node:zlib";
import { parquetMetadata, parquetSchema, type FileMetaData, type SchemaTree } from "hyparquet";
import { readColumn } from "hyparquet/src/column.js";
import { assembleNested } from "hyparquet/src/assemble.js";
import { DEFAULT_PARSERS } from "hyparquet/src/convert.js";
import { getTreePath, isFlatColumn } from "hyparquet/src/schema.js";
import type { ColumnDecoder, Compressors, DecodedArray } from "hyparquet/src/types.js";
import type { Context } from "../context.js";
import type { RDD } from "../rdd/rdd.js";
import { InvalidArgumentError } from "../errors.js";
import { listInputFiles } from "./paths.js";
import { FileSourceRDD, columnsDetail, prunePartitions, selectedPartitionValues, type SourceOptions, type SourceSplit } from "./source.js";
import { checkColumns, checkSchema, dataError, type ColumnType, type Schema } from "./schema.js";

export interface ParquetOptions extends SourceOptions {
  /** Declared column types, checked against the file's schema when the reader is called. */
  schema?: Schema;
  /** INT64 columns as "number" (default; a value beyond 2^53 is an error) or "bigint". */
  int64?: "number" | "bigint";
}

const READER = "readParquet";

const compressors: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
};

export interface ParquetFilePlan {
  metadata: FileMetaData;
  tree: SchemaTree;
  footerBytes: number;
  /** Top-level columns rows keep. */
  columns: string[];
}

export function readParquet<T>(ctx: Context, location: string, options: ParquetOptions = {}): RDD<T> {
  checkSchema(READER, options.schema);
  checkColumns(READER, options.columns);
  if (options.int64 !== undefined && options.int64 !== "number" && options.int64 !== "bigint") {
    throw new InvalidArgumentError(`readParquet int64 must be "number" or "bigint", got ${JSON.stringify(options.int64)}.`);
  }
  const files = listInputFiles(location, READER);
  const { kept, skipped } = prunePartitions(READER, files, options, options.schema);
  const plans = new Map<string, ParquetFilePlan>();
  const splits: SourceSplit[] = [];
  for (const k of kept) {
    const plan = planFile(k.file.file, k.file.size, Object.keys(k.values), options);
    plans.set(k.file.file, plan);
    let first = true;
    let firstRow = 0; // a split's start is its row group's first row (for row numbers in errors)
    plan.metadata.row_groups.forEach((group, index) => {
      const rows = Number(group.num_rows);
      if (rows > 0) {
        splits.push({ file: k.file.file, start: firstRow, end: firstRow + rows, group: index, firstOfFile: first, partitionValues: selectedPartitionValues(k.values, options.columns) });
        first = false;
      }
      firstRow += rows;
    });
  }
  const read = (split: SourceSplit, emit: (row: T) => void) => readGroup(split, plans.get(split.file)!, options, emit);
  return new FileSourceRDD<T>(ctx, READER, location, splits, skipped, read, columnsDetail(options));
}

export function planFile(file: string, size: number, partitionColumns: readonly string[], options: ParquetOptions): ParquetFilePlan {
  const { metadata, footerBytes } = readFooter(file, size);
  const tree = parquetSchema(metadata);
  const names = tree.children.map((c) => c.element.name);
  const known = (c: string) => names.includes(c) || partitionColumns.includes(c);
  for (const c of options.columns ?? []) {
    if (!known(c) && options.site === undefined) throw dataError(`columns names "${c}", which the file does not have (columns: ${names.join(", ")}).`, file, undefined, c);
  }
  for (const [c, type] of Object.entries(options.schema ?? {})) {
    if (partitionColumns.includes(c)) continue;
    const node = tree.children.find((n) => n.element.name === c);
    if (!node) throw dataError(`the schema declares column "${c}", which the file does not have (columns: ${names.join(", ")}).`, file, undefined, c);
    const actual = jsType(node);
    if (actual !== undefined && actual !== type && !(actual === "bigint" && type === "number" && options.int64 !== "bigint")) {
      throw dataError(`the schema declares "${type}", the file stores ${node.element.type ?? "a group"} (${actual}). Fix the schema.`, file, undefined, c);
    }
  }
  const columns = (options.columns ? names.filter((n) => options.columns!.includes(n)) : names).filter((n) => !partitionColumns.includes(n));
  return { metadata, tree, footerBytes, columns };
}

/** The JS type a flat column decodes to, when it is a plain number, string or boolean. */
function jsType(node: SchemaTree): ColumnType | "bigint" | undefined {
  if (node.children.length) return undefined;
  const e = node.element;
  const converted = e.converted_type;
  const logical = e.logical_type?.type;
  if (converted === "UTF8" || logical === "STRING" || converted === "ENUM") return "string";
  if (converted || logical) return undefined; // dates, decimals, JSON...: not checked
  switch (e.type) {
    case "BOOLEAN":
      return "boolean";
    case "INT32":
    case "FLOAT":
    case "DOUBLE":
      return "number";
    case "INT64":
      return "bigint";
    default:
      return undefined;
  }
}

function readFooter(file: string, size: number): { metadata: FileMetaData; footerBytes: number } {
  const fd = fs.openSync(file, "r");
  try {
    if (size < 12) throw dataError("not a Parquet file (too short).", file, undefined, undefined);
    const tail = Buffer.alloc(8);
    fs.readSync(fd, tail, 0, 8, size - 8);
    if (tail.toString("latin1", 4) !== "PAR1") throw dataError("not a Parquet file (no PAR1 footer). Check the path, or read it with the reader of its format.", file, undefined, undefined);
    const length = tail.readUInt32LE(0);
    if (length + 8 > size) throw dataError(`corrupt Parquet footer (metadata length ${length} exceeds the file).`, file, undefined, undefined);
    const footer = Buffer.alloc(length + 8);
    fs.readSync(fd, footer, 0, footer.length, size - footer.length);
    try {
      return { metadata: parquetMetadata(footer), footerBytes: footer.length };
    } catch (e) {
      throw dataError(`corrupt Parquet footer (${(e as Error).message}).`, file, undefined, undefined);
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function readGroup<T>(split: SourceSplit, plan: ParquetFilePlan, options: ParquetOptions, emit: (row: T) => void): number {
  const group = plan.metadata.row_groups[split.group!]!;
  const rows = Number(group.num_rows);
  const select = { groupStart: 0, selectStart: 0, selectEnd: rows, groupRows: rows };
  const fd = fs.openSync(split.file, "r");
  let bytes = split.firstOfFile ? plan.footerBytes : 0;
  const data: DecodedArray[] = [];
  try {
    for (const name of plan.columns) {
      const node = plan.tree.children.find((c) => c.element.name === name)!;
      const leaves = group.columns.filter((chunk) => chunk.meta_data?.path_in_schema[0] === name);
      const decoded = new Map<string, DecodedArray>();
      for (const chunk of leaves) {
        const meta = chunk.meta_data!;
        const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
        const length = Number(meta.total_compressed_size);
        const buffer = Buffer.alloc(length);
        fs.readSync(fd, buffer, 0, length, start);
        bytes += length;
        const schemaPath = getTreePath(plan.tree, meta.path_in_schema);
        const decoder: ColumnDecoder = {
          pathInSchema: meta.path_in_schema,
          element: schemaPath[schemaPath.length - 1]!.element,
          schemaPath,
          type: meta.type,
          codec: meta.codec,
          parsers: DEFAULT_PARSERS,
          compressors,
        };
        try {
          const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
          const { data: pages } = readColumn({ view, offset: 0 }, select, decoder);
          decoded.set(meta.path_in_schema.join("."), flattenPages(pages));
        } catch (e) {
          throw dataError(`cannot decode row group ${split.group} (${(e as Error).message}).`, split.file, undefined, name);
        }
      }
      if (node.children.length && !isFlatColumn([plan.tree, node])) {
        assembleNested(decoded, node, DEFAULT_PARSERS);
        data.push(decoded.get(name) ?? []);
      } else data.push(decoded.get(name) ?? []);
    }
  } finally {
    fs.closeSync(fd);
  }
  const values = split.partitionValues;
  const hasValues = Object.keys(values).length > 0;
  const bigints = options.int64 === "bigint";
  const columns = plan.columns;
  for (let r = 0; r < rows; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) {
      let v: unknown = data[c]![r];
      if (typeof v === "bigint" && !bigints) v = toNumber(v, split, columns[c]!, r);
      row[columns[c]!] = v;
    }
    if (hasValues) Object.assign(row, values);
    emit(row as T);
  }
  return bytes;
}

function flattenPages(pages: DecodedArray[]): DecodedArray {
  if (pages.length === 1) return pages[0]!;
  const out: unknown[] = [];
  for (const p of pages) for (let i = 0; i < p.length; i++) out.push(p[i]);
  return out;
}

function toNumber(v: bigint, split: SourceSplit, column: string, row: number): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) {
    throw dataError(`${v} does not fit a JS number exactly. Read the file with { int64: "bigint" }.`, split.file, split.start + row + 1, column, "row");
  }
  return n;
}
