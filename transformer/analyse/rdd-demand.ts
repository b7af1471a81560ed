/**
 * Demand over the pipeline graph: what all consumers of an RDD observe of its rows (the union over
 * consumers), and from that what each shuffle's downstream observes of each input's values.
 */
import type * as ts from "typescript";
import type { FileContext } from "../context.js";
import { rddUses, type RddUse } from "../find/graph.js";
import { operatorOf } from "../operators.js";
import { all, unionAll, type Demand } from "./demand.js";
import { ValueAnalysis } from "./values.js";
import { fieldwiseDemand } from "./fieldwise.js";

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

  /** What one use observes of the rows flowing into it: the method's backward rule (transformer/operators.ts). */
  useDemand(use: RddUse): Demand {
    if (use.kind === "escape") return all(use.reason);
    const { rdd, role } = use;
    const rule = operatorOf(rdd.method)?.demand;
    if (!rule) return all(`\`${rdd.method}\` observes whole rows`);
    const args = rdd.call.arguments;
    return rule({
      role,
      arity: args.length,
      out: () => this.rowDemand(rdd.call),
      fn: (arg, returned, parameter = 0) => (args[arg] ? this.values.parameterDemand(args[arg], parameter, returned) : all("missing function argument")),
      combiner: (arg, out, zeroArg) => fieldwiseDemand(this.fc, args[arg], out, rdd.method, zeroArg === undefined ? undefined : args[zeroArg]),
    });
  }
}

