/**
 * The RDD: a list of partitions, a function computing each partition from its
 * parents, dependencies on those parents, and optionally a partitioner.
 * Transformations are lazy and only build lineage; actions submit a job.
 *
 * Rows flow through a partition by push: `compute(split, tc, emit)` calls
 * `emit` once per row. Narrow operations wrap `emit`, so a chain of them runs
 * as one loop with no intermediate arrays or iterators.
 */
import fs from "node:fs";
import path from "node:path";
import type { Context } from "../context.js";
import type { Partitioner } from "../shuffle/partitioner.js";
import { HashPartitioner } from "../shuffle/partitioner.js";
import { KeyMap, compareKeys, hashKey, keysEqual, type Key } from "../shuffle/keys.js";
import type { Dependency, Aggregator } from "./dependency.js";
import type { TaskContext } from "../scheduler/task.js";
import { StorageLevel } from "../storage/level.js";
import { InvalidArgumentError, JobFailedError, RddError, UserCodeError, asUserCodeError, requirePositiveInt } from "../errors.js";
import { kinds } from "./registry.js";
import { explain } from "../explain.js";
import { compileProjection, type ValueProjection } from "./projection.js";
import { StatCounter } from "../stat-counter.js";
import { keepShapeOf } from "../shapes.js";
import { BoundedHeap } from "./bounded-heap.js";
import { checkpointFileOf, isCheckpointed, markForCheckpoint } from "./checkpoint-state.js";
import { writingTo } from "../lineage/scope.js";
import { saveAsCsv, saveAsJsonLines, saveAsParquet, type CsvWriteOptions, type ParquetWriteOptions, type WriteOptions } from "../io/writers.js";
import { saveAsBucketed, type BucketOptions } from "../io/bucket-write.js";
import type { PairSink } from "./join-fusion.js";
import type { JoinedSink } from "../join/hash-join.js";

export type Emit<T> = (row: T) => void;

/** Options of `join`, `leftOuterJoin`, `rightOuterJoin` and `fullOuterJoin`. */
export interface JoinOptions {
  /** "shuffle" (default, as Spark's RDD join), "broadcast" (hint), or "auto" (decided at run time by size). */
  strategy?: "shuffle" | "broadcast" | "auto";
  numPartitions?: number;
  partitioner?: Partitioner;
  /** Site id the transformer writes (file:line:column); shown in metrics and the report. */
  site?: string;
  /**
   * Under "auto", a broadcast join hands the streamed side's keys and values on as the shuffle it replaces
   * would: fresh copies (a consumer mutating them, keeping them, or comparing them with `===` sees what it
   * would see after a shuffle). `inPlace: true` streams them in place, which is faster: the transformer writes
   * it where it proves that no consumer can tell copies from originals. An explicit "broadcast" always streams
   * in place (as Spark does).
   */
  inPlace?: boolean;
  /**
   * The join's consumers only read what it hands them: they write no key or value, keep none past the job,
   * and compare none by identity. A broadcast table may then hand each joined row its own copy of a build
   * row's value (built from the table's columns, which a probe reads faster than one object per build row)
   * where otherwise the rows of one build row share one copy. The transformer writes it where it proves it.
   */
  readOnly?: boolean;
}

export type PartitionSpec = number | Partitioner | undefined;

let nextRddId = 0;

/**
 * Keeps one instance of an RDD kind alive for the life of the thread (see shapes.ts: a job's RDDs are garbage
 * once it ends, and a full collection would free their hidden classes and discard the optimised `compute` of
 * every kind the job used). `make` builds it over `placeholder` parents, which only lend their Context; the
 * specimen takes no RDD id, so ids (which explain() prints) are the same with or without it.
 */
export function keepRddShape(make: (placeholder: RDD<never>) => RDD<unknown>): void {
  const id = nextRddId;
  try {
    keepShapeOf(make({ ctx: {} } as RDD<never>));
  } finally {
    nextRddId = id;
  }
}

/**
 * repartition's placement: rows are keyed by their target partition already
 * (dealt round-robin, as Spark does). Hashing those small ints instead would
 * leave about a third of the partitions empty.
 */
class RoundRobinPartitioner implements Partitioner {
  constructor(readonly numPartitions: number) {}
  getPartition(key: Key): number {
    return key as number;
  }
  equals(other: Partitioner | undefined): boolean {
    return other === this;
  }
  describe(): string {
    return `roundrobinpartitioning(${this.numPartitions})`;
  }
}

function callSite(): string {
  const stack = new Error().stack?.split("\n") ?? [];
  for (const line of stack.slice(2)) {
    if (!/[\\/]runtime[\\/]|node:internal|[\\/]node_modules[\\/]/.test(line)) return line.trim().replace(/^at\s+/, "");
  }
  return "unknown";
}

export function notAPair(op: string, row: unknown): RddError {
  let shown: string;
  try {
    shown = JSON.stringify(row)?.slice(0, 80) ?? String(row);
  } catch {
    shown = String(row);
  }
  return new InvalidArgumentError(
    `${op} needs pair rows [key, value], but got ${shown}. Turn rows into pairs first, for example with keyBy(r => r.id) or map(r => [r.id, r]).`,
  );
}

export function isPair(row: unknown): row is readonly [unknown, unknown] {
  return Array.isArray(row) && row.length === 2;
}

/**
 * Wraps a user function so that an exception in it names the operation.
 * Fixed arity (no rest parameters): this sits on the per-row hot path.
 */
export function guard<A, R>(op: string, f: (a: A) => R): (a: A) => R;
export function guard<A, B, R>(op: string, f: (a: A, b: B) => R): (a: A, b: B) => R;
export function guard<A, B, R>(op: string, f: (a: A, b: B) => R): (a: A, b: B) => R {
  return (a, b) => {
    try {
      return f(a, b);
    } catch (e) {
      throw asUserCodeError(op, e);
    }
  };
}

/** mapValues' rows taken apart from a join's: `f([l, r])`, with the `[l, r]` built here, fresh per row. */
function joinedMapValues(f: (value: unknown) => unknown): (sink: PairSink) => JoinedSink {
  const g = guard("mapValues", f);
  return (sink) => (k, l, r) => sink(k, g([l, r]));
}

/**
 * Emits every item of an iterable a user function returned. Iterating it runs
 * user code too (a generator's body), so an exception there names `op` like
 * one from the call itself; exceptions from `emit` (downstream) pass through.
 */
