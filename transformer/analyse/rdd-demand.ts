/**
 * Demand over the pipeline graph: what all consumers of an RDD observe of its rows (the union over
 * consumers), and from that what each shuffle's downstream observes of each input's values.
 */
import type * as ts from "typescript";
import type { FileContext } from "../context.js";
import { NO_TARGETS, rddUses, targetsKey, type RddUse, type ReturnTargets } from "../find/graph.js";
import { operatorOf } from "../operators.js";
import { all, unionAll, type Demand } from "./demand.js";
import { ValueAnalysis } from "./values.js";
import { fieldwiseDemand } from "./fieldwise.js";

export class PipelineAnalysis {
  readonly values: ValueAnalysis;
  /** Per RDD expression and return context (helpers entered from different calls are separate). */
  private readonly rowDemands = new Map<ts.Node, Map<string, Demand | "pending">>();

  constructor(private readonly fc: FileContext) {
    this.values = new ValueAnalysis(fc);
  }

  /** What every consumer of the RDD `expression` evaluates to can observe of its rows. */
  rowDemand(expression: ts.Expression, returnTo: ReturnTargets = NO_TARGETS): Demand {
    let byContext = this.rowDemands.get(expression);
    if (!byContext) this.rowDemands.set(expression, (byContext = new Map()));
    const key = targetsKey(returnTo);
    const known = byContext.get(key);
    if (known === "pending") return all("the pipeline feeds back into itself");
    if (known !== undefined) return known;
    byContext.set(key, "pending");
    const demand = unionAll(rddUses(this.fc, expression, false, undefined, returnTo).map((use) => this.useDemand(use)));
    byContext.set(key, demand);
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
      out: () => this.rowDemand(rdd.call, use.returnTo),
      fn: (arg, returned, parameter = 0) => (args[arg] ? this.values.parameterDemand(args[arg], parameter, returned) : all("missing function argument")),
      combiner: (arg, out, zeroArg) => fieldwiseDemand(this.fc, args[arg], out, rdd.method, zeroArg === undefined ? undefined : args[zeroArg], rdd.receiver),
    });
  }
}

