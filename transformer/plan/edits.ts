/**
 * A plan's edits as data: what to change at which node, never how to print it. `rewrite/` applies them,
 * as a `ts.factory` visitor today (ts-patch) and, later, as text edits.
 */
import type * as ts from "typescript";
import { Unsupported } from "../context.js";
import type { Shape } from "./shape.js";
import type { ClosureSpec } from "./capture.js";

export type Edit =
  /** A literal index read of a pruned tuple: now reads `position`. */
  | { kind: "index"; position: number }
  /** An array destructuring pattern of a pruned tuple: keeps the original elements `kept`, in order. */
  | { kind: "pattern"; kept: readonly number[] }
  /**
   * Join options: `strategy: "auto"` (and `site` when `withSite`, `inPlace: true` when `inPlace`: the consumers
   * cannot tell the streamed values from copies; `readOnly: true` when `readOnly`: they only read every value)
   * added `after` or `before` the written ones, or as the only ones.
   */
  | { kind: "joinOptions"; site: string; withSite: boolean; inPlace: boolean; readOnly: boolean; placement: "only" | "after" | "before" | "spread" }
  /** A shuffle input: `<input>.projectValues(<shape read as it arrives>)`. */
  | { kind: "project"; shape: Shape; arriving: Shape }
  /** A value literal returned right before the shuffle: pruned in place to `shape`. */
  | { kind: "pruneLiteral"; shape: Shape }
  /**
   * A reader call (`ctx.readParquet(...)`, plan/sources.ts): `columns`, a `partitionFilter` keeping files whose
   * partition values may pass `partitions` (per column, the values allowed), and `site`, added as the only
   * options or `after` the written ones.
   */
  | { kind: "readerOptions"; columns?: readonly string[]; partitions?: readonly PartitionCondition[]; site: string; placement: "only" | "after" }
  /** A function argument of an RDD method: wrapped in the closure annotation workers rebuild it from (plan/capture.ts). */
  | { kind: "capture"; closure: ClosureSpec };

/** Files whose partition column `column` holds none of `values` cannot hold a row the filter keeps. */
export interface PartitionCondition {
  column: string;
  values: readonly (string | number | boolean | null)[];
}

/** Edits of one node apply in layer order: reads of pruned values, then call arguments, then projections, then annotations. */
export function layerOf(edit: Edit): number {
  switch (edit.kind) {
    case "index":
    case "pattern":
      return 0;
    case "joinOptions":
    case "readerOptions":
      return 1;
    case "project":
    case "pruneLiteral":
      return 2;
    case "capture":
      return 3;
  }
}

export class Edits {
  readonly byNode = new Map<ts.Node, Edit[]>();

  add(node: ts.Node, edit: Edit): void {
    const list = this.byNode.get(node) ?? [];
    const same = list.find((e) => layerOf(e) === layerOf(edit));
    if (same) {
      if (JSON.stringify(same) !== JSON.stringify(edit)) throw new Unsupported("two pruned values reach the same code with different shapes");
      return;
    }
    list.push(edit);
    list.sort((a, b) => layerOf(a) - layerOf(b));
    this.byNode.set(node, list);
  }

  merge(other: Edits): void {
    for (const [node, list] of other.byNode) for (const edit of list) this.add(node, edit);
  }

  get size(): number {
    return this.byNode.size;
  }
}