export function emitAll<U>(op: string, items: Iterable<U>, emit: Emit<U>): void {
  if (Array.isArray(items)) {
    for (let i = 0; i < items.length; i++) emit(items[i]);
    return;
  }
  const iterator = userStep(op, () => items[Symbol.iterator]());
  let finished = false;
  try {
    for (;;) {
      const step = userStep(op, () => iterator.next());
      if (step.done) {
        finished = true;
        return;
      }
      emit(step.value);
    }
  } finally {
    if (!finished) iterator.return?.(); // close a generator that emit() interrupted, as for-of would
  }
}

function userStep<R>(op: string, f: () => R): R {
  try {
    return f();
  } catch (e) {
    throw asUserCodeError(op, e);
  }
}

/**
 * One task's fold (or aggregate) of its partition, from `zero` (in process and in a worker alike). The running
 * value sits in an object's field, not a closure's variable: V8 boxes every number stored in a closure's
 * variable anew, while a number field is updated in place (no allocation per row).
 */
export function foldPartition<T, U>(rdd: RDD<T>, split: number, tc: TaskContext, zero: U, f: (acc: U, row: T) => U): U {
  const acc = { v: zero };
  rdd.iterator(split, tc, (row) => {
    acc.v = f(acc.v, row);
  });
  return acc.v;
}

/** One task's reduce of its partition (undefined when it is empty): one holder per task, updated in place (see foldPartition). */
export function reducePartition<T>(rdd: RDD<T>, split: number, tc: TaskContext, f: (a: T, b: T) => T): { v: T } | undefined {
  let acc: { v: T } | undefined;
  rdd.iterator(split, tc, (row) => {
    if (acc) acc.v = f(acc.v, row);
    else acc = { v: row };
  });
  return acc;
}

/**
 * A fresh copy of a zero value, one per partition (or key), so that a mutable
 * zero is never shared. A class instance keeps its prototype, which
 * structuredClone alone drops (`new Stats()` would lose its methods).
 */
export function cloneZero<U>(zero: U): U {
  const copy = structuredClone(zero);
  if (typeof zero === "object" && zero !== null && !Array.isArray(zero)) {
    const proto: unknown = Object.getPrototypeOf(zero);
    if (proto !== Object.getPrototypeOf(copy)) Object.setPrototypeOf(copy, proto as object | null);
  }
  return copy;
}

/** Runs the driver-side merge of an action's partition results; a user function failing there fails the job like one in a task. */
function mergeOnDriver<R>(op: string, merge: () => R): R {
  try {
    return merge();
  } catch (e) {
    if (!(e instanceof UserCodeError)) throw e;
    const msg = e.original instanceof Error ? e.original.message : String(e.original);
    throw new JobFailedError(
      `Job failed: the function passed to ${op} threw while merging the partitions' results on the driver (after the last stage): ${msg}`,
      op,
      -1,
      -1,
      e.original,
    );
  }
}

export abstract class RDD<T> {
  readonly id = nextRddId++;
  /** Where in user code this RDD was created (for errors and explain). */
  readonly callSite = callSite();
  name: string | undefined;
  storageLevel: StorageLevel = StorageLevel.NONE;

  constructor(readonly ctx: Context) {}

  /** Short name of the operation that made this RDD, as in Spark's UI ("map", "join", ...). */
  abstract readonly opName: string;
  /** Number of partitions; settled by the time a job starts (a join decided at run time may change it). */
  abstract get numPartitions(): number;
  /** The RDDs this one is built from, whatever plan is chosen at run time. */
  abstract parents(): RDD<unknown>[];
  /** How each partition depends on its parents for the chosen plan. */
  abstract dependencies(): Dependency[];
  /** Computes one partition, pushing each row to `emit`. */
  abstract compute(split: number, tc: TaskContext, emit: Emit<T>): void;

  /** How keys are placed, when this RDD's placement is known. */
  get partitioner(): Partitioner | undefined {
    return undefined;
  }

  /** Runs before stages are cut, after parents are prepared (joins decide their strategy here). */
  async prepare(): Promise<void> {}

  /** Extra text for explain(). */
  describe(): string {
    return "";
  }

  /** Computes a partition or reads it from the cache when persisted. */
  iterator(split: number, tc: TaskContext, emit: Emit<T>): void {
    if (this.storageLevel === StorageLevel.NONE) return this.compute(split, tc, emit);
    this.ctx.blockManager.getOrCompute(this, split, tc, emit);
  }

  getNumPartitions(): number {
    return this.numPartitions;
  }

  setName(name: string): this {
    this.name = name;
    return this;
  }

  toString(): string {
    return `${this.name ?? this.opName} [${this.id}] at ${this.callSite}`;
  }

  /**
   * The RDD a failed task names: itself, or for a pruning projection (ProjectedRDD) the RDD it projects, so
   * a job fails with the message it gives without the plugin.
   */
  get reportedAs(): RDD<unknown> {
    return this as RDD<unknown>;
  }

  /** The physical plan: stages, exchanges with their partitioners, broadcasts and cached scans. */
  explain(): string {
    return explain(this as RDD<unknown>);
  }

  // ------------------------------------------------------------ narrow transformations

  map<U>(f: (row: T) => U): RDD<U> {
    const g = guard("map", f);
    return new kinds.PipelinedRDD<T, U>(this, "map", (emit) => (row) => emit(g(row)), false, f);
  }

  flatMap<U>(f: (row: T) => Iterable<U>): RDD<U> {
    const g = guard("flatMap", f);
    return new kinds.PipelinedRDD<T, U>(
      this,
      "flatMap",
      (emit) => (row) => {
        emitAll("flatMap", g(row), emit);
      },
      false,
      f,
    );
  }

  filter(f: (row: T) => boolean): RDD<T> {
    const g = guard("filter", f);
    return new kinds.PipelinedRDD<T, T>(
      this,
      "filter",
      (emit) => (row) => {
        if (g(row)) emit(row);
      },
      true,
      f,
    );
  }

  mapPartitions<U>(f: (rows: T[]) => Iterable<U>, preservesPartitioning = false): RDD<U> {
    const g = guard("mapPartitions", f);
    return new kinds.MapPartitionsRDD<T, U>(this, "mapPartitions", (rows) => g(rows), preservesPartitioning);
  }

