/** RDD kinds that read through a shuffle: by-key aggregation, repartitioning, sorting, cogroup, subtract. */
import { RDD, keepRddShape, type Emit, range, isPair, notAPair } from "./rdd.js";
import { NarrowDependency, ShuffleDependency, type Aggregator, type Dependency } from "./dependency.js";
import type { TaskContext } from "../scheduler/task.js";
import { HashPartitioner, RangePartitioner, type Partitioner } from "../shuffle/partitioner.js";
import { KeyMap, compareKeys, type Key } from "../shuffle/keys.js";
import { readCombinedShuffle, readShuffle, readShufflePairs } from "../shuffle/exchange.js";
import { KeyedCombiner, MapOutputMerger, SumMerger, type ShuffleMerger } from "../shuffle/combine.js";
import { tagsItsBlocks, type Codec } from "../shuffle/codec.js";
import { fieldwiseSum } from "../closure.js";
import { kinds } from "./registry.js";

type Pair = [unknown, unknown];

/**
 * How one input of a keyed operation reaches partition p: through a shuffle,
 * or, when the input is already placed by an equal partitioner, straight from
 * its own partition p (no shuffle at all).
 */
export class KeyedInput {
  readonly dependency: Dependency;

  constructor(
    readonly rdd: RDD<Pair>,
    partitioner: Partitioner,
    codec: Codec,
  ) {
    this.dependency = partitioner.equals(rdd.partitioner)
      ? new NarrowDependency(rdd as RDD<unknown>)
      : new ShuffleDependency(rdd, partitioner, codec);
  }

  get shuffled(): boolean {
    return this.dependency.kind === "shuffle";
  }

  read(split: number, tc: TaskContext, emit: Emit<Pair>): void {
    if (this.dependency.kind === "shuffle") readShuffle(this.dependency, split, tc, emit);
    else this.rdd.iterator(split, tc, emit);
  }

  /**
   * read() with each row taken apart: f(key, value). Shuffled rows are pairs (the map side checked them);
   * a co-partitioned input's rows are checked here, failing as `op` does on a row that is not a pair.
   */
  readPairs(split: number, tc: TaskContext, op: string, f: (key: unknown, value: unknown) => void): void {
    if (this.dependency.kind === "shuffle") return readShufflePairs(this.dependency, split, tc, f);
    this.rdd.iterator(split, tc, (row) => {
      if (!isPair(row)) throw notAPair(op, row);
      f(row[0], row[1]);
    });
  }
}

export interface ShuffledOptions<V, C> {
  opName: string;
  aggregator?: Aggregator<V, C>;
  mapSideCombine?: boolean;
  /** sortByKey: a range partitioner is sampled at run time; rows are sorted within each partition. */
  sort?: { ascending: boolean; numPartitions: number };
  codec?: Codec;
}

/** The output of one shuffle: rows placed by the partitioner, optionally combined per key or sorted. */
export class ShuffledRDD<K, V, C> extends RDD<[K, C]> {
  readonly opName: string;
  private dep: ShuffleDependency | undefined;
  private rangePartitioner: RangePartitioner | undefined;
  /** The one sampling run: jobs preparing at the same time must all see the same bounds (and so the same shuffle). */
  private sampling: Promise<void> | undefined;

  constructor(
    readonly parent: RDD<[K, V]>,
    private readonly fixedPartitioner: Partitioner | undefined,
    private readonly options: ShuffledOptions<V, C>,
  ) {
    super(parent.ctx);
    this.opName = options.opName;
  }

  get numPartitions(): number {
    return this.partitioner?.numPartitions ?? this.options.sort!.numPartitions;
  }

  override get partitioner(): Partitioner | undefined {
    return this.fixedPartitioner ?? this.rangePartitioner;
  }

  parents(): RDD<unknown>[] {
    return [this.parent as RDD<unknown>];
  }

