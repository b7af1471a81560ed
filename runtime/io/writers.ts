/**
 * saveAsJsonLines, saveAsCsv, saveAsParquet: one part file per partition (`part-00000.jsonl`, ...) plus a
 * `_SUCCESS` marker, as Spark writes. With `partitionBy`, rows go to Hive-style directories
 * (`dir/date=2024-01-01/part-00000.jsonl`) without the partition columns, which readers add back.
 * A failed job removes the directory it created, so no half-written dataset is left looking complete.
 */
import fs from "node:fs";
import path from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { RDD } from "../rdd/rdd.js";
import { InvalidArgumentError } from "../errors.js";
import { escapePartitionValue, HIVE_NULL } from "./paths.js";
import { describeValue } from "./schema.js";

export interface WriteOptions {
  /** Partition columns: rows go to `column=value` directories, without these columns in the files. */
  partitionBy?: readonly string[];
}

export interface CsvWriteOptions extends WriteOptions {
  /** Write a header line (default true). */
  header?: boolean;
  /** Columns and their order (default: the fields of each file's first row). */
  columns?: readonly string[];
  /** Field delimiter (default ","). */
  delimiter?: string;
}

export interface ParquetWriteOptions extends WriteOptions {
  /** Rows per row group, so per read partition (default 100 000). */
  rowGroupSize?: number;
}

/** One output file being written by a task: rows appended, flushed at the end (or as text in pieces). */
export interface PartWriter {
  add(row: unknown): void;
  finish(): void;
}

type WriterFactory = (file: string) => PartWriter;

export const partName = (split: number, ext: string) => `part-${String(split).padStart(5, "0")}${ext}`;