  mapPartitionsWithIndex<U>(f: (index: number, rows: T[]) => Iterable<U>, preservesPartitioning = false): RDD<U> {
    const g = guard("mapPartitionsWithIndex", f);
    return new kinds.MapPartitionsRDD<T, U>(this, "mapPartitionsWithIndex", (rows, index) => g(index, rows), preservesPartitioning);
  }

  /** Puts each partition's rows into one array. */
  glom(): RDD<T[]> {
    return new kinds.MapPartitionsRDD<T, T[]>(this, "glom", (rows) => [rows], false);
  }

  keyBy<K>(f: (row: T) => K): RDD<[K, T]> {
    const g = guard("keyBy", f);
    return new kinds.PipelinedRDD<T, [K, T]>(this, "keyBy", (emit) => (row) => emit([g(row), row]), false, f);
  }

  union(other: RDD<T>): RDD<T> {
    return new kinds.UnionRDD<T>(this.ctx, [this, other]);
  }

  /** Rows sampled per partition: Bernoulli without replacement, Poisson with; `seed` makes it repeatable. */
  sample(withReplacement: boolean, fraction: number, seed = 0x5eed): RDD<T> {
    if (!(fraction >= 0) || (!withReplacement && fraction > 1)) {
      throw new InvalidArgumentError(`sample fraction must be in [0, 1] without replacement (or >= 0 with), got ${fraction}.`);
    }
    return new kinds.MapPartitionsRDD<T, T>(
      this,
      "sample",
      (rows, index) => {
        const rand = mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
        const out: T[] = [];
        for (const row of rows) {
          if (!withReplacement) {
            if (rand() < fraction) out.push(row);
          } else {
            for (let k = poisson(fraction, rand); k > 0; k--) out.push(row);
          }
        }
        return out;
      },
      true,
    );
  }

  /** Merges partitions into `n` without a shuffle (or with one when `shuffle` is true, as `repartition`). */
  coalesce(numPartitions: number, shuffle = false): RDD<T> {
    requirePositiveInt("coalesce numPartitions", numPartitions);
    if (!shuffle) return new kinds.CoalescedRDD<T>(this, numPartitions);
    const keyed = new kinds.MapPartitionsRDD<T, [number, T]>(
      this,
      "repartition",
      (rows, index) => {
        let position = (hashKey(index) >>> 0) % numPartitions; // spread rows round-robin from a per-partition start
        return rows.map((row) => [position++ % numPartitions, row] as [number, T]);
      },
      false,
    );
    return new kinds.ShuffledRDD<number, T, T>(keyed, new RoundRobinPartitioner(numPartitions), { opName: "repartition" }).values();
  }

  repartition(numPartitions: number): RDD<T> {
    requirePositiveInt("repartition numPartitions", numPartitions); // errors name the method the user called
    return this.coalesce(numPartitions, true);
  }

  distinct(numPartitions?: number): RDD<T> {
    const pairs = this.map((row) => [row, null] as [T, null]);
    return new kinds.ShuffledRDD<T, null, null>(pairs, this.resolvePartitioner(numPartitions, "distinct"), {
      opName: "distinct",
      aggregator: { createCombiner: (v) => v, mergeValue: (c) => c, mergeCombiners: (c) => c },
      mapSideCombine: true,
    }).keys();
  }

  sortBy<K>(f: (row: T) => K, ascending = true, numPartitions?: number): RDD<T> {
    requirePositiveInt("sortBy numPartitions", numPartitions);
    return this.keyBy(guard("sortBy", f)).sortByKey(ascending, numPartitions).values(); // errors name sortBy, the user's call
  }

  /**
   * Groups rows by the key `f` returns: one `[key, rows]` pair per key (Spark's `groupBy`). Keys compare by
   * value, as every key here; the order of rows within a group is not a result.
   * @example ctx.parallelize(["ant", "bee", "bat"]).groupBy((w) => w[0]) // [["a", ["ant"]], ["b", ["bee", "bat"]]]
   */
  groupBy<K>(f: (row: T) => K, partitioner?: PartitionSpec): RDD<[K, T[]]> {
    const keyed = this.keyBy(guard("groupBy", f));
    return keyed.groupByKey(keyed.resolvePartitioner(partitioner, "groupBy")); // errors name groupBy, the user's call
  }

  /**
   * The rows of this RDD that do not occur in `other`, compared by value as keys are (Spark's `subtract`):
   * duplicates of a row that survives stay. Rows must be usable as keys (numbers, strings, tuples, ...).
   * Default partitions: this RDD's count.
   */
  subtract(other: RDD<T>, partitioner?: PartitionSpec): RDD<T> {
    const target = this.resolvePartitioner(partitioner ?? Math.max(1, this.numPartitions), "subtract");
    return new kinds.SubtractedRDD<T, null, null>(rowsAsKeys(this, "subtract"), rowsAsKeys(other, "subtract"), target, "subtract").keys();
  }

  /**
   * The distinct rows that occur in both RDDs, compared by value as keys are (Spark's `intersection`:
   * the result has no duplicates, even where both inputs have some).
   */
  intersection(other: RDD<T>, partitioner?: PartitionSpec): RDD<T> {
    const inputs = [rowsAsKeys(this, "intersection"), rowsAsKeys(other, "intersection")];
    const target = this.defaultPartitioner(inputs as RDD<unknown>[], partitioner, "intersection"); // as Spark: of the keyed inputs
    return new kinds.CoGroupedRDD<T>(inputs, target, "intersection")
      .filter(([, [mine, theirs]]) => mine!.length > 0 && theirs!.length > 0)
      .keys();
  }

  /** Every pair `[a, b]` of a row `a` of this RDD and a row `b` of `other`, in `n * m` partitions with no shuffle. */
  cartesian<U>(other: RDD<U>): RDD<[T, U]> {
    return new kinds.CartesianRDD<T, U>(this, other);
  }

  /**
   * Each row paired with its index: partition order first, then row order within a partition (Spark's
   * `zipWithIndex`). The first job over the result runs a job of its own to count the rows of every
   * partition but the last.
   */
  zipWithIndex(): RDD<[T, number]> {
    return new kinds.ZippedWithIndexRDD<T>(this);
  }

