/** Applies a plan's edits in one visit; new nodes keep the original's position for source maps and diagnostics. */
import type * as ts from "typescript";
import type { TS } from "../context.js";
import type { Edits } from "../plan/forward.js";

export function applyEdits(ts: TS, context: ts.TransformationContext, sourceFile: ts.SourceFile, edits: Edits): ts.SourceFile {
  if (edits.size === 0) return sourceFile;
  const visit = (node: ts.Node): ts.Node => {
    const visited = ts.visitEachChild(node, visit, context);
    const list = edits.byNode.get(node);
    if (!list) return visited;
    let result = visited;
    for (const edit of list) result = edit.apply(result);
    if (result !== visited) {
      ts.setOriginalNode(result, node);
      if (result.pos < 0) ts.setTextRange(result, node);
    }
    return result;
  };
  return ts.visitEachChild(sourceFile, visit, context);
}
