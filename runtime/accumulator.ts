/**
 * Accumulators: variables that tasks only add to and the driver reads, as Spark's AccumulatorV2.
 *
 * Each task adds to a partial of its own; when the task ends successfully, the driver merges the task's
 * partials into each accumulator's value (a failed task's partials are dropped). In this process the
 * scheduler runs a task inside {@link runTaskWithAccumulators} and merges with {@link mergeAccumulatorUpdates}.
 * An executor running tasks elsewhere (worker threads) runs the task body inside runTaskWithAccumulators
 * there, sends {@link serializeAccumulatorUpdates} back with the task's result, and the driver merges them by
 * accumulator id with {@link mergeSerializedAccumulatorUpdates}.
 *
 * Spark's rule applies: updates made in transformations (`map`, `filter`, ...) are applied once per run of
 * the task, so they may be applied again when a stage is recomputed (a second action over an unpersisted
 * RDD, a `zipWithIndex` count, a checkpoint write); updates made in actions (`foreach`,
 * `foreachPartition`) are applied once per job.
 */
import { InvalidArgumentError, RddError } from "./errors.js";
import { cloneZero } from "./rdd/rdd.js";

let nextAccumulatorId = 0;

/** How an accumulator combines: what a first added value becomes, how a value adds to a partial, how partials merge. */
export interface AccumulatorRules<In, Out> {
  /** The partial holding only `value`. */
  seed(value: In): Out;
  /** Adds `value` to `partial` (may update it in place and return it). */
  add(partial: Out, value: In): Out;
  /** Merges two partials (may update `into` in place and return it). */
  merge(into: Out, partial: Out): Out;
}

/** Options of `ctx.accumulator`. */
export interface AccumulatorOptions<T> {
  /** Shown by `toString()` (as Spark's named accumulators in its UI). */
  name?: string;
  /**
   * Combines two values; it must be commutative and associative, since tasks' partials merge in any order.
   * Default: `+` for numbers and bigints (required for any other initial value).
   */
  add?: (a: T, b: T) => T;
}

/** Partial updates of one task, keyed by accumulator id. */
export type AccumulatorUpdates = Map<number, { accumulator: Accumulator<unknown, unknown>; partial: unknown }>;

/** The partials of the task running now (tasks in this process run one at a time, synchronously). */
let runningTask: AccumulatorUpdates | undefined;

/** Every live accumulator by id, so partials that come back from elsewhere as `[id, partial]` find theirs. */
const byId = new Map<number, WeakRef<Accumulator<unknown, unknown>>>();
const forget = new FinalizationRegistry<number>((id) => byId.delete(id));

/**
 * A variable tasks add to with `add(v)` and the driver reads with `value`, made by `ctx.accumulator(initial)`
 * (or `ctx.longAccumulator()`, `ctx.collectionAccumulator()`).
 * @example
 * const blank = ctx.longAccumulator("blank lines");
 * await ctx.textFile("log.txt").foreach((line) => { if (line === "") blank.add(1); });
 * console.log(blank.value);
 */
export class Accumulator<In, Out = In> {
  readonly id = nextAccumulatorId++;
  private current: Out;

  constructor(
    private readonly initial: Out,
    private readonly rules: AccumulatorRules<In, Out>,
    readonly name?: string,
  ) {
    this.current = cloneZero(initial);
    byId.set(this.id, new WeakRef(this as Accumulator<unknown, unknown>));
    forget.register(this, this.id);
  }

  /** Adds `value`: to the running task's partial inside a task, straight to the value on the driver. */
  add(value: In): void {
    const updates = runningTask;
    if (!updates) {
      this.current = this.rules.add(this.current, value);
      return;
    }
    const entry = updates.get(this.id);
    if (entry) entry.partial = this.rules.add(entry.partial as Out, value);
    else updates.set(this.id, { accumulator: this as Accumulator<unknown, unknown>, partial: this.rules.seed(value) });
  }

  /** The merged value of every finished task (and of driver-side adds). Read it on the driver, after the action. */
  get value(): Out {
    if (runningTask) {
      throw new RddError(
        `Accumulator ${this.describe()} was read inside a task: a task sees only its own additions. Read acc.value on the driver after the action finishes.`,
      );
    }
    return this.current;
  }

  /** Sets the value back to the initial one. */
  reset(): void {
    this.current = cloneZero(this.initial);
  }

  /** @internal Merges a finished task's partial into the value (on the driver). */
  mergePartial(partial: Out): void {
    this.current = this.rules.merge(this.current, partial);
  }

  toString(): string {
    return `Accumulator ${this.describe()}: ${String(this.current)}`;
  }

  private describe(): string {
    return this.name === undefined ? `#${this.id}` : `"${this.name}" (#${this.id})`;
  }
}

/**
 * Runs one task's body with its own accumulator partials; returns the result and the partials. The caller
 * merges them with {@link mergeAccumulatorUpdates} once the task has succeeded.
 */
export function runTaskWithAccumulators<R>(body: () => R): { result: R; updates: AccumulatorUpdates } {
  const outer = runningTask;
  const updates: AccumulatorUpdates = new Map();
  runningTask = updates;
  try {
    return { result: body(), updates };
  } finally {
    runningTask = outer;
  }
}

/** The driver's side: merges a successful task's partials into their accumulators. */
export function mergeAccumulatorUpdates(updates: AccumulatorUpdates | undefined): void {
  if (!updates) return;
  for (const { accumulator, partial } of updates.values()) accumulator.mergePartial(partial);
}

/**
 * A task's partials as data, `[accumulator id, partial]` pairs: what an executor running tasks in another
 * thread or process sends back with the task's result (the partials must be data its codec carries).
 */
export function serializeAccumulatorUpdates(updates: AccumulatorUpdates): [number, unknown][] {
  return [...updates].map(([id, { partial }]) => [id, partial]);
}

/** The driver's side for partials that came back as data: each is merged into the accumulator with its id. */
export function mergeSerializedAccumulatorUpdates(updates: Iterable<readonly [number, unknown]>): void {
  for (const [id, partial] of updates) {
    const accumulator = byId.get(id)?.deref();
    if (!accumulator) throw new RddError(`A task returned an update for accumulator #${id}, which this process does not know (it was never created here, or was garbage-collected).`);
    accumulator.mergePartial(partial);
  }
}

/** The rules of `ctx.accumulator(initial, { add })`: a partial starts as the first value added to it. */
export function valueRules<T>(initial: T, add: ((a: T, b: T) => T) | undefined, method: string): AccumulatorRules<T, T> {
  const plus = add ?? defaultAdd(initial, method);
  return { seed: (v) => v, add: plus, merge: plus };
}

function defaultAdd<T>(initial: T, method: string): (a: T, b: T) => T {
  if (typeof initial === "number") return ((a: number, b: number) => a + b) as unknown as (a: T, b: T) => T;
  if (typeof initial === "bigint") return ((a: bigint, b: bigint) => a + b) as unknown as (a: T, b: T) => T;
  throw new InvalidArgumentError(
    `${method} needs an add function for an initial value of type ${initial === null ? "null" : typeof initial}: pass { add: (a, b) => ... } (commutative and associative). Only numbers and bigints add with + by default.`,
  );
}

/** The rules of `ctx.collectionAccumulator()`: values are appended to a list. */
export function listRules<T>(): AccumulatorRules<T, T[]> {
  return {
    seed: (v) => [v],
    add: (list, v) => (list.push(v), list),
    merge: (into, partial) => {
      for (const v of partial) into.push(v);
      return into;
    },
  };
}