  /**
   * Each row paired with a unique id, with no extra job: row `i` of partition `p` of `n` gets `i * n + p`
   * (Spark's `zipWithUniqueId`; the ids have gaps).
   */
  zipWithUniqueId(): RDD<[T, number]> {
    return new kinds.PipelinedRDD<T, [T, number]>(
      this,
      "zipWithUniqueId",
      (emit, split) => {
        const n = this.numPartitions;
        let i = 0;
        return (row) => emit([row, i++ * n + split]);
      },
      false,
    );
  }

  // ------------------------------------------------------------ persistence

  persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    if (this.storageLevel !== StorageLevel.NONE && this.storageLevel !== level) {
      throw new InvalidArgumentError(
        `RDD ${this.id} is already persisted at ${this.storageLevel}; call unpersist() before choosing ${level}.`,
      );
    }
    this.storageLevel = level;
    return this;
  }

  cache(): this {
    return this.persist(StorageLevel.MEMORY_ONLY);
  }

  unpersist(): this {
    this.ctx.blockManager.removeRdd(this.id);
    this.storageLevel = StorageLevel.NONE;
    return this;
  }

  /**
   * Marks this RDD for checkpointing (Spark's `checkpoint`): after the next job over it, its partitions are
   * written under the context's checkpoint directory (`ctx.setCheckpointDir`) and its lineage is cut, so
   * later jobs read the files instead of recomputing its parents. Writing computes the RDD again unless it
   * is persisted: persist it first when it is expensive.
   */
  checkpoint(): this {
    markForCheckpoint(this as RDD<unknown>);
    return this;
  }

  /** Whether this RDD's checkpoint files are written and its lineage cut. */
  isCheckpointed(): boolean {
    return isCheckpointed(this as RDD<unknown>);
  }

  /** The directory of this RDD's checkpoint files, once written (else undefined). */
  getCheckpointFile(): string | undefined {
    return checkpointFileOf(this as RDD<unknown>);
  }

  // ------------------------------------------------------------ actions

  async collect(): Promise<T[]> {
    const parts = await this.ctx.runJob(this, "collect", (split, tc) => {
      const rows: T[] = [];
      this.iterator(split, tc, (row) => rows.push(row));
      return rows;
    }, undefined, { kind: "collect" });
    return parts.flat(1) as T[];
  }

  async count(): Promise<number> {
    const counts = await this.ctx.runJob(this, "count", (split, tc) => {
      let n = 0;
      this.iterator(split, tc, () => n++);
      return n;
    }, undefined, { kind: "count" });
    return counts.reduce((a, b) => a + b, 0);
  }

  /** The first `n` rows, scanning as few partitions as it can (1, then 4x more each round, as Spark does). */
  async take(n: number): Promise<T[]> {
    const out: T[] = [];
    if (n <= 0) return out;
    let scanned = 0;
    let batch = 1;
    await this.ctx.prepareJob(this);
    const total = this.numPartitions;
    while (out.length < n && scanned < total) {
      const partitions = range(scanned, Math.min(total, scanned + batch));
      const want = n - out.length;
      const parts = await this.ctx.runJob(
        this,
        "take",
        (split, tc) => {
          const rows: T[] = [];
          this.iterator(split, tc, (row) => {
            if (rows.length < want) rows.push(row);
          });
          return rows;
        },
        partitions,
      );
      for (const rows of parts) for (const row of rows) if (out.length < n) out.push(row);
      scanned += partitions.length;
      batch *= 4;
    }
    return out;
  }

  async first(): Promise<T> {
    const rows = await this.take(1);
    if (rows.length === 0) throw new RddError("first() on an empty RDD. Check for emptiness with isEmpty() or use take(1).");
    return rows[0]!;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0;
  }

  async reduce(f: (a: T, b: T) => T): Promise<T> {
    const g = guard("reduce", f);
    const parts = await this.ctx.runJob(this, "reduce", (split, tc) => reducePartition(this, split, tc, g), undefined, { kind: "reduce", fn: f });
    const result = mergeOnDriver("reduce", () => {
      let merged: { v: T } | undefined;
      for (const p of parts) if (p) merged = merged ? { v: g(merged.v, p.v) } : p;
      return merged;
    });
    if (!result) throw new RddError("reduce() of an empty RDD. Use fold(zero, f) to give empty input a result.");
    return result.v;
  }

  async fold(zero: T, f: (a: T, b: T) => T): Promise<T> {
    const g = guard("fold", f);
    const parts = await this.ctx.runJob(this, "fold", (split, tc) => foldPartition(this, split, tc, cloneZero(zero), g), undefined, { kind: "fold", fn: f, zero: { value: zero } });
    return mergeOnDriver("fold", () => parts.reduce((a, b) => g(a, b), cloneZero(zero)));
  }

  async aggregate<U>(zero: U, seqOp: (acc: U, row: T) => U, combOp: (a: U, b: U) => U): Promise<U> {
    const seq = guard("aggregate", seqOp);
    const comb = guard("aggregate", combOp);
    const parts = await this.ctx.runJob(this, "aggregate", (split, tc) => foldPartition(this, split, tc, cloneZero(zero), seq), undefined, { kind: "aggregate", fn: seqOp, zero: { value: zero } });
    return mergeOnDriver("aggregate", () => parts.reduce((a, b) => comb(a, b), cloneZero(zero)));
  }

  async foreach(f: (row: T) => void): Promise<void> {
    const g = guard("foreach", f);
    await this.ctx.runJob(this, "foreach", (split, tc) => this.iterator(split, tc, (row) => void g(row)));
  }

  /**
   * Calls `f` once per partition with the partition's rows, empty partitions included (Spark's
   * `foreachPartition`). A promise `f` returns is awaited after the partition's task has ended; the action
   * ends when all have settled.
   * @example await rdd.foreachPartition(async (rows) => { if (rows.length) await db.insertMany(rows); });
   */
  async foreachPartition(f: (rows: T[]) => void | Promise<void>): Promise<void> {
    const g = guard("foreachPartition", f);
    const pending = await this.ctx.runJob(this, "foreachPartition", (split, tc) => {
      const rows: T[] = [];
      this.iterator(split, tc, (row) => rows.push(row));
      const returned: unknown = g(rows);
      // Settled into a value at once: a rejection must not go unhandled while later tasks run.
      return isThenable(returned) ? Promise.resolve(returned).then(() => undefined, (reason: unknown) => ({ reason })) : undefined;
    });
    const outcomes = await Promise.all(pending);
    outcomes.forEach((outcome, partition) => {
      if (outcome === undefined) return;
      const msg = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
      throw new JobFailedError(
        `Job failed: the promise the function passed to foreachPartition returned for partition ${partition} rejected: ${msg}`,
        "foreachPartition",
        -1,
        partition,
        outcome.reason,
      );
    });
  }

  /**
   * The `n` largest rows, largest first (Spark's `top`), by `compare` or else the key order (numbers,
   * strings, tuples, ...; NaN is the largest number). Each partition keeps only its `n` best rows.
   * @example await ctx.parallelize([5, 1, 9, 3]).top(2) // [9, 5]
   */
  async top(n: number, compare?: (a: T, b: T) => number): Promise<T[]> {
    const order = rowOrder("top", compare);
    return this.smallest("top", n, (a, b) => order(b, a));
  }

  /**
   * The `n` smallest rows, smallest first (Spark's `takeOrdered`), by `compare` or else the key order.
   * Each partition keeps only its `n` best rows in a bounded heap: nothing is sorted whole.
   * @example await ctx.parallelize([5, 1, 9, 3]).takeOrdered(2) // [1, 3]
   */
  async takeOrdered(n: number, compare?: (a: T, b: T) => number): Promise<T[]> {
    return this.smallest("takeOrdered", n, rowOrder("takeOrdered", compare));
  }

  /**
   * The largest row by `compare` or else the key order (Spark's `max`; NaN is the largest number). An empty
   * RDD is an error (use `stats().max` for numbers, which is `-Infinity` when empty).
   */
  async max(compare?: (a: T, b: T) => number): Promise<T> {
    return this.extreme("max", rowOrder("max", compare));
  }

  /** The smallest row by `compare` or else the key order (Spark's `min`). An empty RDD is an error. */
  async min(compare?: (a: T, b: T) => number): Promise<T> {
    const order = rowOrder("min", compare);
    return this.extreme("min", (a, b) => order(b, a));
  }

  // ------------------------------------------------------------ numeric actions (RDD<number> only)

  /** The sum of the numbers (0 when empty), added per partition and then across partitions, as Spark. */
  async sum(this: RDD<number>): Promise<number> {
    const sums = await this.ctx.runJob(this, "sum", (split, tc) => {
      let total = 0;
      this.iterator(split, tc, (row) => (total += requireNumber("sum", row)));
      return total;
    });
    return sums.reduce((a, b) => a + b, 0);
  }

  /**
   * Count, mean, variance, max, min and sum in one pass, as a {@link StatCounter} (Spark's `stats`):
   * each partition's counter is merged on the driver with the numerically stable formula.
   * @example const s = await ctx.parallelize([1, 2, 3, 4]).stats(); s.mean; s.stdev // 2.5, 1.118...
   */
  async stats(this: RDD<number>): Promise<StatCounter> {
    return this.statsFor("stats");
  }

  /** The mean of the numbers; NaN when empty. */
  async mean(this: RDD<number>): Promise<number> {
    return (await this.statsFor("mean")).mean;
  }

  /** The population variance (divides by the count, as Spark's `variance`); NaN when empty. */
  async variance(this: RDD<number>): Promise<number> {
    return (await this.statsFor("variance")).variance;
  }

  /** The population standard deviation (as Spark's `stdev`); NaN when empty. */
  async stdev(this: RDD<number>): Promise<number> {
    return (await this.statsFor("stdev")).stdev;
  }

  /** The sample variance (divides by count - 1); NaN for fewer than two numbers. */
  async sampleVariance(this: RDD<number>): Promise<number> {
    return (await this.statsFor("sampleVariance")).sampleVariance;
  }

  /** The sample standard deviation; NaN for fewer than two numbers. */
  async sampleStdev(this: RDD<number>): Promise<number> {
    return (await this.statsFor("sampleStdev")).sampleStdev;
  }

  async countByValue(): Promise<Map<T, number>> {
    return this.map((row) => [row, 1] as [T, number]).countByKey();
  }

  /** Writes one text file per partition (`part-00000`, ...) plus `_SUCCESS` into a new directory. */
  async saveAsTextFile(dir: string): Promise<void> {
    if (fs.existsSync(dir)) {
      throw new InvalidArgumentError(`Output directory ${dir} already exists. Delete it first or choose another path.`);
    }
    fs.mkdirSync(dir, { recursive: true });
    // writingTo: lineage events name the directory as the job's output
    await writingTo(dir, () => this.ctx.runJob(this, "saveAsTextFile", (split, tc) => {
      const lines: string[] = [];
      this.iterator(split, tc, (row) => lines.push(textLine(row)));
      fs.writeFileSync(path.join(dir, `part-${String(split).padStart(5, "0")}`), lines.length ? lines.join("\n") + "\n" : "");
    }));
    fs.writeFileSync(path.join(dir, "_SUCCESS"), "");
  }

  /** One JSON value per line, one part file per partition plus `_SUCCESS`; `partitionBy` writes `column=value` directories. */
  saveAsJsonLines(dir: string, options?: WriteOptions): Promise<void> {
    return writingTo(dir, () => saveAsJsonLines(this, dir, options)); // lineage events name the directory as the output
  }

  /** Object rows as CSV (header by default), one part file per partition plus `_SUCCESS`; `partitionBy` as saveAsJsonLines. */
  saveAsCsv(dir: string, options?: CsvWriteOptions): Promise<void> {
    return writingTo(dir, () => saveAsCsv(this, dir, options)); // lineage events name the directory as the output
  }

  /** Object rows as Parquet (column types from the values), one part file per partition plus `_SUCCESS`; `partitionBy` as saveAsJsonLines. */
  saveAsParquet(dir: string, options?: ParquetWriteOptions): Promise<void> {
    return writingTo(dir, () => saveAsParquet(this, dir, options)); // lineage events name the directory as the output
  }

  // ------------------------------------------------------------ pair transformations (RDD<[K, V]> only)

  /** Pairs in `buckets` files placed by HashPartitioner(buckets), the partitioner recorded; `ctx.readBucketed` reads them back partitioned. */
  saveAsBucketed<K, V>(this: RDD<[K, V]>, dir: string, options: BucketOptions): Promise<void> {
    return writingTo(dir, () => saveAsBucketed(this, dir, options)); // lineage events name the directory as the output
  }


  mapValues<K, V, U>(this: RDD<[K, V]>, f: (value: V) => U): RDD<[K, U]> {
    const g = guard("mapValues", f);
    return new kinds.PipelinedRDD<[K, V], [K, U]>(
      this,
      "mapValues",
      (emit) => (row) => {
        if (!isPair(row)) throw notAPair("mapValues", row);
        emit([row[0], g(row[1])]);
      },
      true,
      f,
      {
        joinedPairs: joinedMapValues(f as (value: unknown) => unknown),
        valuePairs: (sink) => (row) => {
          if (!isPair(row)) throw notAPair("mapValues", row);
          sink(row[0], g(row[1] as V));
        },
      },
    );
  }

  /**
   * Keeps at least the parts of each value that `projection` names (see ValueProjection); the rddopt
   * transformer inserts this before shuffles whose consumers read only those parts. Before a shuffle the
   * value is projected exactly; a broadcast join that streams this side (no shuffle) hands on the whole
   * value when the projection keeps positions, since reading the named parts gives the same. Rows that are
   * not pairs, and values that are not plain arrays or objects, pass unchanged. Code that must see exactly
   * the projected value should use `mapValues`. The static type is the caller's to state (`U`).
   */
  projectValues<K, V, U = V>(this: RDD<[K, V]>, projection: ValueProjection): RDD<[K, U]> {
    const project = compileProjection(projection);
    return new kinds.ProjectedRDD<K, V, U>(this, projection, project);
  }

  flatMapValues<K, V, U>(this: RDD<[K, V]>, f: (value: V) => Iterable<U>): RDD<[K, U]> {
    const g = guard("flatMapValues", f);
    return new kinds.PipelinedRDD<[K, V], [K, U]>(
      this,
      "flatMapValues",
      (emit) => (row) => {
        if (!isPair(row)) throw notAPair("flatMapValues", row);
        const key = row[0];
        emitAll("flatMapValues", g(row[1]), (u) => emit([key, u]));
      },
      true,
      f,
    );
  }

  keys<K, V>(this: RDD<[K, V]>): RDD<K> {
    return new kinds.PipelinedRDD<[K, V], K>(
      this,
      "keys",
      (emit) => (row) => {
        if (!isPair(row)) throw notAPair("keys", row);
        emit(row[0]);
      },
      false,
      undefined,
      { pairs: (emit) => (key, value) => emit(key as K) },
    );
  }

  values<K, V>(this: RDD<[K, V]>): RDD<V> {
    return new kinds.PipelinedRDD<[K, V], V>(
      this,
      "values",
      (emit) => (row) => {
        if (!isPair(row)) throw notAPair("values", row);
        emit(row[1]);
      },
      false,
      undefined,
      { pairs: (emit) => (key, value) => emit(value as V) },
    );
  }

  combineByKey<K, V, C>(
    this: RDD<[K, V]>,
    createCombiner: (v: V) => C,
    mergeValue: (c: C, v: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    partitioner?: PartitionSpec,
    mapSideCombine = true,
  ): RDD<[K, C]> {
    const aggregator: Aggregator<V, C> = {
      createCombiner: guard("combineByKey", createCombiner),
      mergeValue: guard("combineByKey", mergeValue),
      mergeCombiners: guard("combineByKey", mergeCombiners),
      recipe: { op: "combineByKey", fns: [createCombiner, mergeValue, mergeCombiners] },
    };
    return this.combineWith("combineByKey", aggregator, partitioner, mapSideCombine);
  }

  reduceByKey<K, V>(this: RDD<[K, V]>, f: (a: V, b: V) => V, partitioner?: PartitionSpec): RDD<[K, V]> {
    const g = guard("reduceByKey", f);
    return this.combineWith("reduceByKey", { createCombiner: (v) => v, mergeValue: g, mergeCombiners: g, recipe: { op: "reduceByKey", fns: [f] } }, partitioner, true);
  }

  foldByKey<K, V>(this: RDD<[K, V]>, zero: V, f: (a: V, b: V) => V, partitioner?: PartitionSpec): RDD<[K, V]> {
    const g = guard("foldByKey", f);
    return this.combineWith(
      "foldByKey",
      { createCombiner: (v) => g(cloneZero(zero), v), mergeValue: g, mergeCombiners: g, recipe: { op: "foldByKey", fns: [f], zero: { value: zero } } },
      partitioner,
      true,
    );
  }

  aggregateByKey<K, V, U>(
    this: RDD<[K, V]>,
    zero: U,
    seqOp: (acc: U, v: V) => U,
    combOp: (a: U, b: U) => U,
    partitioner?: PartitionSpec,
  ): RDD<[K, U]> {
    const seq = guard("aggregateByKey", seqOp);
    const comb = guard("aggregateByKey", combOp);
    return this.combineWith(
      "aggregateByKey",
      { createCombiner: (v) => seq(cloneZero(zero), v), mergeValue: seq, mergeCombiners: comb, recipe: { op: "aggregateByKey", fns: [seqOp, combOp], zero: { value: zero } } },
      partitioner,
      true,
    );
  }

  groupByKey<K, V>(this: RDD<[K, V]>, partitioner?: PartitionSpec): RDD<[K, V[]]> {
    // As in Spark: no map-side combine, since it would not shrink the data.
    return this.combineWith<K, V, V[]>(
      "groupByKey",
      {
        createCombiner: (v) => [v],
        mergeValue: (c, v) => (c.push(v), c),
        mergeCombiners: (a, b) => (a.push(...b), a),
      },
      partitioner,
      false,
    );
  }

  partitionBy<K, V>(this: RDD<[K, V]>, partitioner: Partitioner): RDD<[K, V]> {
    if (typeof partitioner !== "object" || partitioner === null || typeof partitioner.getPartition !== "function" || typeof partitioner.equals !== "function") {
      throw new InvalidArgumentError(
        `partitionBy takes a Partitioner, got ${typeof partitioner === "number" ? `the number ${partitioner}` : String(partitioner)}. Pass new HashPartitioner(n) or new RangePartitioner(...), or use repartition(n) to spread rows over n partitions.`,
      );
    }
    if (partitioner.equals(this.partitioner)) return this;
    return new kinds.ShuffledRDD<K, V, V>(this, partitioner, { opName: "partitionBy" });
  }

  sortByKey<K, V>(this: RDD<[K, V]>, ascending = true, numPartitions?: number): RDD<[K, V]> {
    requirePositiveInt("sortByKey numPartitions", numPartitions);
    return new kinds.ShuffledRDD<K, V, V>(this, undefined, {
      opName: "sortByKey",
      sort: { ascending, numPartitions: numPartitions ?? this.ctx.defaultParallelism },
    });
  }

  subtractByKey<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, V]> {
    return new kinds.SubtractedRDD<K, V, W>(this, other, this.resolvePartitioner(numPartitions, "subtractByKey"));
  }

  cogroup<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, partitioner?: PartitionSpec): RDD<[K, [V[], W[]]]>;
  cogroup<K, V, W1, W2>(
    this: RDD<[K, V]>,
    other1: RDD<[K, W1]>,
    other2: RDD<[K, W2]>,
    partitioner?: PartitionSpec,
  ): RDD<[K, [V[], W1[], W2[]]]>;
  cogroup<K>(this: RDD<[K, unknown]>, ...args: (RDD<[K, unknown]> | PartitionSpec)[]): RDD<[K, unknown[][]]> {
    const others = args.filter((a): a is RDD<[K, unknown]> => a instanceof RDD);
    const spec = args.find((a) => !(a instanceof RDD)) as PartitionSpec;
    const all = [this, ...others];
    return new kinds.CoGroupedRDD<K>(all, this.defaultPartitioner(all, spec, "cogroup"));
  }

  /** Rows whose keys match on both sides: [key, [left value, right value]], every pair for duplicate keys. */
  join<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, options?: JoinOptions): RDD<[K, [V, W]]> {
    return new kinds.JoinRDD(this, other, "inner", options ?? {}) as unknown as RDD<[K, [V, W]]>;
  }

  leftOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, options?: JoinOptions): RDD<[K, [V, W | undefined]]> {
    return new kinds.JoinRDD(this, other, "leftOuter", options ?? {}) as unknown as RDD<[K, [V, W | undefined]]>;
  }

  rightOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, options?: JoinOptions): RDD<[K, [V | undefined, W]]> {
    return new kinds.JoinRDD(this, other, "rightOuter", options ?? {}) as unknown as RDD<[K, [V | undefined, W]]>;
  }

  fullOuterJoin<K, V, W>(
    this: RDD<[K, V]>,
    other: RDD<[K, W]>,
    options?: JoinOptions,
  ): RDD<[K, [V | undefined, W | undefined]]> {
    return new kinds.JoinRDD(this, other, "fullOuter", options ?? {}) as unknown as RDD<[K, [V | undefined, W | undefined]]>;
  }

  // ------------------------------------------------------------ pair actions

  async countByKey<K, V>(this: RDD<[K, V]>): Promise<Map<K, number>> {
    const counted = await this.mapValues(() => 1).reduceByKey((a, b) => a + b).collect();
    return new Map(counted);
  }

  /** All pairs as a Map (the last value wins for a duplicate key; composite keys are matched by value). */
  async collectAsMap<K, V>(this: RDD<[K, V]>): Promise<Map<K, V>> {
    const rows = await this.collect();
    const seen = new KeyMap<{ key: K }>(); // maps a composite key to the first array instance seen for it
    const out = new Map<K, V>();
    for (const row of rows) {
      if (!isPair(row)) throw notAPair("collectAsMap", row);
      const [k, v] = row;
      const first = seen.get(k);
      if (first) out.set(first.key, v);
      else {
        seen.set(k, { key: k });
        out.set(k, v);
      }
    }
    return out;
  }

  /** Values for one key; reads only the key's partition when the partitioner is known. */
  async lookup<K, V>(this: RDD<[K, V]>, key: K): Promise<V[]> {
    await this.ctx.prepareJob(this);
    const p = this.partitioner;
    const partitions = p ? [p.getPartition(key as Key)] : undefined;
    const parts = await this.ctx.runJob(
      this,
      "lookup",
      (split, tc) => {
        const out: V[] = [];
        this.iterator(split, tc, (row) => {
          if (!isPair(row)) throw notAPair("lookup", row);
          if (keysEqual(row[0], key)) out.push(row[1]);
        });
        return out;
      },
      partitions,
    );
    return parts.flat(1) as V[];
  }

  // ------------------------------------------------------------ helpers

  private async statsFor(this: RDD<number>, method: string): Promise<StatCounter> {
    const counters = await this.ctx.runJob(this, method, (split, tc) => {
      const counter = new StatCounter();
      this.iterator(split, tc, (row) => counter.add(requireNumber(method, row)));
      return counter;
    });
    return counters.reduce((merged, c) => merged.merge(c), new StatCounter());
  }

  /** takeOrdered's work: each partition's `n` smallest rows under `compare`, merged on the driver. */
  private async smallest(method: string, n: number, compare: (a: T, b: T) => number): Promise<T[]> {
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${method} n must be a whole number >= 0, got ${String(n)}.`);
    if (n === 0) return [];
    const parts = await this.ctx.runJob(this, method, (split, tc) => {
      const heap = new BoundedHeap<T>(n, compare);
      this.iterator(split, tc, (row) => heap.offer(row));
      return heap.sorted();
    });
    return mergeOnDriver(method, () => {
      const heap = new BoundedHeap<T>(n, compare);
      for (const rows of parts) for (const row of rows) heap.offer(row);
      return heap.sorted();
    });
  }

  /** max's work: the largest row under `compare`, the first of equal ones (Spark's `reduce(ord.max)`). */
  private async extreme(method: string, compare: (a: T, b: T) => number): Promise<T> {
    const pick = (best: { v: T } | undefined, row: T) => (best === undefined || compare(row, best.v) > 0 ? { v: row } : best);
    const parts = await this.ctx.runJob(this, method, (split, tc) => {
      let best: { v: T } | undefined;
      this.iterator(split, tc, (row) => (best = pick(best, row)));
      return best;
    });
    const result = mergeOnDriver(method, () => parts.reduce<{ v: T } | undefined>((best, p) => (p ? pick(best, p.v) : best), undefined));
    if (!result) {
      throw new RddError(`${method}() of an empty RDD: there is no row to return. Check isEmpty() first${method === "max" || method === "min" ? `, or use stats().${method} for numbers (${method === "max" ? "-Infinity" : "Infinity"} when empty)` : ""}.`);
    }
    return result.v;
  }

  private combineWith<K, V, C>(
    opName: string,
    aggregator: Aggregator<V, C>,
    spec: PartitionSpec,
    mapSideCombine: boolean,
  ): RDD<[K, C]> {
    const self = this as unknown as RDD<[K, V]>;
    const partitioner = this.resolvePartitioner(spec, opName);
    if (!partitioner.equals(this.partitioner)) {
      return new kinds.ShuffledRDD<K, V, C>(self, partitioner, { opName, aggregator, mapSideCombine });
    }
    // Keys are already placed by this partitioner: combine within each partition, no shuffle (as Spark does).
    return new kinds.MapPartitionsRDD<[K, V], [K, C]>(
      self,
      opName,
      (rows) => {
        const combined = new KeyMap<[K, C]>();
        for (const row of rows) {
          if (!isPair(row)) throw notAPair(opName, row);
          const entry = combined.get(row[0]);
          if (entry) entry[1] = aggregator.mergeValue(entry[1], row[1]);
          else combined.set(row[0], [row[0], aggregator.createCombiner(row[1])]);
        }
        const out: [K, C][] = [];
        combined.forEach((entry) => out.push(entry));
        return out;
      },
      true,
    );
  }

  /** A Partitioner from a number, a Partitioner, or this RDD's own (or the default parallelism). */
  protected resolvePartitioner(spec: PartitionSpec, method?: string): Partitioner {
    if (spec === undefined) return this.partitioner ?? new HashPartitioner(this.ctx.defaultParallelism);
    if (typeof spec === "number") {
      requirePositiveInt(method ? `${method} numPartitions` : "numPartitions", spec);
      return new HashPartitioner(spec);
    }
    return spec;
  }

  /** Spark's defaultPartitioner: an explicit spec, else an existing partitioner of the inputs, else hash by default parallelism. */
  protected defaultPartitioner(rdds: readonly RDD<unknown>[], spec: PartitionSpec, method?: string): Partitioner {
    if (spec !== undefined) return this.resolvePartitioner(spec, method);
    const existing = rdds
      .map((r) => r.partitioner)
      .filter((p): p is Partitioner => p !== undefined)
      .sort((a, b) => b.numPartitions - a.numPartitions)[0];
    return existing ?? new HashPartitioner(this.ctx.defaultParallelism);
  }
}

export function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}

/**
 * `[row, null]` pairs, for methods that compare whole rows by value (subtract, intersection). A row that is
 * an object or a function cannot be a key: the error names the method the user called.
 */
function rowsAsKeys<T>(rdd: RDD<T>, method: string): RDD<[T, null]> {
  return new kinds.PipelinedRDD<T, [T, null]>(
    rdd,
    method,
    (emit) => (row) => {
      if ((typeof row === "object" && row !== null && !Array.isArray(row)) || typeof row === "function" || typeof row === "symbol") {
        throw new InvalidArgumentError(
          `${method} compares whole rows by value, but a row is ${kindOf(row)}, which has no value equality. Map rows to keys first (numbers, strings, tuples: rdd.map((r) => [r.id, r.name])).`,
        );
      }
      emit([row, null]);
    },
    false,
  );
}

function kindOf(value: unknown): string {
  if (typeof value !== "object" || value === null) return `a ${typeof value}`;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return proto === Object.prototype || proto === null ? "a plain object" : `an instance of ${proto.constructor?.name || "a class"}`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** The order of top/takeOrdered/max/min: the user's comparator (guarded: it is user code) or the key order. */
function rowOrder<T>(method: string, compare: ((a: T, b: T) => number) | undefined): (a: T, b: T) => number {
  if (compare === undefined) return keyOrder(method);
  if (typeof compare !== "function") throw new InvalidArgumentError(`${method} takes a comparator function (a, b) => number as its last argument, got ${typeof compare}.`);
  return guard(method, compare);
}

/** The key order (compareKeys), with an error naming the method and the fix for rows that have no such order. */
function keyOrder(method: string): (a: unknown, b: unknown) => number {
  return (a, b) => {
    try {
      return compareKeys(a, b);
    } catch {
      const odd = isKeyLike(a) ? b : a;
      const example = method === "max" || method === "min" ? `rdd.${method}((a, b) => a.price - b.price)` : `rdd.${method}(n, (a, b) => a.price - b.price)`;
      throw new InvalidArgumentError(
        `${method} without a comparator orders rows by the key order (numbers, strings, tuples, ...), but a row is ${kindOf(odd)}. Pass a comparator: ${example}.`,
      );
    }
  };
}

function isKeyLike(value: unknown): boolean {
  try {
    compareKeys(value, value);
    return true;
  } catch {
    return false;
  }
}

/** A row of a numeric action, checked: a string would concatenate and an object would turn NaN silently. */
function requireNumber(method: string, row: unknown): number {
  if (typeof row === "number") return row;
  throw new InvalidArgumentError(`${method}() needs number rows, but a row is ${describeRow(row)} (${row === null ? "null" : typeof row}). Map rows to numbers first, for example rdd.map((r) => Number(r)).`);
}

/** A small seeded PRNG (mulberry32): repeatable samples across runs. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(mean: number, rand: () => number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

/**
 * One line of saveAsTextFile: a string as it is, anything else as JSON (a `String()` would lose data:
 * `[object Object]`, `b,2,3`). A value JSON cannot write faithfully (a function, undefined, a symbol, a
 * bigint, a cycle, NaN or Infinity) is a clear error instead.
 */
function textLine(row: unknown): string {
  if (typeof row === "string") return row;
  let json: string | undefined;
  try {
    json = JSON.stringify(row, (_key, v: unknown) => {
      if (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol" || (typeof v === "number" && !Number.isFinite(v))) {
        throw new InvalidArgumentError(`saveAsTextFile cannot write ${typeof v === "number" ? String(v) : `a ${typeof v}`} as JSON in row ${describeRow(row)}. Map rows to strings first (rdd.map(r => ...)).`);
      }
      return v;
    });
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw e;
    throw new InvalidArgumentError(`saveAsTextFile cannot write row ${describeRow(row)} as JSON (${e instanceof Error ? e.message : String(e)}). Map rows to strings first (rdd.map(r => ...)).`);
  }
  if (json === undefined) throw new InvalidArgumentError(`saveAsTextFile cannot write ${describeRow(row)} as JSON. Map rows to strings first (rdd.map(r => ...)).`);
  return json;
}

function describeRow(row: unknown): string {
  const text = typeof row === "object" && row !== null ? Object.prototype.toString.call(row) : String(row);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
