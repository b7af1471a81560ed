/**
 * Keys compare by value. Numbers follow SameValueZero (as a JS `Map` and as
 * Spark SQL's normalised joins do): `0` and `-0` are one key, `NaN` equals
 * `NaN`. Strings, booleans, bigints, `null` and `undefined` are keys as they
 * are; arrays/tuples of keys are composite keys compared element by element.
 * Objects, functions and symbols cannot be keys: they fail with a clear error.
 *
 * Holes: a composite key compares by its elements as `key[i]` reads them, so
 * a hole is the same key element as `undefined` (`[1, , "a"]` and
 * `[1, undefined, "a"]` are one key) in every function here: hashing (the
 * shuffle's partitioning), equality, ordering and the hash tables of shuffle
 * and broadcast joins alike. The codec keeps holes, so a key reads the same
 * before and after a shuffle; and a broadcast table built from decoded rows
 * matches raw streamed rows exactly as a shuffle join would. Only the
 * elements `0 .. length - 1` make a key: extra own properties of a key array
 * (a RegExpMatchArray's `index`, say) take no part in comparing it.
 */
import { RddError } from "../errors.js";
import { keepShapeOf } from "../shapes.js";

export type Key = unknown;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function hashNumber(n: number): number {
  if ((n | 0) === n) return mix(n); // int32 (and -0, which `| 0` maps to 0)
  if (n !== n) return 0x7ff80000; // every NaN hashes alike
  f64[0] = n;
  return mix(u32[0]! ^ Math.imul(u32[1]!, 0x9e3779b1));
}

function hashString(s: string): number {
  let h = 0x811c9dc5 ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

/** A stable 32-bit hash: the same key gives the same hash in every run. */
export function hashKey(key: Key): number {
  switch (typeof key) {
    case "number":
      return hashNumber(key);
    case "string":
      return hashString(key);
    case "boolean":
      return key ? 0x4cf5ad43 : 0x2b1e3f5a;
    case "bigint":
      return hashString(key.toString()) ^ 0x5bd1e995;
    case "undefined":
      return 0x1b873593;
    case "object":
      if (key === null) return 0x27d4eb2f;
      if (Array.isArray(key)) {
        let h = 0x3c6ef372 ^ key.length;
        for (let i = 0; i < key.length; i++) h = Math.imul(h ^ hashKey(key[i]), 0x01000193);
        return mix(h);
      }
  }
  throw unhashable(key);
}

export function unhashable(key: unknown): RddError {
  const proto = typeof key === "object" && key !== null ? (Object.getPrototypeOf(key) as { constructor?: { name?: string } } | null) : undefined;
  const what =
    key === null
      ? "null"
      : typeof key !== "object"
        ? `a ${typeof key}`
        : proto === Object.prototype || proto === null
          ? "a plain object"
          : `an instance of ${proto?.constructor?.name || "a class"}`;
  return new RddError(
    `A key that is ${what} cannot be hashed or compared by value. ` +
      `Use a number, string, boolean, bigint, undefined/null, or a tuple of these (for example [a.id, a.region]) as the key.`,
  );
}

/** Value equality of two keys (SameValueZero, element-wise for composite keys). */
export function keysEqual(a: Key, b: Key): boolean {
  if (a === b) return true;
  if (typeof a === "number") return a !== a && b !== b;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!keysEqual(a[i], b[i])) return false;
    return true;
  }
  return false;
}

function encodePart(k: Key): string {
  switch (typeof k) {
    case "number":
      return k === 0 ? "n0" : "n" + String(k);
    case "string":
      return "s" + k.length + ":" + k;
    case "boolean":
      return k ? "T" : "F";
    case "bigint":
      return "b" + k.toString();
    case "undefined":
      return "u";
    case "object":
      if (k === null) return "z";
      if (Array.isArray(k)) {
        // Not k.map(): map skips holes, which would tell [1, , 2] from [1, undefined, 2] (see the note on holes above).
        let out = "[";
        for (let i = 0; i < k.length; i++) out += (i === 0 ? "" : ",") + encodePart(k[i]);
        return out + "]";
      }
  }
  throw unhashable(k);
}

/**
 * The value a `Map` can use for a key: primitives stand for themselves
 * (a `Map` already compares them with SameValueZero), composite keys become a
 * canonical string. Composite and primitive keys live in separate maps in
 * {@link KeyMap}, so an encoded tuple can never collide with a user's string.
 */
export function compositeId(k: readonly unknown[]): string {
  return encodePart(k);
}

/** A hash map keyed by value, including composite (tuple) keys. */
export class KeyMap<V> {
  private readonly simple = new Map<unknown, V>();
  private composite: Map<string, V> | undefined;

  get size(): number {
    return this.simple.size + (this.composite?.size ?? 0);
  }

