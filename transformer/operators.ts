/**
 * What the transformer knows about each method of class RDD, one entry per method (Polars' projection
 * pushdown style: one rule per operator, a safe default for the rest). An entry says:
 *  - `rows`: whether the method needs `[key, value]` rows ("pairs") or takes any row ("any");
 *  - `shuffle`: which inputs a pruning projection may shrink before it, and how they are labelled;
 *  - `join`: the join type, for the broadcast rewrite ("auto" only where the type can broadcast);
 *  - `partitionSensitive`: its result depends on how rows are partitioned (`take`, `sample`, ...);
 *  - `demand`: the backward rule, what a use observes of the rows flowing in;
 *  - `forward`: the forward rule, how a pruned shape flows on through it (code to rewrite, output shape).
 * Methods without a demand rule observe whole rows; methods without a forward rule stop a pruned shape
 * (the plan then keeps positions). `test/transformer/operators.test.ts` checks the keys equal RDD's methods.
 */
import { ELEMENT, PRESENT, SLOT, all, elementDemand, fields, part, union, type Demand } from "./analyse/demand.js";
import { Unsupported } from "./context.js";
import { KEEP, keepsPositions, type Shape } from "./plan/shape.js";

export type Role = "receiver" | number;

/** What a backward rule can ask about one use of an RDD. */
export interface DemandUse {
  role: Role;
  /** Number of arguments of the call. */
  arity: number;
  /** What every consumer observes of this call's output rows. */
  out(): Demand;
  /** What function argument `arg` observes of its parameter `parameter` when its result is observed as `returned`. */
  fn(arg: number, returned: Demand, parameter?: number): Demand;
  /** What the combiner `arg` (field-wise or whole, analyse/fieldwise.ts) observes of its inputs when its output values are observed as `out`. */
  combiner(arg: number, out: Demand, zeroArg?: number): Demand;
}

/** What a forward rule can do: read the shapes arriving at the call, rewrite its functions, pass a shape on. */
export interface ForwardUse {
  role: Role;
  arity: number;
  /** Shape of the rows arriving through `role` (KEEP for inputs that carry no pruned values). */
  row(role?: Role): Shape;
  /** Shape of the values (element 1) of those rows. */
  value(role?: Role): Shape;
  /** Parameter `parameter` of function argument `arg` now receives values of `shape`. */
  fn(arg: number, shape: Shape, parameter?: number): void;
  /** The call's output rows now have `shape`. */
  output(shape: Shape): void;
  /** Like `fn(arg, shape)`, with what the (expression-bodied) function returns flowing on as `returned`. */
  fnReturning(arg: number, shape: Shape, returned: (shape: Shape) => void): void;
  /** The field-wise combiner `arg` (and zero value `zeroArg`) now combine values of `shape`: prune their literals. */
  combiner(arg: number, shape: Shape, zeroArg?: number): void;
}

export interface Operator {
  rows: "pairs" | "any";
  shuffle?: { inputs: "one" | "two" | "cogroup" };
  join?: "inner" | "leftOuter" | "rightOuter" | "fullOuter";
  partitionSensitive?: true;
  /** Methods that are not part of the user-facing API: a call is never followed. */
  internal?: true;
  demand?(use: DemandUse): Demand;
  forward?(use: ForwardUse): void;
}

const KEY = all("keys are never pruned");
/** `[key, value]` rows whose value must stay: a pair method needs both halves. */
const PAIR_ROWS = fields([["0", KEY], ["1", SLOT]]);
const pair = (value: Demand): Demand => fields([["0", KEY], ["1", union(SLOT, value)]]);
/** What a flatMap callback returns is iterated: each element of it is observed, at least as present. */
const iterated = (element: Demand): Demand => fields([[ELEMENT, union(PRESENT, element)]]);

export const pairShape = (value: Shape): Shape => ({ kind: "tuple", length: 2, elements: [{ from: 0, shape: KEEP }, { from: 1, shape: value }] });
const tupleOf = (shapes: Shape[]): Shape => ({ kind: "tuple", length: shapes.length, elements: shapes.map((shape, from) => ({ from, shape })) });
const arrayOf = (element: Shape): Shape => ({ kind: "array", element });

/** Hands every row on unchanged. */
const passRows = (rows: Operator["rows"], extra: Partial<Operator> = {}): Operator => ({
  rows,
  demand: (u) => (rows === "pairs" ? union(u.out(), PAIR_ROWS) : u.out()),
  forward: (u) => u.output(u.row()),
  ...extra,
});
/** Observes that rows exist, nothing of them. */
const observesNothing = (rows: Operator["rows"]): Operator => ({ rows, demand: () => (rows === "pairs" ? PAIR_ROWS : PRESENT), forward: () => {} });
/** Observes whole rows (actions returning rows, functions over whole partitions). */
const whole = (rows: Operator["rows"], extra: Partial<Operator> = {}): Operator => ({ rows, ...extra });