/** Runs the write job: each task writes its partition's files; `_SUCCESS` at the end; the directory is removed on failure. */
export async function save<T>(
  rdd: RDD<T>,
  dir: string,
  op: string,
  ext: string,
  options: WriteOptions,
  factory: WriterFactory,
  beforeSuccess?: () => void,
): Promise<void> {
  const partitionBy = checkPartitionBy(op, options.partitionBy);
  if (typeof dir !== "string" || dir === "") throw new InvalidArgumentError(`${op} needs a directory path.`);
  if (fs.existsSync(dir)) throw new InvalidArgumentError(`Output directory ${dir} already exists. Delete it first or choose another path.`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    await rdd.ctx.runJob(rdd, op, (split, tc) => {
      const writers = new Map<string, PartWriter>();
      const writerFor = (subdir: string) => {
        let w = writers.get(subdir);
        if (!w) {
          const target = path.join(dir, subdir);
          if (subdir) fs.mkdirSync(target, { recursive: true });
          w = factory(path.join(target, partName(split, ext)));
          writers.set(subdir, w);
        }
        return w;
      };
      if (partitionBy.length === 0) writerFor(""); // an empty partition still writes its (empty) part file, as Spark
      rdd.iterator(split, tc, (row) => {
        if (partitionBy.length === 0) return writerFor("").add(row);
        const { subdir, rest } = splitPartitionColumns(op, row, partitionBy);
        writerFor(subdir).add(rest);
      });
      for (const w of writers.values()) w.finish();
    });
    beforeSuccess?.();
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  fs.writeFileSync(path.join(dir, "_SUCCESS"), "");
}

function checkPartitionBy(op: string, partitionBy: readonly string[] | undefined): readonly string[] {
  if (partitionBy === undefined) return [];
  if (!Array.isArray(partitionBy) || partitionBy.some((c) => typeof c !== "string" || c === "")) {
    throw new InvalidArgumentError(`${op} partitionBy must be an array of column names, such as ["date"].`);
  }
  const hiddenName = partitionBy.find((c) => c.startsWith("_") || c.startsWith("."));
  if (hiddenName) throw new InvalidArgumentError(`${op} partitionBy column "${hiddenName}" starts with "${hiddenName[0]}": readers skip such directories as not data. Rename the column.`);
  return partitionBy;
}

function isPlainObject(row: unknown): row is Record<string, unknown> {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return false;
  const proto: unknown = Object.getPrototypeOf(row);
  return proto === Object.prototype || proto === null;
}

/** The `a=1/b=x` directory of a row and the row without those columns. */
function splitPartitionColumns(op: string, row: unknown, partitionBy: readonly string[]): { subdir: string; rest: Record<string, unknown> } {
  if (!isPlainObject(row)) throw new InvalidArgumentError(`${op} with partitionBy needs object rows, got ${describeValue(row)}. Map rows to objects first.`);
  const rest: Record<string, unknown> = { ...row };
  const parts: string[] = [];
  for (const column of partitionBy) {
    const v = row[column];
    delete rest[column];
    if (v !== null && v !== undefined && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      throw new InvalidArgumentError(`${op} partitionBy column "${column}" holds ${describeValue(v)}; partition values must be strings, numbers, booleans or null.`);
    }
    if (typeof v === "number" && !Number.isFinite(v)) throw new InvalidArgumentError(`${op} partitionBy column "${column}" holds ${v}; use a finite number.`);
    const text = v === null || v === undefined ? HIVE_NULL : String(v);
    parts.push(`${escapePartitionValue(column)}=${text === "" ? HIVE_NULL : escapePartitionValue(text)}`);
  }
  return { subdir: parts.join(path.sep), rest };
}

/** Appends text to a file in pieces of about 1 MiB, so a task never holds its whole output as one string. */
export function textWriter(file: string, header?: string): { append(text: string): void; finish(): void } {
  const fd = fs.openSync(file, "w");
  let buffered: string[] = header ? [header] : [];
  let size = 0;
  const flush = () => {
    if (buffered.length) fs.writeSync(fd, buffered.join(""));
    buffered = [];
    size = 0;
  };
  return {
    append(text) {
      buffered.push(text);
      size += text.length;
      if (size > 1 << 20) flush();
    },
    finish() {
      flush();
      fs.closeSync(fd);
    },
  };
}

// ---------------------------------------------------------------- JSON Lines

/** JSON of a row, or a clear error for a value JSON cannot hold faithfully. */
export function strictJson(op: string, row: unknown): string {
  const fail = (what: string) =>
    new InvalidArgumentError(`${op} cannot write ${what} as JSON (in row ${previewRow(row)}). Convert it first (rdd.map(...)), for example to a string or number.`);
  const json = JSON.stringify(row, function (this: unknown, _key, v: unknown) {
    if (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol") throw fail(`a ${typeof v}`);
    if (typeof v === "number" && !Number.isFinite(v)) throw fail(String(v));
    if (v === undefined && Array.isArray(this)) throw fail("undefined in an array (JSON would write null)");
    if (typeof v === "object" && v !== null && !Array.isArray(v) && !isPlainObject(v)) throw fail(`an instance of ${(v as object).constructor?.name ?? "a class"}`);
    return v;
  });
  if (json === undefined) throw fail(describeValue(row));
  return json;
}

/** A short readable form of a row for error messages (bigints and non-finite numbers shown, not thrown on). */
export function previewRow(row: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(row, (_k, v: unknown) =>
      typeof v === "bigint" ? `${v}n` : typeof v === "number" && !Number.isFinite(v) ? String(v) : v instanceof Map || v instanceof Set ? `<${v.constructor.name}>` : v,
    );
  } catch {
    text = undefined;
  }
  text ??= describeValue(row);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function saveAsJsonLines<T>(rdd: RDD<T>, dir: string, options: WriteOptions = {}): Promise<void> {
  const op = "saveAsJsonLines";
  return save(rdd, dir, op, ".jsonl", options, (file) => {
    const out = textWriter(file);
    return { add: (row) => out.append(strictJson(op, row) + "\n"), finish: () => out.finish() };
  });
}

// ---------------------------------------------------------------- CSV

export function saveAsCsv<T>(rdd: RDD<T>, dir: string, options: CsvWriteOptions = {}): Promise<void> {
  const op = "saveAsCsv";
  const delimiter = options.delimiter ?? ",";
  if (typeof delimiter !== "string" || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new InvalidArgumentError(`saveAsCsv delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}.`);
  }
  if (options.columns !== undefined && (!Array.isArray(options.columns) || options.columns.some((c) => typeof c !== "string"))) {
    throw new InvalidArgumentError(`saveAsCsv columns must be an array of column names.`);
  }
  const partitionBy = new Set(options.partitionBy ?? []);
  return save(rdd, dir, op, ".csv", options, (file) => {
    let columns = options.columns?.filter((c) => !partitionBy.has(c));
    let out: ReturnType<typeof textWriter> | undefined;
    const open = (cols: readonly string[]) => textWriter(file, options.header === false ? undefined : cols.map((c) => csvCell(c, delimiter)).join(delimiter) + "\n");
    return {
      add(row) {
        if (!isPlainObject(row)) throw new InvalidArgumentError(`${op} needs object rows (one field per column), got ${describeValue(row)}. Map rows to objects first.`);
        columns ??= Object.keys(row);
        out ??= open(columns);
        for (const key of Object.keys(row)) {
          if (!columns.includes(key) && !options.columns) {
            throw new InvalidArgumentError(
              `${op}: row ${describeValue(row)} has field "${key}", which the first row of ${path.basename(file)} lacks (columns: ${columns.join(", ")}). Pass columns: [...] to fix the columns.`,
            );
          }
        }
        out.append(columns.map((c) => csvValue(op, row[c], c, delimiter)).join(delimiter) + "\n");
      },
      finish() {
        (out ?? open(columns ?? [])).finish();
      },
    };
  });
}

function csvValue(op: string, v: unknown, column: string, delimiter: string): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v === "" ? '""' : csvCell(v, delimiter);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  throw new InvalidArgumentError(
    `${op}: column "${column}" holds ${describeValue(v)}; a CSV cell holds a string, number or boolean. Flatten it (or JSON.stringify it), or use saveAsJsonLines / saveAsParquet.`,
  );
}

function csvCell(text: string, delimiter: string): string {
  const needsQuotes = text.includes(delimiter) || /["\r\n]/.test(text) || text.trim() !== text;
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

// ---------------------------------------------------------------- Parquet

type ParquetColumnType = "INT32" | "DOUBLE" | "STRING" | "BOOLEAN" | "INT64" | "TIMESTAMP" | "JSON";

export function saveAsParquet<T>(rdd: RDD<T>, dir: string, options: ParquetWriteOptions = {}): Promise<void> {
  const op = "saveAsParquet";
  const rowGroupSize = options.rowGroupSize ?? 100_000;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize <= 0) throw new InvalidArgumentError(`saveAsParquet rowGroupSize must be a positive integer, got ${rowGroupSize}.`);
  return save(rdd, dir, op, ".parquet", options, (file) => {
    const rows: Record<string, unknown>[] = [];
    return {
      add(row) {
        if (!isPlainObject(row)) throw new InvalidArgumentError(`${op} needs object rows (one field per column), got ${describeValue(row)}. Map rows to objects first.`);
        rows.push(row);
      },
      finish() {
        fs.writeFileSync(file, Buffer.from(parquetFile(op, rows, rowGroupSize)));
      },
    };
  });
}

/** The bytes of a Parquet file holding `rows`: columns in order of first appearance, each typed from its values. */
export function parquetFile(op: string, rows: readonly Record<string, unknown>[], rowGroupSize: number): ArrayBuffer {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) if (!seen.has(k)) (seen.add(k), names.push(k));
  const columnData = names.map((name) => {
    const data = rows.map((r) => (r[name] === undefined ? null : r[name]));
    // A dictionary keys its entries like a Map, where -0 and 0 are one entry: the second would read back as the
    // first. A column holding -0 is written plain, each value with its own bits.
    const plain = data.some((v) => Object.is(v, -0));
    return { name, data, type: columnType(op, name, data), nullable: true, ...(plain ? { encoding: "PLAIN" as const } : {}) };
  });
  return parquetWriteBuffer({ columnData, rowGroupSize, codec: "SNAPPY" });
}

function columnType(op: string, name: string, data: readonly unknown[]): ParquetColumnType {
  let type: ParquetColumnType | undefined;
  let ints = true;
  for (const v of data) {
    if (v === null) continue;
    const t = valueType(op, name, v);
    if (t === "DOUBLE" && !(Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31 && !Object.is(v, -0))) ints = false;
    if (type !== undefined && type !== t) {
      throw new InvalidArgumentError(`${op}: column "${name}" holds both ${type} and ${t} values; a Parquet column has one type. Convert the values to one type first.`);
    }
    type = t;
  }
  if (type === "DOUBLE" && ints) return "INT32";
  return type ?? "STRING";
}

function valueType(op: string, name: string, v: unknown): ParquetColumnType {
  switch (typeof v) {
    case "number":
      return "DOUBLE";
    case "string":
      return "STRING";
    case "boolean":
      return "BOOLEAN";
    case "bigint":
      return "INT64";
    case "object":
      if (v instanceof Date) return "TIMESTAMP";
      if (Array.isArray(v) || isPlainObject(v)) {
        strictJson(op, v); // checked here, so a bad nested value names the column's row
        return "JSON";
      }
  }
  throw new InvalidArgumentError(`${op}: column "${name}" holds ${describeValue(v)} (${typeof v}), which Parquet cannot store. Convert it first.`);
}
