/** Declared column types, the run-time checks of a reader's declared row type, and errors that point into a file. */
import { InvalidArgumentError, RddError } from "../errors.js";

export type ColumnType = "number" | "string" | "boolean";
/** Column name to type; a reader checks (CSV: converts) every declared column of every row. */
export type Schema = Record<string, ColumnType>;

const TYPES: readonly string[] = ["number", "string", "boolean"];

/** Bad data in an input file: names the file, the line or row, and the column. */
export class SourceDataError extends RddError {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | undefined,
    readonly column: string | undefined,
  ) {
    super(message);
    this.name = "SourceDataError";
  }
}

export function where(file: string, line: number | undefined, column: string | undefined, unit: "line" | "row" = "line"): string {
  return `${file}${line !== undefined ? `, ${unit} ${line}` : ""}${column !== undefined ? `, column "${column}"` : ""}`;
}

export function checkSchema(reader: string, schema: Schema | undefined): void {
  if (schema === undefined) return;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new InvalidArgumentError(`${reader} schema must be an object such as { id: "number", name: "string" }.`);
  }
  for (const [column, type] of Object.entries(schema)) {
    if (!TYPES.includes(type)) {
      throw new InvalidArgumentError(`${reader} schema: column "${column}" has type ${JSON.stringify(type)}; use "number", "string" or "boolean".`);
    }
  }
}

export function checkColumns(reader: string, columns: readonly string[] | undefined): void {
  if (columns === undefined) return;
  if (!Array.isArray(columns) || columns.some((c) => typeof c !== "string")) {
    throw new InvalidArgumentError(`${reader} columns must be an array of column names, such as ["id", "amount"].`);
  }
}

/** A value that does not fit its declared column; the reader adds the file, line and column (see {@link SourceDataError}). */
export class BadValue extends Error {
  constructor(
    message: string,
    readonly column: string,
  ) {
    super(message);
  }
}

const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A CSV cell (or partition directory value) as its declared type; an empty number/boolean cell is null. */
export function convertCell(text: string, type: ColumnType, column: string): string | number | boolean | null {
  if (type === "string") return text;
  if (text.trim() === "") return null;
  if (type === "number") {
    if (DECIMAL.test(text)) return Number(text);
    const t = text.trim();
    if (t === "NaN") return NaN;
    if (t === "Infinity" || t === "+Infinity") return Infinity;
    if (t === "-Infinity") return -Infinity;
    throw new BadValue(`${JSON.stringify(text)} is not a number (the schema declares it "number"). Fix the value, or declare the column "string".`, column);
  }
  const lower = text.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new BadValue(`${JSON.stringify(text)} is not a boolean (the schema declares it "boolean": true or false). Fix the value, or declare the column "string".`, column);
}

/** Checks a parsed value (JSON, Parquet) against its declared type; null passes (a nullable column). */
export function checkValue(value: unknown, type: ColumnType, column: string): void {
  if (value === null) return;
  if (value === undefined) throw new BadValue(`the field is missing (the schema declares it "${type}"). Add it to the data, or remove it from the schema.`, column);
  if (typeof value !== type) {
    throw new BadValue(`${describeValue(value)} is not a ${type} (the schema declares it "${type}"). Fix the data, or change the schema.`, column);
  }
}

export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 37) + "..." : value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}

/** The error for bad data at a place in a file. */
export function dataError(message: string, file: string, line: number | undefined, column: string | undefined, unit: "line" | "row" = "line"): SourceDataError {
  return new SourceDataError(`${where(file, line, column, unit)}: ${message}`, file, line, column);
}
