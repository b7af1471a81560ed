/**
 * Exact, order-free comparison of row collections. `canon` writes a value as a
 * string that tells apart everything the runtime must keep apart (-0 and 0,
 * NaN, undefined and null, bigint and number, Map and object); rows are
 * compared as sorted lists of those strings.
 */
import { expect } from "vitest";

export interface CanonOptions {
  /** Treat -0 as 0 (for keys, which compare with SameValueZero). */
  zeroIsZero?: boolean;
  /** Sort array elements (for groups whose order is unspecified). */
  unordered?: boolean;
}

export function canon(value: unknown, options: CanonOptions = {}): string {
  switch (typeof value) {
    case "number":
      if (Object.is(value, -0)) return options.zeroIsZero ? "n:0" : "n:-0";
      return `n:${String(value)}`;
    case "string":
      return `s:${JSON.stringify(value)}`;
    case "bigint":
      return `b:${value.toString()}`;
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "undefined";
    case "function":
      return `fn:${value.name}`;
    case "symbol":
      return `sym:${String(value)}`;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    const items = value.map((v) => canon(v, options));
    if (options.unordered) items.sort();
    return `[${items.join(",")}]`;
  }
  if (value instanceof Date) return `date:${value.getTime()}`;
  if (value instanceof Map) return `map{${[...value].map(([k, v]) => `${canon(k, options)}=>${canon(v, options)}`).join(",")}}`;
  if (value instanceof Set) return `set{${[...value].map((v) => canon(v, options)).join(",")}}`;
  const proto = Object.getPrototypeOf(value) === Object.prototype ? "" : "proto?";
  const entries = Object.keys(value as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canon((value as Record<string, unknown>)[k], options)}`);
  return `${proto}{${entries.join(",")}}`;
}

/** Canonical text of a keyed row: the key with SameValueZero, the value exactly. */
export function canonPair(row: unknown, options: { unorderedValue?: boolean } = {}): string {
  if (!Array.isArray(row) || row.length !== 2) return `not-a-pair:${canon(row)}`;
  return `${canon(row[0], { zeroIsZero: true })} -> ${canon(row[1], { unordered: options.unorderedValue })}`;
}

export function sortedCanon<T>(rows: readonly T[], f: (row: T) => string = (r) => canon(r)): string[] {
  return rows.map(f).sort();
}

/** Asserts both collections hold the same rows, each as many times, in any order. */
export function expectSameMultiset<T>(actual: readonly T[], expected: readonly T[], f: (row: T) => string = (r) => canon(r)): void {
  expect(sortedCanon(actual, f)).toEqual(sortedCanon(expected, f));
}

/** Pairs compared with SameValueZero keys; `unorderedValue` for grouped values (groupByKey, cogroup). */
export function expectSamePairs(actual: readonly unknown[], expected: readonly unknown[], options: { unorderedValue?: boolean } = {}): void {
  expectSameMultiset(actual, expected, (r) => canonPair(r, options));
}
