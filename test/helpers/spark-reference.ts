/**
 * Plain-array references for the Spark methods of issue 13 (groupBy, subtract, intersection, cartesian,
 * zipWithIndex, zipWithUniqueId, top/takeOrdered, max/min, numeric statistics), written independently of
 * the runtime: keys compare through reference.ts's keyId (SameValueZero, tuples element by element).
 */
import { chunk, compareKeys, distinct, keyId, sortWith, type Pair } from "./reference.js";

export function groupBy<T, K>(rows: readonly T[], f: (row: T) => K): Pair<K, T[]>[] {
  const groups = new Map<string, Pair<K, T[]>>();
  for (const row of rows) {
    const key = f(row);
    const group = groups.get(keyId(key));
    if (group) group[1].push(row);
    else groups.set(keyId(key), [key, [row]]);
  }
  return [...groups.values()];
}

export function subtract<T>(left: readonly T[], right: readonly T[]): T[] {
  const remove = new Set(right.map(keyId));
  return left.filter((row) => !remove.has(keyId(row)));
}

export function intersection<T>(left: readonly T[], right: readonly T[]): T[] {
  const present = new Set(right.map(keyId));
  return distinct(left).filter((row) => present.has(keyId(row)));
}

export function cartesian<T, U>(left: readonly T[], right: readonly U[]): [T, U][] {
  return left.flatMap((a) => right.map((b): [T, U] => [a, b]));
}

export function zipWithIndex<T>(rows: readonly T[]): [T, number][] {
  return rows.map((row, i) => [row, i]);
}

/** As parallelize splits `rows` into `n` partitions: row i of partition p gets i * n + p. */
export function zipWithUniqueId<T>(rows: readonly T[], n: number): [T, number][] {
  return chunk(rows, n).flatMap((part, p) => part.map((row, i): [T, number] => [row, i * n + p]));
}

export function takeOrdered<T>(rows: readonly T[], n: number, compare: (a: T, b: T) => number = compareKeys): T[] {
  return sortWith(rows, compare).slice(0, n);
}

export function top<T>(rows: readonly T[], n: number, compare: (a: T, b: T) => number = compareKeys): T[] {
  return sortWith(rows, (a, b) => compare(b, a)).slice(0, n);
}

/** Two-pass statistics (no shared code with StatCounter's one-pass updates and merges). */
export function stats(values: readonly number[]): { count: number; sum: number; mean: number; variance: number; sampleVariance: number; max: number; min: number } {
  const count = values.length;
  const sum = values.reduce((a, b) => a + b, 0);
  const mean = count === 0 ? NaN : sum / count;
  const squares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return {
    count,
    sum,
    mean,
    variance: count === 0 ? NaN : squares / count,
    sampleVariance: count <= 1 ? NaN : squares / (count - 1),
    max: values.reduce((a, b) => Math.max(a, b), -Infinity),
    min: values.reduce((a, b) => Math.min(a, b), Infinity),
  };
}
