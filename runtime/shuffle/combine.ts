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
  private readonly index = new KeyIndex();
  private readonly keys: unknown[] = [];
  private readonly combined: C[] = [];
  private hasTupleKeys = false;

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