  get(key: Key): V | undefined {
    if (typeof key === "object" && key !== null) {
      if (!Array.isArray(key)) throw unhashable(key);
      return this.composite?.get(compositeId(key));
    }
    if (typeof key === "function" || typeof key === "symbol") throw unhashable(key);
    return this.simple.get(key);
  }

  set(key: Key, value: V): void {
    if (typeof key === "object" && key !== null) {
      if (!Array.isArray(key)) throw unhashable(key);
      (this.composite ??= new Map()).set(compositeId(key), value);
      return;
    }
    if (typeof key === "function" || typeof key === "symbol") throw unhashable(key);
    this.simple.set(key, value);
  }

  has(key: Key): boolean {
    if (typeof key === "object" && key !== null && Array.isArray(key)) return this.composite?.has(compositeId(key)) ?? false;
    return this.simple.has(key);
  }

  forEach(f: (value: V) => void): void {
    this.simple.forEach((v) => f(v));
    this.composite?.forEach((v) => f(v));
  }
}

/**
 * Numbers keys 0, 1, 2, ... in insertion order, by value (as {@link KeyMap}).
 * Int32 keys, by far the most common join keys, live in an open-addressing
 * table of typed arrays (no Map entry, no boxing, no per-key allocation);
 * every other key goes through a KeyMap. `-0` is an int32 key equal to `0`.
 */
export class KeyIndex {
  size = 0;
  private bits: number;
  // Slot s is slots[2s] = key, slots[2s + 1] = id + 1 (0: empty): a probe touches one cache line, not two arrays.
  private slots: Int32Array;
  private ints = 0;
  private other: KeyMap<number> | undefined;

  constructor(expectedKeys = 0) {
    this.bits = Math.max(4, Math.ceil(Math.log2(Math.max(1, expectedKeys) * 2)));
    this.slots = new Int32Array(2 << this.bits);
  }

  /** The key's id, or -1 when absent. */
  get(key: Key): number {
    if (typeof key === "number" && (key | 0) === key) return this.getInt(key | 0);
    return (this.other ??= new KeyMap()).get(key) ?? -1; // KeyMap also rejects keys that cannot be hashed
  }

  /** The key's id, assigning the next id to a new key. */
  intern(key: Key): number {
    if (typeof key === "number" && (key | 0) === key) return this.internInt(key | 0);
    const other = (this.other ??= new KeyMap());
    const id = other.get(key);
    if (id !== undefined) return id;
    other.set(key, this.size);
    return this.size++;
  }

  /** Index in `slots` of the key's home slot. */
  private home(k: number): number {
    // Fibonacci hashing on the high bits: independent of the partitioner's hash, whose low bits are equal within a partition.
    return (Math.imul(k, 0x9e3779b1) >>> (32 - this.bits)) << 1;
  }

  private getInt(k: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let s = this.home(k); ; s = (s + 2) & mask) {
      const id = slots[s + 1]!;
      if (id === 0) return -1;
      if (slots[s] === k) return id - 1;
    }
  }

  private internInt(k: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let s = this.home(k);
    for (; ; s = (s + 2) & mask) {
      const id = slots[s + 1]!;
      if (id === 0) break;
      if (slots[s] === k) return id - 1;
    }
    const id = this.size++;
    slots[s] = k;
    slots[s + 1] = id + 1;
    if (++this.ints * 4 > slots.length) this.grow(); // load factor 1/2
    return id;
  }

  private grow(): void {
    const old = this.slots;
    this.bits++;
    const slots = (this.slots = new Int32Array(2 << this.bits));
    const mask = slots.length - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let s = this.home(old[i]!);
      while (slots[s + 1] !== 0) s = (s + 2) & mask;
      slots[s] = old[i]!;
      slots[s + 1] = old[i + 1]!;
    }
  }
}

/** Orders keys: by type first (undefined < null < boolean < number < bigint < string < array), then by value. */
export function compareKeys(a: Key, b: Key): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 2:
      return Number(a) - Number(b);
    case 3: {
      const x = a as number;
      const y = b as number;
      if (x !== x) return y !== y ? 0 : 1; // NaN sorts last, as in Spark
      if (y !== y) return -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 4:
      return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    case 5:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareKeys(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    default:
      return 0;
  }
}

function rank(k: Key): number {
  switch (typeof k) {
    case "undefined":
      return 0;
    case "boolean":
      return 2;
    case "number":
      return 3;
    case "bigint":
      return 4;
    case "string":
      return 5;
    case "object":
      if (k === null) return 1;
      if (Array.isArray(k)) return 6;
  }
  throw unhashable(k);
}

// Their hidden classes outlive every job (shapes.ts).
keepShapeOf(new KeyIndex());
keepShapeOf(new KeyMap());
