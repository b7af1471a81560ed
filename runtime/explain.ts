/** The physical plan of an RDD as text, in the spirit of Spark's `explain`: stages, exchanges, broadcasts, cached scans. */
import type { RDD } from "./rdd/rdd.js";
import { StorageLevel } from "./storage/level.js";
import type { Dependency } from "./rdd/dependency.js";

export interface PlanInput {
  /** An exchange or broadcast between this RDD and the input, if any. */
  edge?: string;
  rdd: RDD<unknown>;
}

/** Inputs as explain shows them; an RDD may override `planInputs` to show more (a broadcast join's build side). */
export function planInputs(rdd: RDD<unknown>): PlanInput[] {
  const custom = (rdd as { planInputs?: () => PlanInput[] }).planInputs;
  if (custom) return custom.call(rdd);
  return rdd.dependencies().map(planInputOf);
}

export function planInputOf(dep: Dependency): PlanInput {
  if (dep.kind === "narrow") return { rdd: dep.rdd };
  const combine = dep.aggregator && dep.mapSideCombine ? ", map-side combine" : "";
  return { edge: `Exchange ${dep.partitioner.describe()}, shuffle ${dep.shuffleId}${combine}`, rdd: dep.rdd as RDD<unknown> };
}

export function explain(root: RDD<unknown>): string {
  const lines = ["== Physical Plan =="];
  let nextStage = 1;
  const visit = (rdd: RDD<unknown>, prefix: string, childPrefix: string, stage: number) => {
    const cached =
      rdd.storageLevel !== StorageLevel.NONE
        ? ` [cached ${rdd.storageLevel}: ${rdd.ctx.blockManager.cachedPartitions(rdd.id, rdd.numPartitions)}/${rdd.numPartitions} partitions]`
        : "";
    const detail = rdd.describe();
    lines.push(`${prefix}*(${stage}) ${rdd.name ?? rdd.opName} [${rdd.id}]${detail ? ` ${detail}` : ""}${cached}`);
    const inputs = planInputs(rdd);
    inputs.forEach((input, i) => {
      const last = i === inputs.length - 1;
      const branch = childPrefix + (last ? "+- " : ":- ");
      const cont = childPrefix + (last ? "   " : ":  ");
      if (input.edge) {
        lines.push(`${branch}${input.edge}`);
        visit(input.rdd, cont + "+- ", cont + "   ", ++nextStage);
      } else {
        visit(input.rdd, branch, cont, stage);
      }
    });
  };
  visit(root, "", "", nextStage);
  lines.push(...root.ctx.placementLines(root));
  return lines.join("\n");
}
