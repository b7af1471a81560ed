/**
 * Per-key combining for by-key aggregations (reduceByKey, foldByKey, aggregateByKey, combineByKey, groupByKey),
 * on the map side and on the reduce side. Keys get dense ids from a {@link KeyIndex} (int32 keys, the common
 * case, in an open-addressing typed-array table, with no Map entry and no object per key); each id's key and
 * combined value sit in two plain arrays. No pair is built per input row: the caller hands key and value.
 *
 * Keys compare as in {@link KeyMap} (SameValueZero, element-wise for tuples) and each key is kept as its
 * first row held it. {@link forEach} lists the keys in KeyMap's order (primitive keys in first-seen order,
 * then tuple keys in first-seen order), so rows come out exactly as they did with a KeyMap.
 */
import { KeyIndex } from "./keys.js";
import { numericColumns, type NumericColumns } from "./codec.js";
import { borrow, giveBack } from "./table-pool.js";
import { keepShapeOf } from "../shapes.js";
import { asUserCodeError } from "../errors.js";

export class KeyedCombiner<V, C> {
  protected index = new KeyIndex();
  protected keys: unknown[] = [];
  protected combined: C[] = [];
  protected hasTupleKeys = false;

  constructor(
    private readonly create: (value: V) => C,
    private readonly merge: (combined: C, value: V) => C,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  add(key: unknown, value: V): void {
    const id = this.index.intern(key); // rejects keys that cannot be hashed, as KeyMap does
    if (id === this.keys.length) {
      if (typeof key === "object" && key !== null) this.hasTupleKeys = true;
      this.keys.push(key);
      this.combined.push(this.create(value));
    } else {
      this.combined[id] = this.merge(this.combined[id]!, value);
    }
  }

  /** Nothing is pooled here (MapCombiner). */
  release(): void {}

  /** Every key with its combined value, in KeyMap's order (see above). */
  forEach(f: (key: unknown, combined: C) => void): void {
    const { keys, combined } = this;
    if (!this.hasTupleKeys) {
      for (let id = 0; id < keys.length; id++) f(keys[id], combined[id]!);
      return;
    }
    for (let id = 0; id < keys.length; id++) if (!isTupleKey(keys[id])) f(keys[id], combined[id]!);
    for (let id = 0; id < keys.length; id++) if (isTupleKey(keys[id])) f(keys[id], combined[id]!);
  }
}

const isTupleKey = (key: unknown): boolean => typeof key === "object" && key !== null;

/** A pooled column (table-pool.ts) of `capacity`, holding `old`'s contents; `old` goes back to the pool. */
function grownColumn<T extends Float64Array | Int32Array>(old: T, capacity: number, zeroed = false): T {
  const bigger = borrow(old instanceof Float64Array ? Float64Array : Int32Array, capacity, zeroed) as T;
  bigger.set(old);
  giveBack(old);
  return bigger;
}

/** What a map task combines its rows in: a KeyedCombiner, or a SumCombiner where the function adds field-wise. */
export interface MapCombiner {
  readonly size: number;
  add(key: unknown, value: unknown): void;
  forEach(f: (key: unknown, combined: unknown) => void): void;
  /** Gives pooled tables back (table-pool.ts): call once, after the last forEach. */
  release(): void;
}

/** A key whose values are summed already (its first value is read). */
const SUMMED = Symbol("summed");

/**
 * The map side's combiner for a reduceByKey whose function adds its arguments field-wise with the first
 * argument's element first (closure.ts fieldwiseSumOf): KeyedCombiner's results, without calling the function
 * or building an array per row. It reads the values' fields as the function would, and in its order: a key's
 * first value when its second arrives (element 0 of each, then element 1, ...), then each later value's; it adds
 * them with `+` as the function does, and keeps a key's sums in Float64Arrays while they are numbers. A sum
 * that is not a number (a string field, say) hands every key's state to a KeyedCombiner with that key's value as
 * the function would have returned it, and a value that is not an array is handed to the function itself, after
 * the same hand-over. A user function's exception (a getter's, say) is reported as the function's own would be.
 */
export class SumCombiner implements MapCombiner {
  private readonly index = new KeyIndex();
  private readonly keys: unknown[] = [];
  private hasTupleKeys = false;
  /** Per key: its only value so far, or SUMMED once `sums` hold its fields. */
  private readonly firsts: unknown[] = [];
  private sums: Float64Array[];
  private readonly results: unknown[];
  private generic: KeyedCombiner<unknown, unknown> | undefined;
  private released = false;

