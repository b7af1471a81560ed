/**
 * Plain-array reference implementations of the RDD operations, written
 * independently of the runtime (no runtime imports), to test it against.
 * Keys compare by value with SameValueZero: -0 is 0, NaN is NaN, tuples
 * compare element by element.
 */

export type Pair<K, V> = [K, V];
export type JoinType = "inner" | "leftOuter" | "rightOuter" | "fullOuter";

/** A string that is equal for two keys exactly when the runtime must treat them as one key. */
export function keyId(key: unknown): string {
  switch (typeof key) {
    case "number":
      return Object.is(key, -0) ? "n0" : `n${String(key)}`;
    case "string":
      return `s${JSON.stringify(key)}`;
    case "bigint":
      return `b${key.toString()}`;
    case "boolean":
      return key ? "t" : "f";
    case "undefined":
      return "u";
  }
  if (key === null) return "z";
  if (Array.isArray(key)) return `[${key.map(keyId).join(",")}]`;
  throw new Error(`reference: not a key: ${String(key)}`);
}

export interface Group<K, V> {
  key: K;
  values: V[];
}

/** Values per key, keys in first-seen order. */
export function groupPairs<K, V>(pairs: readonly Pair<K, V>[]): Map<string, Group<K, V>> {
  const groups = new Map<string, Group<K, V>>();
  for (const [k, v] of pairs) {
    const id = keyId(k);
    const g = groups.get(id);
    if (g) g.values.push(v);
    else groups.set(id, { key: k, values: [v] });
  }
  return groups;
}

export function groupByKey<K, V>(pairs: readonly Pair<K, V>[]): Pair<K, V[]>[] {
  return [...groupPairs(pairs).values()].map((g) => [g.key, g.values]);
}

export function reduceByKey<K, V>(pairs: readonly Pair<K, V>[], f: (a: V, b: V) => V): Pair<K, V>[] {
  return [...groupPairs(pairs).values()].map((g) => [g.key, g.values.reduce(f)]);
}

export function aggregateByKey<K, V, U>(pairs: readonly Pair<K, V>[], zero: () => U, seq: (u: U, v: V) => U): Pair<K, U>[] {
  return [...groupPairs(pairs).values()].map((g) => [g.key, g.values.reduce(seq, zero())]);
}

export function countByKey<K, V>(pairs: readonly Pair<K, V>[]): Pair<K, number>[] {
  return [...groupPairs(pairs).values()].map((g) => [g.key, g.values.length]);
}

export function distinct<T>(rows: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const r of rows) if (!seen.has(keyId(r))) seen.set(keyId(r), r);
  return [...seen.values()];
}

export function subtractByKey<K, V, W>(left: readonly Pair<K, V>[], right: readonly Pair<K, W>[]): Pair<K, V>[] {
  const remove = new Set(right.map(([k]) => keyId(k)));
  return left.filter(([k]) => !remove.has(keyId(k)));
}

/** For each key in any input: the values of every input (empty arrays where a key is missing). */
export function cogroup<K>(...inputs: readonly Pair<K, unknown>[][]): Pair<K, unknown[][]>[] {
  const out = new Map<string, Pair<K, unknown[][]>>();
  inputs.forEach((pairs, i) => {
    for (const [k, v] of pairs) {
      const id = keyId(k);
      let entry = out.get(id);
      if (!entry) {
        entry = [k, inputs.map(() => [])];
        out.set(id, entry);
      }
      entry[1][i]!.push(v);
    }
  });
  return [...out.values()];
}

/** Spark's join semantics by nested loops: every matching pair, missing sides undefined for outer joins. */
export function join<K, V, W>(left: readonly Pair<K, V>[], right: readonly Pair<K, W>[], type: JoinType): Pair<K, [V | undefined, W | undefined]>[] {
  const out: Pair<K, [V | undefined, W | undefined]>[] = [];
  const rightMatched = new Array<boolean>(right.length).fill(false);
  for (const [lk, lv] of left) {
    let matched = false;
    right.forEach(([rk, rv], j) => {
      if (keyId(lk) !== keyId(rk)) return;
      matched = true;
      rightMatched[j] = true;
      out.push([lk, [lv, rv]]);
    });
    if (!matched && (type === "leftOuter" || type === "fullOuter")) out.push([lk, [lv, undefined]]);
  }
  if (type === "rightOuter" || type === "fullOuter") {
    right.forEach(([rk, rv], j) => {
      if (!rightMatched[j]) out.push([rk, [undefined, rv]]);
    });
  }
  return out;
}

function typeRank(k: unknown): number {
  if (k === undefined) return 0;
  if (k === null) return 1;
  return { boolean: 2, number: 3, bigint: 4, string: 5, object: 6 }[typeof k as "boolean"] ?? 7;
}

/** The documented key order: by type (undefined < null < boolean < number < bigint < string < tuple), then value; NaN last among numbers. */
export function compareKeys(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
    return a === b ? 0 : a < b ? -1 : 1;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareKeys(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (a === b) return 0;
  return (a as string) < (b as string) ? -1 : 1;
}

/** Splits rows into `n` contiguous chunks, as parallelize does (so a test can reason about partitions). */
export function chunk<T>(rows: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, i) => rows.slice(Math.floor((i * rows.length) / n), Math.floor(((i + 1) * rows.length) / n)));
}

/** Sorts with `compare` for every element (Array.prototype.sort would move undefined to the end without asking). */
export function sortWith<T>(rows: readonly T[], compare: (a: T, b: T) => number): T[] {
  return rows
    .map((value) => ({ value }))
    .sort((a, b) => compare(a.value, b.value))
    .map((w) => w.value);
}
