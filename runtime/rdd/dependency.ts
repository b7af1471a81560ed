import type { RDD } from "./rdd.js";
import type { Partitioner } from "../shuffle/partitioner.js";
import type { Codec } from "../shuffle/codec.js";

/** Each child partition depends on a few parent partitions: pipelined into the same stage. */
export class NarrowDependency {
  readonly kind = "narrow";
  constructor(
    readonly rdd: RDD<unknown>,
    /** Parent partitions that child partition `p` reads. */
    readonly parentsOf: (p: number) => number[] = (p) => [p],
  ) {}
}

/** Combines values per key: on the map side (if enabled) and again on the reduce side. */
export interface Aggregator<V, C> {
  createCombiner(v: V): C;
  mergeValue(c: C, v: V): C;
  mergeCombiners(a: C, b: C): C;
  /** The public call that built it, with the user's own functions: how a worker rebuilds the same aggregator. */
  recipe?: AggregatorRecipe;
}

/** reduceByKey(fns[0]), foldByKey(zero, fns[0]), aggregateByKey(zero, ...fns), combineByKey(...fns). */
export interface AggregatorRecipe {
  op: "reduceByKey" | "foldByKey" | "aggregateByKey" | "combineByKey";
  fns: Function[];
  zero?: { value: unknown };
}

let nextShuffleId = 0;

/** Every child partition reads from every parent partition: a stage boundary and a real shuffle. */
export class ShuffleDependency {
  readonly kind = "shuffle";
  readonly shuffleId = nextShuffleId++;
  constructor(
    readonly rdd: RDD<readonly [unknown, unknown]>,
    readonly partitioner: Partitioner,
    readonly codec: Codec,
    readonly aggregator?: Aggregator<unknown, unknown>,
    readonly mapSideCombine = false,
  ) {}
}

export type Dependency = NarrowDependency | ShuffleDependency;
