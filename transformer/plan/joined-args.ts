/**
 * Joined-row twins, the decision: a `mapValues(([l, r]) => body)` or `map(([k, [l, r]]) => body)` called right on
 * a join gets a twin `(l, r) => body` (`(k, l, r) => body`) the runtime calls with the joined row's parts, so no
 * `[l, r]` is built per joined row (runtime/rdd/join-fusion.ts). rewrite/joined-args.ts prints it.
 *
 * Sound because the runtime builds that `[l, r]` itself, a fresh array of exactly two elements that nothing else
 * sees: destructuring it into two plain names binds exactly `l` and `r`. So only that pattern qualifies: an
 * arrow function (a `function` has its own `this` and `arguments`, which would see the twin's arguments), not
 * async, with one parameter that is an array pattern of exactly two plain names or holes (no defaults, no rest,
 * no nested patterns but map's `[l, r]` in the second place). The twin is an arrow beside the function, so
 * the body reads the same enclosing `this`, `arguments` and variables.
 */
import type * as ts from "typescript";
import { innerExpression, type FileContext, type TS } from "../context.js";
import { rddCallOf, type RddCall } from "../find/rdd-calls.js";
import { operatorOf } from "../operators.js";
import { Edits } from "./edits.js";

export type JoinedForm = "mapValues" | "map";

/**
 * Twins for every qualifying function argument of the file's calls. `planned`: the file's other edits; a pattern
 * one of them renumbers is left alone (none does today: a join's [l, r] is never pruned).
 */
export function planJoinedArgs(fc: FileContext, calls: readonly RddCall[], planned: Edits): Edits {
  const edits = new Edits();
  const holeName = unusedName(fc.sourceFile.text, "__rddopt_hole");
  for (const rdd of calls) {
    const form = formOf(fc, rdd);
    const fn = rdd.call.arguments[0];
    if (!form || rdd.call.arguments.length !== 1 || !fn || !fc.ts.isArrowFunction(fn)) continue;
    if (twinParameters(fc.ts, fn, form) && !renumbered(fc.ts, fn.parameters[0]!, planned)) edits.add(fn, { kind: "joinedArgs", form, holeName, typed: !isJavaScript(fc.sourceFile) });
  }
  return edits;
}

/**
 * Whether an edit changes the parameter's pattern. Pruning marks a join's [l, r] with a pattern edit keeping
 * every position in order (the pair itself is never compacted): that one changes nothing.
 */
function renumbered(ts: TS, node: ts.Node, planned: Edits): boolean {
  const changes = (planned.byNode.get(node) ?? []).some((e) => e.kind !== "pattern" || e.kept.some((from, i) => from !== i));
  return changes || (ts.forEachChild(node, (child) => renumbered(ts, child, planned) || undefined) ?? false);
}

/** mapValues or map called directly on a join's result (the only place the runtime reads the twin). */
function formOf(fc: FileContext, rdd: RddCall): JoinedForm | undefined {
  if (rdd.method !== "mapValues" && rdd.method !== "map") return undefined;
  const receiver = rddCallOf(fc, innerExpression(fc.ts, rdd.receiver));
  return receiver && operatorOf(receiver.method)?.join ? rdd.method : undefined;
}

/**
 * The twin's parameters, in order (undefined for a hole), or undefined when `fn` does not have the one pattern
 * that qualifies. Shared with the rewrite, so both read the same pattern.
 */
export function twinParameters(ts: TS, fn: ts.ArrowFunction, form: JoinedForm): (ts.Identifier | undefined)[] | undefined {
  if (fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) || fn.typeParameters || fn.parameters.length !== 1) return undefined;
  const parameter = fn.parameters[0]!;
  if (parameter.dotDotDotToken || parameter.initializer || parameter.questionToken || !ts.isArrayBindingPattern(parameter.name)) return undefined;
  const elements = pair(ts, parameter.name);
  if (!elements) return undefined;
  if (form === "mapValues") {
    const names = elements.map((e) => plainName(ts, e));
    return names.every((n) => n !== null) ? (names as (ts.Identifier | undefined)[]) : undefined;
  }
  const [key, value] = elements;
  const keyName = plainName(ts, key!);
  if (keyName === null || ts.isOmittedExpression(value!) || value!.dotDotDotToken || value!.initializer || !ts.isArrayBindingPattern(value!.name)) return undefined;
  const inner = pair(ts, value!.name);
  const names = inner?.map((e) => plainName(ts, e));
  return names && names.every((n) => n !== null) ? [keyName, ...(names as (ts.Identifier | undefined)[])] : undefined;
}

function pair(ts: TS, pattern: ts.ArrayBindingPattern): ts.ArrayBindingElement[] | undefined {
  return pattern.elements.length === 2 ? [...pattern.elements] : undefined;
}

/** A plain name (the identifier), a hole (undefined), or null for anything else (default, rest, nested pattern). */
function plainName(ts: TS, element: ts.ArrayBindingElement): ts.Identifier | undefined | null {
  if (ts.isOmittedExpression(element)) return undefined;
  if (element.dotDotDotToken || element.initializer || element.propertyName || !ts.isIdentifier(element.name)) return null;
  return element.name;
}

/** A name the file's text never holds, for a hole's parameter (deterministic, so both rewrite paths print it alike). */
function unusedName(text: string, base: string): string {
  let name = base;
  for (let i = 1; text.includes(name); i++) name = `${base}${i}`;
  return name;
}

function isJavaScript(sourceFile: ts.SourceFile): boolean {
  return /\.[cm]?jsx?$/i.test(sourceFile.fileName);
}
