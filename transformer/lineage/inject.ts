/**
 * The transformer's route for static lineage to reach run-time events (plugin option `lineage: true`):
 * the receiver of every action gets tagged with that action's column lineage, as
 *
 *   rdd.collect()  ->  (globalThis[Symbol.for("rddopt.lineage")] ?? ((_, r) => r))("<json>", rdd).collect()
 *
 * The runtime's hook (runtime/lineage/scope.ts) remembers the JSON for that RDD object and action and
 * returns the RDD itself; without the runtime loaded the fallback returns it too. The receiver is
 * evaluated once, as before, so the program computes what it did. No import is added.
 */
import type * as ts from "typescript";
import { createFileContext, type TS } from "../context.js";
import { mentionsRddopt, siteOf } from "../engine.js";
import { toColumnLineageDataset } from "./facet.js";
import { sinkLineages } from "./index.js";

export const LINEAGE_HOOK = "rddopt.lineage";

/** `optimized` (the file after the optimizer's edits) with every action of `original` tagged. */
export function injectLineage(ts: TS, program: ts.Program, context: ts.TransformationContext, original: ts.SourceFile, optimized: ts.SourceFile): ts.SourceFile {
  if (!mentionsRddopt(ts, program, original)) return optimized;
  let tags: Map<ts.Node, string>;
  try {
    const fc = createFileContext(ts, program, original, true);
    tags = new Map(sinkLineages(fc, (node) => siteOf(program, original, node)).map(({ rdd, lineage }) => [rdd.call, JSON.stringify({ action: rdd.method, dataset: toColumnLineageDataset(lineage) })]));
  } catch {
    return optimized; // lineage is a report: a file it cannot read is compiled as the optimizer left it
  }
  if (tags.size === 0) return optimized;
  const visit = (node: ts.Node): ts.Node => {
    const visited = ts.visitEachChild(node, visit, context);
    const tag = tags.get(ts.getOriginalNode(node));
    if (!tag || !ts.isCallExpression(visited) || !ts.isPropertyAccessExpression(visited.expression)) return visited;
    const access = visited.expression;
    const receiver = tagged(ts, tag, access.expression);
    return ts.factory.updateCallExpression(visited, ts.factory.updatePropertyAccessExpression(access, receiver, access.name), visited.typeArguments, visited.arguments);
  };
  return ts.visitEachChild(optimized, visit, context);
}

function tagged(ts: TS, tag: string, receiver: ts.Expression): ts.Expression {
  const f = ts.factory;
  const hook = f.createElementAccessExpression(
    f.createIdentifier("globalThis"),
    f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("Symbol"), "for"), undefined, [f.createStringLiteral(LINEAGE_HOOK)]),
  );
  const parameter = (name: string) => f.createParameterDeclaration(undefined, undefined, name);
  const identity = f.createArrowFunction(undefined, undefined, [parameter("_lineage"), parameter("rdd")], undefined, f.createToken(ts.SyntaxKind.EqualsGreaterThanToken), f.createIdentifier("rdd"));
  const fn = f.createParenthesizedExpression(f.createBinaryExpression(hook, ts.SyntaxKind.QuestionQuestionToken, f.createParenthesizedExpression(identity)));
  return ts.setTextRange(f.createCallExpression(fn, undefined, [f.createStringLiteral(tag), receiver]), receiver);
}

/**
 * The same tags as text, for `rddopt rewrite`: inserted around each action's receiver in `magic` (an
 * edit session over the original text). The cast keeps the receiver's static type, so the output still
 * type-checks. Returns how many actions were tagged.
 */
export function injectLineageText(ts: TS, program: ts.Program, sourceFile: ts.SourceFile, magic: MagicStringLike): number {
  if (!mentionsRddopt(ts, program, sourceFile)) return 0;
  const fc = createFileContext(ts, program, sourceFile, true);
  const sinks = sinkLineages(fc, (node) => siteOf(program, sourceFile, node));
  for (const { rdd, lineage } of sinks) {
    const tag = JSON.stringify(JSON.stringify({ action: rdd.method, dataset: toColumnLineageDataset(lineage) }));
    const hook = `((globalThis as any)[Symbol.for("${LINEAGE_HOOK}")] ?? ((_lineage: string, rdd: unknown) => rdd)) as <R>(lineage: string, rdd: R) => R`;
    magic.prependLeft(rdd.receiver.getStart(sourceFile), `(${hook})(${tag}, `);
    magic.appendRight(rdd.receiver.getEnd(), ")");
  }
  return sinks.length;
}

/** What injectLineageText needs of magic-string (the transformer does not depend on it). */
export interface MagicStringLike {
  prependLeft(index: number, content: string): unknown;
  appendRight(index: number, content: string): unknown;
}
