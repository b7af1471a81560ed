/** explain()'s "Placement" section: where each stage of a plan would run, and why. */
import type { RDD } from "../rdd/rdd.js";
import type { ShuffleDependency } from "../rdd/dependency.js";
import type { StageOutput } from "./ship.js";

export type Decide = (rdd: RDD<unknown>, output: StageOutput, tasks: number) => { where: "workers" | "in-process"; reason: string };

/** One line per stage, the result stage first, then each shuffle's map stage (named by shuffle id, as the plan's Exchange lines). */
export function placementLines(root: RDD<unknown>, decide: Decide, probes: boolean): string[] {
  const lines = ["== Placement =="];
  const say = (label: string, d: { where: string; reason: string }) =>
    lines.push(`${label}: ${d.where === "workers" ? `workers${probes ? " (if the probe task pays)" : ""}` : "in process"} - ${d.reason}`);
  say(`result stage (${root.opName} [${root.id}]) for count, collect, reduce, fold or aggregate`, decide(root, { action: { kind: "count" } }, root.numPartitions));
  const seen = new Set<number>();
  const visit = (rdd: RDD<unknown>, visited: Set<RDD<unknown>>) => {
    if (visited.has(rdd)) return;
    visited.add(rdd);
    for (const dep of rdd.dependencies()) {
      if (dep.kind === "shuffle") {
        if (!seen.has(dep.shuffleId)) {
          seen.add(dep.shuffleId);
          const shuffle = dep as ShuffleDependency;
          say(`shuffle ${shuffle.shuffleId} map stage`, decide(shuffle.rdd as RDD<unknown>, { shuffle }, shuffle.rdd.numPartitions));
        }
        visit(dep.rdd as RDD<unknown>, new Set());
      } else visit(dep.rdd, visited);
    }
  };
  visit(root, new Set());
  return lines;
}
