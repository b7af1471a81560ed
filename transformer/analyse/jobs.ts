/**
 * Whether a join's output is computed by one job at most each time the join call runs. A shuffle join keeps its
 * map output, so a later job reads the rows again as they were when the first job ran; a broadcast keeps
 * nothing of its streamed side, so a later job computes it again from the program's rows as they are by then.
 * A program that changes its rows between two jobs of one join would see the difference, so "auto" may replace
 * a shuffle only where no second job reads the join: its output flows down one chain of RDD calls (each RDD
 * used once, followed exactly as a rewrite follows it: find/graph.ts exclusive mode) to one action, and nothing
 * between that action and the join call runs repeatedly (a loop, or a function that may be called again).
 */
import type * as ts from "typescript";
import { rddUses, NO_TARGETS, type ReturnTargets } from "../find/graph.js";
import type { FileContext } from "../context.js";
import type { RddCall } from "../find/rdd-calls.js";

/** RDD calls followed down the chain at most (a chain longer than this is not proven). */
const MAX_CHAIN = 64;

/** Why the join's output may be computed by more than one job, or undefined when one job at most computes it. */
export function severalJobsProblem(fc: FileContext, join: RddCall): string | undefined {
  let expression: ts.Expression = join.call;
  let returnTo: ReturnTargets = NO_TARGETS;
  let method: string | undefined; // the call `expression` is, past the join
  for (let step = 0; step < MAX_CHAIN; step++) {
    const uses = rddUses(fc, expression, true, new Map(), returnTo);
    if (uses.length > 1) return `its output is used ${uses.length} times${method ? ` (at \`${method}\`)` : ""}: a later job would compute a broadcast's streamed side again where a shuffle reuses its stored output`;
    const use = uses[0];
    if (!use) return "its output is never used";
    if (use.kind === "escape") return `its output reaches code the analysis cannot follow (${use.reason}), which may run it in several jobs`;
    if (isRdd(fc, use.rdd.call)) {
      expression = use.rdd.call;
      returnTo = use.returnTo;
      method = use.rdd.method;
      continue;
    }
    const again = repeatsBetween(fc, use.rdd.call, join.call);
    return again && `its action \`${use.rdd.method}\` ${again}, so it may run several jobs on the join`;
  }
  return `its output flows through more than ${MAX_CHAIN} RDD calls`;
}

function isRdd(fc: FileContext, call: ts.CallExpression): boolean {
  return fc.checker.getTypeAtLocation(call).getSymbol()?.name === "RDD";
}

/** Why `action` may run more than once per run of `join` (a loop or function between them), or undefined. */
function repeatsBetween(fc: FileContext, action: ts.Node, join: ts.Node): string | undefined {
  const { ts } = fc;
  for (let node = action.parent; node; node = node.parent) {
    if (contains(node, join)) return undefined;
    if (ts.isIterationStatement(node, false)) return "is in a loop";
    if (ts.isFunctionLike(node)) return "is in a function that may be called more than once";
  }
  return undefined;
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end && inner.getSourceFile() === outer.getSourceFile();
}