  constructor(
    private readonly create: (value: unknown) => unknown,
    private readonly merge: (combined: unknown, value: unknown) => unknown,
    private readonly fields: number,
    private readonly op: string,
  ) {
    // borrowed, as SumMerger's (table-pool.ts says why); every sum is written before it is read
    this.sums = Array.from({ length: Math.max(1, fields) }, () => borrow(Float64Array, 1024));
    this.results = new Array<unknown>(Math.max(1, fields));
  }

  get size(): number {
    return this.generic ? this.generic.size : this.keys.length;
  }

  add(key: unknown, value: unknown): void {
    if (this.generic) return this.generic.add(key, value);
    const id = this.index.intern(key); // rejects keys that cannot be hashed, as KeyedCombiner does
    if (id === this.keys.length) {
      if (isTupleKey(key)) this.hasTupleKeys = true;
      this.keys.push(key);
      this.firsts.push(value);
      if (id === this.sums[0]!.length) this.sums = this.sums.map((c) => grownColumn(c, 2 * c.length));
      return;
    }
    const summed = this.fields === 0 ? this.addNumber(id, value) : this.addFields(id, value);
    if (!summed) this.handOver().add(key, value);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const column of this.sums) giveBack(column);
  }

  forEach(f: (key: unknown, combined: unknown) => void): void {
    if (this.generic) return this.generic.forEach(f);
    const { keys } = this;
    if (!this.hasTupleKeys) {
      for (let id = 0; id < keys.length; id++) f(keys[id], this.combinedOf(id));
      return;
    }
    for (let id = 0; id < keys.length; id++) if (!isTupleKey(keys[id])) f(keys[id], this.combinedOf(id));
    for (let id = 0; id < keys.length; id++) if (isTupleKey(keys[id])) f(keys[id], this.combinedOf(id));
  }

  /** `(a, b) => a + b` on two numbers (nothing read, no side effect); false for anything else (the function's call). */
  private addNumber(id: number, value: unknown): boolean {
    if (typeof value !== "number") return false;
    const first = this.firsts[id];
    if (first === SUMMED) {
      this.sums[0]![id] += value;
      return true;
    }
    if (typeof first !== "number") return false;
    this.sums[0]![id] = first + value;
    this.firsts[id] = SUMMED;
    return true;
  }

  /**
   * `(a, b) => [a[0] + b[0], ...]`: reads and adds as the function does. False when a value is not an array
   * (nothing read: the function's call follows); a sum that is not a number ends the fast path with that key's
   * results as the function's value.
   */
  private addFields(id: number, value: unknown): boolean {
    const first = this.firsts[id];
    if (!isArraySafely(value) || (first !== SUMMED && !isArraySafely(first))) return false;
    const { sums, results } = this;
    const n = this.fields;
    let numbers = true;
    try {
      for (let f = 0; f < n; f++) {
        // a[f] then b[f], added with `+` as the function applies it, whatever the fields hold
        const left = first === SUMMED ? sums[f]![id]! : ((first as unknown[])[f] as number);
        const r = left + ((value as unknown[])[f] as number);
        results[f] = r;
        if (typeof r !== "number") numbers = false;
      }
    } catch (e) {
      throw asUserCodeError(this.op, e);
    }
    if (numbers) {
      for (let f = 0; f < n; f++) sums[f]![id] = results[f] as number;
      this.firsts[id] = SUMMED;
      return true;
    }
    this.firsts[id] = results.slice(0, n); // what the function returned: the fast path ends here
    this.handOver();
    return true;
  }

