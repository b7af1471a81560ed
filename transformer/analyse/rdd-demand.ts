/**
 * Demand over the pipeline graph: what all consumers of an RDD observe of its rows (the union over
 * consumers), and from that what each shuffle's downstream observes of each input's values.
 */
import type * as ts from "typescript";
import type { FileContext } from "../context.js";
import { rddUses, type RddUse } from "../find/graph.js";
import type { RddCall } from "../find/rdd-calls.js";
import { ELEMENT, PRESENT, all, elementDemand, fields, part, union, unionAll, type Demand } from "./demand.js";
import { ValueAnalysis } from "./values.js";

/** Narrow methods that hand every row on unchanged. */
export const PASS_THROUGH = new Set([
  "filter", "sample", "coalesce", "repartition", "partitionBy", "sortByKey", "sortBy", "persist", "cache",
  "unpersist", "setName", "union", "subtractByKey",
]);
const OBSERVE_NOTHING = new Set(["count", "isEmpty", "getNumPartitions", "explain", "toString", "describe"]);
const KEY = all("keys are never pruned");
/** Methods that need `[key, value]` rows: the value half must stay, or the row stops being a pair. */
const PAIR_ROWS = fields([["0", KEY], ["1", PRESENT]]);
const NEEDS_PAIRS = new Set(["partitionBy", "sortByKey", "subtractByKey"]);

export class PipelineAnalysis {
  readonly values: ValueAnalysis;
  private readonly rowDemands = new Map<ts.Node, Demand | "pending">();

  constructor(private readonly fc: FileContext) {
    this.values = new ValueAnalysis(fc);
  }

  /** What every consumer of the RDD `expression` evaluates to can observe of its rows. */
  rowDemand(expression: ts.Expression): Demand {
    const known = this.rowDemands.get(expression);
    if (known === "pending") return all("the pipeline feeds back into itself");
    if (known !== undefined) return known;
    this.rowDemands.set(expression, "pending");
    const demand = unionAll(rddUses(this.fc, expression).map((use) => this.useDemand(use)));
    this.rowDemands.set(expression, demand);
    return demand;
  }

  /** What one use observes of the rows flowing into it. */
  useDemand(use: RddUse): Demand {
    if (use.kind === "escape") return all(use.reason);
    const { rdd, role } = use;
    const out = (): Demand => this.rowDemand(rdd.call);
    const args = rdd.call.arguments;
    const lambda = (index: number, returned: Demand): Demand =>
      args[index] ? this.values.parameterDemand(args[index], 0, returned) : all("missing function argument");
    const pair = (value: Demand): Demand => fields([["0", KEY], ["1", union(PRESENT, value)]]);
    // what a flatMap callback returns is iterated: each element of it is observed, at least as present
    const iterated = (element: Demand): Demand => fields([[ELEMENT, union(PRESENT, element)]]);
    switch (rdd.method) {
      case "map":
        return lambda(0, out());
      case "flatMap":
        return lambda(0, iterated(out()));
      case "filter":
        return union(out(), lambda(0, PRESENT));
      case "sortBy":
        return union(out(), lambda(0, all("sort key")));
      case "keyBy":
        return union(part(out(), "1"), lambda(0, all("keys are never pruned")));
      case "mapValues":
        return pair(lambda(0, part(out(), "1")));
      case "flatMapValues":
        return pair(lambda(0, iterated(part(out(), "1"))));
      case "keys":
      case "countByKey":
        return PAIR_ROWS;
      case "values":
        return pair(out());
      case "groupByKey":
        return pair(elementDemand(part(out(), "1")));
      case "join":
      case "leftOuterJoin":
      case "rightOuterJoin":
      case "fullOuterJoin":
        if (role !== "receiver" && role !== 0) return all("join options");
        return pair(part(part(out(), "1"), role === "receiver" ? "0" : "1"));
      case "cogroup": {
        if (role !== "receiver" && !isRddArgument(rdd, role)) return all("cogroup argument");
        const index = role === "receiver" ? 0 : role + 1;
        return pair(elementDemand(part(part(out(), "1"), String(index))));
      }
      case "subtractByKey":
        return role === "receiver" ? union(out(), PAIR_ROWS) : PAIR_ROWS;
      case "aggregateByKey":
        return pair(args[1] ? this.values.parameterDemand(args[1], 1, all("aggregateByKey accumulator")) : all("missing seqOp"));
      case "combineByKey": {
        const create = args[0] ? this.values.parameterDemand(args[0], 0, all("combiner")) : all("missing createCombiner");
        const merge = args[1] ? this.values.parameterDemand(args[1], 1, all("combiner")) : all("missing mergeValue");
        return pair(union(create, merge));
      }
      case "reduceByKey":
      case "foldByKey":
        return pair(all(`the function of ${rdd.method} combines whole values of the same shape`));
      case "distinct":
        return all("distinct compares whole rows");
      default:
        if (OBSERVE_NOTHING.has(rdd.method)) return PRESENT;
        if (NEEDS_PAIRS.has(rdd.method)) return union(out(), PAIR_ROWS);
        if (PASS_THROUGH.has(rdd.method)) return out();
        return all(`\`${rdd.method}\` observes whole rows`);
    }
  }
}

function isRddArgument(rdd: RddCall, index: number): boolean {
  return index < rdd.call.arguments.length; // non-RDD cogroup arguments (partitioners) never carry rows
}