  override async prepare(): Promise<void> {
    if (!this.options.sort || this.rangePartitioner) return;
    this.sampling ??= this.sampleBounds(this.options.sort).catch((e: unknown) => {
      this.sampling = undefined; // a failed sample is retried by the next job
      throw e;
    });
    await this.sampling;
  }

  private async sampleBounds(sort: { ascending: boolean; numPartitions: number }): Promise<void> {
    const { numPartitions, ascending } = sort;
    // As Spark's RangePartitioner: a reservoir sample of keys from every partition.
    const perPartition = Math.ceil((60 * numPartitions) / Math.max(1, this.parent.numPartitions));
    const samples = await this.ctx.runJob(this.parent, "sortByKey (sample)", (split, tc) => {
      const keys: Key[] = [];
      let seen = 0;
      let state = (split + 1) * 0x9e3779b1;
      this.parent.iterator(split, tc, (row) => {
        seen++;
        if (keys.length < perPartition) keys.push(row[0]);
        else {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          const j = state % seen;
          if (j < perPartition) keys[j] = row[0];
        }
      });
      return keys;
    });
    this.rangePartitioner = RangePartitioner.fromSample(numPartitions, samples.flat(1), ascending);
  }

  private dependency(): ShuffleDependency {
    const partitioner = this.partitioner ?? RangePartitioner.fromSample(this.options.sort!.numPartitions, []);
    if (this.dep && this.dep.partitioner === partitioner) return this.dep;
    const dep = new ShuffleDependency(
      this.parent as RDD<readonly [unknown, unknown]>,
      partitioner,
      this.options.codec ?? this.ctx.codec,
      this.options.aggregator as Aggregator<unknown, unknown> | undefined,
      this.options.mapSideCombine ?? false,
    );
    if (this.partitioner) this.dep = dep; // provisional until the range bounds are sampled
    return dep;
  }

  dependencies(): Dependency[] {
    return [this.dependency()];
  }

  compute(split: number, tc: TaskContext, emit: Emit<[K, C]>): void {
    const dep = this.dependency();
    const agg = this.options.aggregator;
    if (agg) {
      // Map outputs hold combiners when the map side combined (finished here where a map task stopped), else plain values.
      if (this.options.mapSideCombine) {
        const merger = mergerOf(agg, dep);
        readCombinedShuffle(dep, split, tc, merger);
        merger.forEach((key, value) => emit([key as K, value]));
        if (merger instanceof SumMerger) merger.release();
        return;
      }
      const combined = new KeyedCombiner<V, C>(agg.createCombiner, agg.mergeValue);
      readShufflePairs(dep, split, tc, (key, value) => combined.add(key, value as V));
      combined.forEach((key, value) => emit([key as K, value]));
      return;
    }
    if (this.options.sort) {
      const rows: Pair[] = [];
      readShuffle(dep, split, tc, (row) => rows.push(row));
      const sign = this.options.sort.ascending ? 1 : -1;
      rows.sort((a, b) => sign * compareKeys(a[0], b[0]));
      for (const row of rows) emit(row as [K, C]);
      return;
    }
    readShuffle(dep, split, tc, emit as Emit<Pair>);
  }

  override describe(): string {
    const parts: string[] = [];
    if (this.options.aggregator) parts.push(this.options.mapSideCombine ? "combine on both sides" : "combine on reduce side");
    if (this.options.sort) parts.push(`sort ${this.options.sort.ascending ? "ascending" : "descending"}`);
    return parts.join(", ");
  }
}

/** For each key, the values of every input: [key, [values of input 0, values of input 1, ...]]. */
export class CoGroupedRDD<K> extends RDD<[K, unknown[][]]> {
  private inputsCache: KeyedInput[] | undefined;

  constructor(
    readonly inputs: RDD<[K, unknown]>[],
    readonly target: Partitioner,
    /** The method the user called (cogroup, intersection), for explain and errors. */
    readonly opName = "cogroup",
  ) {
    super(inputs[0]!.ctx);
  }

