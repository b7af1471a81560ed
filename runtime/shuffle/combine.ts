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

export class KeyedCombiner<V, C> {
  protected readonly index = new KeyIndex();
  protected readonly keys: unknown[] = [];
  protected readonly combined: C[] = [];
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

/** The functions of a by-key aggregation (the shape of rdd/dependency.ts's Aggregator). */
export interface CombineFunctions<V, C> {
  createCombiner(value: V): C;
  mergeValue(combined: C, value: V): C;
  mergeCombiners(a: C, b: C): C;
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
export class MapOutputMerger<V, C> extends KeyedCombiner<C, C> {
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