  /** A key's value as KeyedCombiner holds it: its only value, or its sums as the function returns them. */
  private combinedOf(id: number): unknown {
    const first = this.firsts[id];
    if (first !== SUMMED) return first;
    // its own copy of SumMerger.valueOf, not a shared function: one function for both measured 1.5x slower at
    // K = 1M (1,150-1,250 vs 800 ms); probably one allocation site then ages the map side's short-lived arrays
    // as the reduce side's long-lived ones
    if (this.fields === 0) return this.sums[0]![id];
    const out: number[] = [];
    for (let f = 0; f < this.fields; f++) out.push(this.sums[f]![id]!);
    return out;
  }

  /** The KeyedCombiner that goes on from here (every key's value as it would hold it, in the same id order). */
  private handOver(): KeyedCombiner<unknown, unknown> {
    const generic = new KeyedCombiner<unknown, unknown>(this.create, this.merge);
    for (let id = 0; id < this.keys.length; id++) generic.add(this.keys[id], this.combinedOf(id));
    this.generic = generic;
    this.release(); // its state is the KeyedCombiner's now
    return generic;
  }
}

/** Array.isArray, false where it throws (a revoked proxy): the user's function then meets the value itself. */
function isArraySafely(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** The functions of a by-key aggregation (the shape of rdd/dependency.ts's Aggregator). */
export interface CombineFunctions<V, C> {
  createCombiner(value: V): C;
  mergeValue(combined: C, value: V): C;
  mergeCombiners(a: C, b: C): C;
}

/** What the reduce side of a shuffle combined on the map side reads its map outputs into (see MapOutputMerger). */
export interface ShuffleMerger<V, C> {
  add(key: unknown, combined: C): void;
  beginSplitBlock(): void;
  addPrefix(key: unknown, combined: C): void;
  addRaw(key: unknown, value: V): void;
  endSplitBlock(): void;
  forEach(f: (key: unknown, combined: C) => void): void;
}

/** A MapOutputMerger's state between calls (SumMerger hands its own over as one). */
interface MergerState<C> {
  index: KeyIndex;
  keys: unknown[];
  combined: C[];
  hasTupleKeys: boolean;
  knownIds: number;
  pending: C[];
  pendingIn: Int32Array;
  splitBlocks: number;
  touched: number[];
}

/**
 * The reduce side of a shuffle combined on the map side. A map output block holds one combiner per key
 * ({@link add}), or, when its map task stopped combining (see writeShuffle), a split block: the combiners of
 * the task's first rows, then its later rows as raw values ({@link beginSplitBlock}, {@link addPrefix},
 * {@link addRaw}, {@link endSplitBlock}). A split block is combined here exactly as its map task would have:
 * per key, the prefix's combiner (or createCombiner of the key's first value) takes each later value with
 * mergeValue, and the result is merged into the key's running combiner with mergeCombiners, keys in the map-side
 * combiner's order. So every user function gets the same arguments in the same order, as many times, as when the
 * map task combines everything; the keys kept and the output order are the same too.
 */
export class MapOutputMerger<V, C> extends KeyedCombiner<C, C> implements ShuffleMerger<V, C> {
  /** Keys met before the current split block: their block combiner is in `pending` until endSplitBlock. */
  private knownIds = 0;
  private pending: C[] = [];
  /** pendingIn[id] === splitBlocks: `pending[id]` belongs to the current split block. */
  private pendingIn = new Int32Array(1024);
  private splitBlocks = 0;
  private touched: number[] = [];

  constructor(private readonly fns: CombineFunctions<V, C>) {
    super((c) => c, fns.mergeCombiners);
  }

  /** Goes on from `state` (read between two calls of another merger of the same map outputs). */
  resume(state: MergerState<C>): this {
    Object.assign(this, state);
    return this;
  }

  beginSplitBlock(): void {
    this.knownIds = this.keys.length;
    this.splitBlocks++;
    this.touched.length = 0;
    // Kept as long as the ids it may hold: a write far past the end would turn the array into a slow dictionary.
    for (let id = this.pending.length; id < this.knownIds; id++) this.pending.push(undefined as C);
    if (this.pendingIn.length < this.knownIds) {
      const grown = new Int32Array(Math.max(this.knownIds, this.pendingIn.length * 2));
      grown.set(this.pendingIn);
      this.pendingIn = grown;
    }
  }

  /** A key's combiner over the map task's first rows (each key once per block). */
  addPrefix(key: unknown, combined: C): void {
    const id = this.internNew(key);
    if (id >= this.knownIds) this.combined[id] = combined;
    else this.setPending(id, combined);
  }

  /** A raw value of a later row of the map task. */
  addRaw(key: unknown, value: V): void {
    const id = this.internNew(key);
    if (id >= this.knownIds) {
      // First met in this block: its slot is the block's combiner until the block ends.
      if (id === this.combined.length) this.combined.push(this.fns.createCombiner(value));
      else this.combined[id] = this.fns.mergeValue(this.combined[id]!, value);
    } else if (this.pendingIn[id] === this.splitBlocks) {
      this.pending[id] = this.fns.mergeValue(this.pending[id]!, value);
    } else {
      this.setPending(id, this.fns.createCombiner(value));
    }
  }

  /** Merges the block's combiners of keys met before it, in the order the map-side combiner would list them. */
  endSplitBlock(): void {
    const { touched, pending, combined, keys } = this;
    const merge = this.fns.mergeCombiners;
    for (const id of touched) if (!isTupleKey(keys[id])) combined[id] = merge(combined[id]!, pending[id]!);
    if (this.hasTupleKeys) for (const id of touched) if (isTupleKey(keys[id])) combined[id] = merge(combined[id]!, pending[id]!);
    for (const id of touched) pending[id] = undefined as C; // let the block's combiners go
    touched.length = 0;
    this.knownIds = keys.length;
  }

  private setPending(id: number, combined: C): void {
    this.pending[id] = combined;
    this.pendingIn[id] = this.splitBlocks;
    this.touched.push(id);
  }

  /** The key's id; a new key is stored (its combined slot is filled by the caller). */
  private internNew(key: unknown): number {
    const id = this.index.intern(key); // rejects keys that cannot be hashed, as KeyMap does
    if (id === this.keys.length) {
      if (isTupleKey(key)) this.hasTupleKeys = true;
      this.keys.push(key);
    }
    return id;
  }
}

/**
 * A MapOutputMerger for a reduceByKey whose function adds its arguments field-wise (closure.ts fieldwiseSum,
 * `fields` 0 for a number, n for arrays of n numbers): each key's running sums sit in Float64Arrays, one per
 * field, instead of an array per key rebuilt by every call. Only for values a built-in codec decoded (plain
 * numbers and arrays). It makes the additions MapOutputMerger makes with the user's function, per key in the
 * same order, so it gets the same doubles; keys and output order are the same too. At the first value that is
 * not a number (or an array of n numbers) it hands its state to a MapOutputMerger, which goes on from there
 * with the user's function.
 */
export class SumMerger<V, C> implements ShuffleMerger<V, C> {
  private readonly index = new KeyIndex();
  private readonly keys: unknown[] = [];
  private hasTupleKeys = false;
  private readonly width: number;
  private sums: Float64Array[];
  private pending: Float64Array[];
  private knownIds = 0;
  /** pendingIn[id] === splitBlocks: `pending[id]` belongs to the current split block. Its length is the tables' capacity. */
  private pendingIn = borrow(Int32Array, 1024, true);
  private splitBlocks = 0;
  private readonly touched: number[] = [];
  /** A decoded value's fields, as a one-row column each: the value path takes the same row step as the column path. */
  private readonly one: Float64Array[];
  /** Set once a value did not fit: every call goes to it. */
  private rows: MapOutputMerger<V, C> | undefined;
  private released = false;

  constructor(
    private readonly fns: CombineFunctions<V, C>,
    private readonly fields: number,
  ) {
    this.width = Math.max(1, fields);
    this.sums = columns(this.width, this.pendingIn.length);
    this.pending = columns(this.width, this.pendingIn.length);
    this.one = Array.from({ length: this.width }, () => new Float64Array(1));
  }

  add(key: unknown, combined: C): void {
    if (this.rows || !this.load(combined)) return this.handOver().add(key, combined);
    this.take(COMBINED, key, this.one, 0);
  }

  beginSplitBlock(): void {
    if (this.rows) return this.rows.beginSplitBlock();
    this.knownIds = this.keys.length;
    this.splitBlocks++;
    this.touched.length = 0;
  }

  addPrefix(key: unknown, combined: C): void {
    if (this.rows || !this.load(combined)) return this.handOver().addPrefix(key, combined);
    this.take(PREFIX, key, this.one, 0);
  }

  addRaw(key: unknown, value: V): void {
    if (this.rows || !this.load(value)) return this.handOver().addRaw(key, value);
    this.take(RAW, key, this.one, 0);
  }

  /** The block's columns when this merger can read them in place (numericColumns), instead of decoded values. */
  columnsOf(block: Uint8Array): NumericColumns | undefined {
    return this.rows ? undefined : numericColumns(block, this.fields);
  }

  /** add(), addPrefix() or addRaw() (`role`) of each row of a block's columns. */
  addColumns(role: RowRole, { n, keys, values }: NumericColumns): void {
    for (let i = 0; i < n; i++) this.take(role, keys[i], values, i);
  }

  endSplitBlock(): void {
    if (this.rows) return this.rows.endSplitBlock();
    const { touched, sums, pending } = this;
    for (let f = 0; f < this.width; f++) {
      const s = sums[f]!;
      const p = pending[f]!;
      for (let i = 0; i < touched.length; i++) s[touched[i]!] += p[touched[i]!]!;
    }
    touched.length = 0;
    this.knownIds = this.keys.length;
  }

  forEach(f: (key: unknown, combined: C) => void): void {
    if (this.rows) return this.rows.forEach(f);
    const { keys } = this;
    if (!this.hasTupleKeys) {
      for (let id = 0; id < keys.length; id++) f(keys[id], this.valueOf(this.sums, id));
      return;
    }
    for (let id = 0; id < keys.length; id++) if (!isTupleKey(keys[id])) f(keys[id], this.valueOf(this.sums, id));
    for (let id = 0; id < keys.length; id++) if (isTupleKey(keys[id])) f(keys[id], this.valueOf(this.sums, id));
  }

  /**
   * One row (its value in `values[f][i]`), as MapOutputMerger takes it: a combined block's row starts or adds to
   * the key's sums; a split block's prefix row, and a raw row of a key first met in this block, start or add to
   * them too, while a key met before the block gathers the block's part in `pending` until endSplitBlock.
   */
  private take(role: RowRole, key: unknown, values: ArrayLike<number>[], i: number): void {
    const id = this.index.intern(key); // rejects keys that cannot be hashed, as KeyMap does
    const isNew = id === this.keys.length;
    if (isNew) this.newKey(key);
    if (role === COMBINED || id >= this.knownIds) {
      if (isNew || role === PREFIX) this.storeAt(this.sums, id, values, i);
      else this.addAt(this.sums, id, values, i);
    } else if (role === RAW && this.pendingIn[id] === this.splitBlocks) {
      this.addAt(this.pending, id, values, i);
    } else {
      this.storeAt(this.pending, id, values, i);
      this.pendingIn[id] = this.splitBlocks;
      this.touched.push(id);
    }
  }

  private newKey(key: unknown): void {
    if (isTupleKey(key)) this.hasTupleKeys = true;
    this.keys.push(key);
    if (this.keys.length > this.pendingIn.length) this.grow(2 * this.pendingIn.length);
  }

  /** Whether `value` is a number (or an array of `fields` numbers); if so, its fields are in `one`. */
  private load(value: unknown): boolean {
    const n = this.fields;
    if (n === 0) {
      if (typeof value !== "number") return false;
      this.one[0]![0] = value;
      return true;
    }
    if (!Array.isArray(value) || value.length !== n) return false;
    for (let f = 0; f < n; f++) if (typeof value[f] !== "number") return false;
    for (let f = 0; f < n; f++) this.one[f]![0] = value[f] as number;
    return true;
  }

  private storeAt(cols: Float64Array[], id: number, values: ArrayLike<number>[], i: number): void {
    for (let f = 0; f < values.length; f++) cols[f]![id] = values[f]![i]!;
  }

  private addAt(cols: Float64Array[], id: number, values: ArrayLike<number>[], i: number): void {
    for (let f = 0; f < values.length; f++) cols[f]![id] += values[f]![i]!;
  }

  /** A key's sums as the user's function returns them: a number, or a new array of the fields. */
  private valueOf(cols: Float64Array[], id: number): C {
    if (this.fields === 0) return cols[0]![id] as C;
    const out: number[] = [];
    for (let f = 0; f < this.fields; f++) out.push(cols[f]![id]!);
    return out as C;
  }

  private grow(capacity: number): void {
    this.sums = this.sums.map((c) => grownColumn(c, capacity));
    this.pending = this.pending.map((c) => grownColumn(c, capacity));
    this.pendingIn = grownColumn(this.pendingIn, capacity, true);
  }

  /** Gives the tables back to the pool (table-pool.ts): call once, after the last forEach. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const column of [...this.sums, ...this.pending, this.pendingIn]) giveBack(column);
  }

  /** The MapOutputMerger that goes on from here, with every sum as the user's function would have returned it. */
  private handOver(): MapOutputMerger<V, C> {
    if (this.rows) return this.rows;
    const n = this.keys.length;
    const combined: C[] = [];
    for (let id = 0; id < n; id++) combined.push(this.valueOf(this.sums, id));
    const pending: C[] = new Array<C>(n).fill(undefined as C);
    for (const id of this.touched) pending[id] = this.valueOf(this.pending, id);
    this.rows = new MapOutputMerger<V, C>(this.fns).resume({
      index: this.index,
      keys: this.keys,
      combined,
      hasTupleKeys: this.hasTupleKeys,
      knownIds: this.knownIds,
      pending,
      pendingIn: Int32Array.from(this.pendingIn),
      splitBlocks: this.splitBlocks,
      touched: this.touched,
    });
    this.release(); // its state is the MapOutputMerger's now
    return this.rows;
  }
}

/** Which of a merger's calls a row of a block's columns stands for (SumMerger.addColumns). */
export const COMBINED = 0;
export const PREFIX = 1;
export const RAW = 2;
export type RowRole = typeof COMBINED | typeof PREFIX | typeof RAW;

/** Columns of doubles whose contents are written before they are read (borrowed unzeroed). */
const columns = (n: number, capacity: number) => Array.from({ length: n }, () => borrow(Float64Array, capacity));

// Their hidden classes outlive every job (shapes.ts).
const specimenFunctions: CombineFunctions<unknown, unknown> = { createCombiner: (v) => v, mergeValue: (c) => c, mergeCombiners: (a) => a };
keepShapeOf(new KeyedCombiner(specimenFunctions.createCombiner, specimenFunctions.mergeValue));
keepShapeOf(new MapOutputMerger(specimenFunctions));
keepShapeOf(new SumMerger(specimenFunctions, 1));
keepShapeOf(new SumCombiner(specimenFunctions.createCombiner, specimenFunctions.mergeValue, 1, "reduceByKey"));