  get numPartitions(): number {
    return this.target.numPartitions;
  }

  override get partitioner(): Partitioner {
    return this.target;
  }

  parents(): RDD<unknown>[] {
    return this.inputs as RDD<unknown>[];
  }

  // Provisional until prepare(): an upstream join may still change its partitioner.
  private keyed(): KeyedInput[] {
    return this.inputsCache ?? this.inputs.map((r) => new KeyedInput(r as RDD<Pair>, this.target, this.ctx.codec));
  }

  override async prepare(): Promise<void> {
    this.inputsCache ??= this.keyed();
  }

  dependencies(): Dependency[] {
    return this.keyed().map((k) => k.dependency);
  }

  compute(split: number, tc: TaskContext, emit: Emit<[K, unknown[][]]>): void {
    const n = this.inputs.length;
    const groups = new KeyMap<[K, unknown[][]]>();
    this.keyed().forEach((input, i) =>
      input.read(split, tc, (row) => {
        let entry = groups.get(row[0]);
        if (!entry) {
          entry = [row[0] as K, range(0, n).map(() => [])];
          groups.set(row[0], entry);
        }
        entry[1][i]!.push(row[1]);
      }),
    );
    groups.forEach(emit);
  }
}

/** Pairs of the left input whose key does not occur in the right input. */
export class SubtractedRDD<K, V, W> extends RDD<[K, V]> {
  private inputsCache: [KeyedInput, KeyedInput] | undefined;

  constructor(
    readonly left: RDD<[K, V]>,
    readonly right: RDD<[K, W]>,
    readonly target: Partitioner,
    /** The method the user called (subtractByKey, subtract), for explain and errors. */
    readonly opName = "subtractByKey",
  ) {
    super(left.ctx);
  }

  get numPartitions(): number {
    return this.target.numPartitions;
  }

  override get partitioner(): Partitioner {
    return this.target;
  }

  parents(): RDD<unknown>[] {
    return [this.left as RDD<unknown>, this.right as RDD<unknown>];
  }

  private keyed(): [KeyedInput, KeyedInput] {
    return (
      this.inputsCache ?? [
        new KeyedInput(this.left as RDD<Pair>, this.target, this.ctx.codec),
        new KeyedInput(this.right as RDD<Pair>, this.target, this.ctx.codec),
      ]
    );
  }

  override async prepare(): Promise<void> {
    this.inputsCache ??= this.keyed();
  }

  dependencies(): Dependency[] {
    return this.keyed().map((k) => k.dependency);
  }

  compute(split: number, tc: TaskContext, emit: Emit<[K, V]>): void {
    const [left, right] = this.keyed();
    const remove = new KeyMap<true>();
    right.read(split, tc, (row) => remove.set(row[0], true));
    left.read(split, tc, (row) => {
      if (!remove.has(row[0])) emit(row as [K, V]);
    });
  }
}

kinds.ShuffledRDD = ShuffledRDD;
kinds.CoGroupedRDD = CoGroupedRDD;
kinds.SubtractedRDD = SubtractedRDD;
keepRddShape((p) => new ShuffledRDD(p, new HashPartitioner(1), { opName: "partitionBy" }));
keepRddShape((p) => new CoGroupedRDD([p], new HashPartitioner(1)));

/**
 * The reduce side's merger: a SumMerger for a reduceByKey whose function adds field-wise, over blocks a
 * built-in codec decodes (plain numbers and arrays, no getters or proxies to read twice); else MapOutputMerger.
 */
function mergerOf<V, C>(agg: Aggregator<V, C>, dep: ShuffleDependency): ShuffleMerger<V, C> {
  const fields = agg.recipe?.op === "reduceByKey" && tagsItsBlocks(dep.codec) ? fieldwiseSum(agg.recipe.fns[0]!) : undefined;
  return fields === undefined ? new MapOutputMerger<V, C>(agg) : new SumMerger<V, C>(agg, fields);
}