const join = (type: NonNullable<Operator["join"]>): Operator => ({
  rows: "pairs",
  shuffle: { inputs: "two" },
  join: type,
  demand: (u) => (u.role === "receiver" || u.role === 0 ? pair(part(part(u.out(), "1"), u.role === "receiver" ? "0" : "1")) : all("join options")),
  forward: (u) => u.output(pairShape(tupleOf([u.value("receiver"), u.value(0)]))),
});

/**
 * reduceByKey / foldByKey: a field-wise combiner (each result field computed from the same field of both
 * arguments) lets the input be pruned to the fields read of the output; any other combines whole values.
 */
const combines = (fnArg: number, zeroArg?: number): Operator => ({
  rows: "pairs",
  shuffle: { inputs: "one" },
  demand: (u) => pair(u.combiner(fnArg, part(u.out(), "1"), zeroArg)),
  forward: (u) => (u.combiner(fnArg, u.value(), zeroArg), u.output(u.row())),
});

export const OPERATORS: Record<string, Operator> = {
  // ---------------------------------------------------------------- narrow, any rows
  map: { rows: "any", demand: (u) => u.fn(0, u.out()), forward: (u) => u.fnReturning(0, u.row(), (s) => u.output(s)) },
  flatMap: { rows: "any", demand: (u) => u.fn(0, iterated(u.out())), forward: (u) => u.fn(0, u.row()) },
  filter: passRows("any", { demand: (u) => union(u.out(), u.fn(0, PRESENT)), forward: (u) => (u.fn(0, u.row()), u.output(u.row())) }),
  keyBy: {
    rows: "any",
    demand: (u) => union(part(u.out(), "1"), u.fn(0, KEY)),
    forward: (u) => (u.fn(0, u.row()), u.output(pairShape(u.row()))),
  },
  // values of two inputs meet: a pruned shape may not flow on (the other input's values are whole)
  union: { rows: "any", demand: (u) => u.out() },
  sample: passRows("any", { partitionSensitive: true }),
  coalesce: passRows("any"),
  persist: passRows("any"),
  cache: passRows("any"),
  unpersist: passRows("any"),
  setName: passRows("any"),
  mapPartitions: whole("any", { partitionSensitive: true }),
  mapPartitionsWithIndex: whole("any", { partitionSensitive: true }),
  glom: whole("any", { partitionSensitive: true }),
  // ---------------------------------------------------------------- narrow, pairs
  mapValues: {
    rows: "pairs",
    demand: (u) => pair(u.fn(0, part(u.out(), "1"))),
    forward: (u) => u.fnReturning(0, u.value(), (s) => u.output(pairShape(s))),
  },
  flatMapValues: { rows: "pairs", demand: (u) => pair(u.fn(0, iterated(part(u.out(), "1")))), forward: (u) => u.fn(0, u.value()) },
  // the transformer's own projection: a user's call of it is not followed
  projectValues: whole("pairs"),
  keys: observesNothing("pairs"),
  values: { rows: "pairs", demand: (u) => pair(u.out()), forward: (u) => u.output(u.value()) },
  // ---------------------------------------------------------------- shuffles
  repartition: passRows("any", { shuffle: { inputs: "one" } }),
  partitionBy: passRows("pairs", { shuffle: { inputs: "one" } }),
  sortByKey: passRows("pairs", { shuffle: { inputs: "one" } }),
  sortBy: passRows("any", {
    shuffle: { inputs: "one" },
    demand: (u) => union(u.out(), u.fn(0, all("sort key"))),
    forward: (u) => (u.fn(0, u.row()), u.output(u.row())),
  }),
  distinct: {
    rows: "any",
    shuffle: { inputs: "one" },
    demand: () => all("distinct compares whole rows"),
    forward: (u) => {
      if (!keepsPositions(u.row())) throw new Unsupported("distinct is never pruned");
    },
  },
  groupByKey: {
    rows: "pairs",
    shuffle: { inputs: "one" },
    demand: (u) => pair(elementDemand(part(u.out(), "1"))),
    forward: (u) => u.output(pairShape(arrayOf(u.value()))),
  },
  reduceByKey: combines(0),
  foldByKey: combines(1, 0),
  aggregateByKey: {
    rows: "pairs",
    shuffle: { inputs: "one" },
    demand: (u) => pair(u.fn(1, all("aggregateByKey accumulator"), 1)),
    forward: (u) => u.fn(1, u.value(), 1), // the output holds accumulators, not input values
  },
  combineByKey: {
    rows: "pairs",
    shuffle: { inputs: "one" },
    demand: (u) => pair(union(u.fn(0, all("combiner"), 0), u.fn(1, all("combiner"), 1))),
    forward: (u) => (u.fn(0, u.value(), 0), u.fn(1, u.value(), 1)),
  },
  subtractByKey: {
    rows: "pairs",
    shuffle: { inputs: "two" },
    demand: (u) => (u.role === "receiver" ? union(u.out(), PAIR_ROWS) : PAIR_ROWS),
    forward: (u) => u.output(u.row("receiver")),
  },
  cogroup: {
    rows: "pairs",
    shuffle: { inputs: "cogroup" },
    demand: (u) => {
      if (u.role !== "receiver" && u.role >= u.arity) return all("cogroup argument");
      const index = u.role === "receiver" ? 0 : u.role + 1;
      return pair(elementDemand(part(part(u.out(), "1"), String(index))));
    },
    // partitioner arguments only make the tuple look longer: positions stay
    forward: (u) => u.output(pairShape(tupleOf(Array.from({ length: 1 + u.arity }, (_, i) => arrayOf(u.value(i === 0 ? "receiver" : i - 1)))))),
  },
  join: join("inner"),
  leftOuterJoin: join("leftOuter"),
  rightOuterJoin: join("rightOuter"),
  fullOuterJoin: join("fullOuter"),
  // ---------------------------------------------------------------- actions and introspection
  count: observesNothing("any"),
  isEmpty: observesNothing("any"),
  // the partition count is a result: a broadcast join has the streamed side's partitions
  getNumPartitions: { ...observesNothing("any"), partitionSensitive: true },
  explain: observesNothing("any"),
  toString: observesNothing("any"),
  describe: observesNothing("any"),
  countByKey: observesNothing("pairs"),
  collect: whole("any"),
  take: whole("any", { partitionSensitive: true }),
  first: whole("any", { partitionSensitive: true }),
  // reduce, fold and aggregate need commutative, associative functions (as in Spark), and the order in which
  // collect returns rows or foreach visits them is not a result: a broadcast may change both
  reduce: whole("any"),
  fold: whole("any"),
  aggregate: whole("any"),
  foreach: whole("any"),
  countByValue: whole("any"),
  // one file per partition: the layout follows partitioning
  saveAsTextFile: whole("any", { partitionSensitive: true }),
  saveAsJsonLines: whole("any", { partitionSensitive: true }),
  saveAsCsv: whole("any", { partitionSensitive: true }),
  saveAsParquet: whole("any", { partitionSensitive: true }),
  saveAsBucketed: whole("pairs"),
  // with duplicate keys the last value wins, and which is last depends on row order
  collectAsMap: whole("pairs", { partitionSensitive: true }),
  lookup: whole("pairs"),
  // ---------------------------------------------------------------- the Spark methods of issue 13
  // groupBy(f) is keyBy(f).groupByKey() (as in Spark): the key function observes rows as a key would be
  // observed, and each group's elements are the rows themselves
  groupBy: {
    rows: "any",
    demand: (u) => union(elementDemand(part(u.out(), "1")), u.fn(0, KEY)),
    forward: (u) => (u.fn(0, u.row()), u.output(pairShape(arrayOf(u.row())))),
  },
  // subtract and intersection compare whole rows on both sides (no demand rule: whole rows)
  subtract: whole("any"),
  intersection: whole("any"),
  // [left row, right row]: each side's rows are what downstream reads of its half (no shuffle: nothing is
  // pruned here, but shuffles before it may be)
  cartesian: {
    rows: "any",
    demand: (u) => (u.role === "receiver" ? part(u.out(), "0") : u.role === 0 ? part(u.out(), "1") : all("cartesian argument")),
    forward: (u) => u.output(tupleOf([u.row("receiver"), u.row(0)])),
  },
  // indices and ids follow partition order, and foreachPartition's function sees each partition's rows
  zipWithIndex: whole("any", { partitionSensitive: true }),
  zipWithUniqueId: whole("any", { partitionSensitive: true }),
  foreachPartition: whole("any", { partitionSensitive: true }),
  // rows equal under the comparator (or 0 and -0 under the key order) are returned in row order, which a
  // broadcast may change: partition-sensitive, so no "auto" is added to a join feeding them
  top: whole("any", { partitionSensitive: true }),
  takeOrdered: whole("any", { partitionSensitive: true }),
  max: whole("any", { partitionSensitive: true }),
  min: whole("any", { partitionSensitive: true }),
  // numbers: nothing to prune; sums may round differently in the last bits under another row order, as reduce
  sum: whole("any"),
  stats: whole("any"),
  mean: whole("any"),
  variance: whole("any"),
  stdev: whole("any"),
  sampleVariance: whole("any"),
  sampleStdev: whole("any"),
  // a checkpoint writes whole rows with the codec (files identical in every build) and hands them on
  checkpoint: whole("any"),
  isCheckpointed: observesNothing("any"),
  getCheckpointFile: observesNothing("any"),
  // ---------------------------------------------------------------- the engine's own methods
  iterator: whole("any", { internal: true }),
  prepare: whole("any", { internal: true }),
  combineWith: whole("any", { internal: true }),
  resolvePartitioner: whole("any", { internal: true }),
  defaultPartitioner: whole("any", { internal: true }),
  statsFor: whole("any", { internal: true }),
  smallest: whole("any", { internal: true }),
  extreme: whole("any", { internal: true }),
};

/** The entry of a user-facing RDD method, or undefined (other names are never RDD calls). */
export function operatorOf(method: string): Operator | undefined {
  const op = Object.hasOwn(OPERATORS, method) ? OPERATORS[method] : undefined;
  return op && !op.internal ? op : undefined;
}
