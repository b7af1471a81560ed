/**
 * Whether the consumers of a join can tell the streamed side's values from copies of them (plan/broadcast.ts
 * writes `inPlace: true` where they cannot). Under "auto" the runtime hands a broadcast's streamed rows on as
 * the shuffle it replaces would, as exact copies; `inPlace: true` streams the very objects instead (faster).
 * A consumer could tell by writing a value (the program's own rows change), by keeping it (a persisted
 * RDD, a collected object the program later changes or compares), or by identity (`===` against an object it
 * holds, two fields that held one object). Proven (conservatively, anything not modelled is "copies") when
 *  - the sides the join may stream have primitive keys and values: a copy of a primitive is the primitive; or
 *  - every use of the join's output is a chain, followed exactly as a rewrite follows it (find/graph.ts,
 *    exclusive mode: no export, no helper with several callers, no escape), of narrow methods modelled here
 *    whose functions only read (analyse/closures.ts `identityProblem`), ending where the rows hold no object
 *    (their type is primitive), or in an action whose result holds no object.
 */
import type * as ts from "typescript";
import { short, type FileContext } from "../context.js";
import { rddUses, NO_TARGETS, type ReturnTargets } from "../find/graph.js";
import type { RddCall } from "../find/rdd-calls.js";
import { operatorOf } from "../operators.js";
import { ClosureAnalysis, declaredFunction, identityProblem, type FunctionNode } from "./closures.js";
import { isPrimitiveType, plainObjectProperties } from "./types.js";

export interface IdentityVerdict {
  inPlace: boolean;
  /**
   * The consumers only read every value the join hands them (both sides'): no write, nothing kept, no identity.
   * The runtime may then give each joined row its own copy of a broadcast table's value (`readOnly: true`).
   */
  readOnly: boolean;
  /** "in place: ..." or "copies: ...", for the report. */
  reason: string;
}

/** Narrow methods that hand rows (or parts of them) on: the arguments that are functions. */
const PASSING: Record<string, { functions: readonly number[]; arity: number }> = {
  map: { functions: [0], arity: 1 },
  mapValues: { functions: [0], arity: 1 },
  flatMap: { functions: [0], arity: 1 },
  flatMapValues: { functions: [0], arity: 1 },
  filter: { functions: [0], arity: 1 },
  values: { functions: [], arity: 0 },
  keys: { functions: [], arity: 0 },
};

/**
 * Actions: their function and plain arguments, and what of their result must be primitive ("whole": the
 * result itself; "elements": the array they build; "entries": the keys and values of the Map they build).
 */
const ACTIONS: Record<string, { functions: readonly number[]; plain: readonly number[]; arity: number; result: "whole" | "elements" | "entries" }> = {
  count: { functions: [], plain: [], arity: 0, result: "whole" },
  isEmpty: { functions: [], plain: [], arity: 0, result: "whole" },
  collect: { functions: [], plain: [], arity: 0, result: "elements" },
  reduce: { functions: [0], plain: [], arity: 1, result: "whole" },
  fold: { functions: [1], plain: [0], arity: 2, result: "whole" },
  aggregate: { functions: [1, 2], plain: [0], arity: 3, result: "whole" },
  foreach: { functions: [0], plain: [], arity: 1, result: "whole" },
  countByKey: { functions: [], plain: [], arity: 0, result: "entries" },
  countByValue: { functions: [], plain: [], arity: 0, result: "entries" },
  lookup: { functions: [], plain: [0], arity: 1, result: "elements" },
};

/** Methods that keep rows to hand them on again: a later job would see the originals, changed since. */
const KEEPING = new Set(["persist", "cache", "checkpoint", "localCheckpoint"]);

const IN_PLACE_READ = "in place: consumers only read";

export class IdentityAnalysis {
  // effects only: the output's module format and language level decide where a function runs, not what it observes
  private readonly closures: ClosureAnalysis;

  constructor(private readonly fc: FileContext) {
    this.closures = new ClosureAnalysis(fc, { noImports: "imported code is not followed for identity", commonJs: false, target: fc.ts.ScriptTarget.ESNext });
  }

  /** The verdict for a join the plugin gives `strategy: "auto"`. */
  joinVerdict(join: RddCall): IdentityVerdict {
    const primitive = this.primitiveStreamedSides(join);
    if (primitive) {
      // an inner join streams either side, so both hold primitives, which have no identity to tell apart
      const readOnly = operatorOf(join.method)?.join === "inner" || !this.consumersProblem(join.call, NO_TARGETS, new Map());
      return { inPlace: true, readOnly, reason: `in place: the streamed ${primitive}${readOnly ? "; consumers only read" : ""}` };
    }
    const inexact = this.inexactStreamedSide(join);
    if (inexact) return { inPlace: false, readOnly: false, reason: `copies: ${inexact}` };
    const why = this.consumersProblem(join.call, NO_TARGETS, new Map());
    return why ? { inPlace: false, readOnly: false, reason: `copies: ${why}` } : { inPlace: true, readOnly: true, reason: IN_PLACE_READ };
  }

  /** "side's keys and values are primitives (...)" when every side the join may stream has primitive rows. */
  private primitiveStreamedSides(join: RddCall): string | undefined {
    const described: string[] = [];
    for (const side of this.streamedSides(join)) {
      if (!side.expression) return undefined;
      const row = rowType(this.fc, side.expression);
      if (!row || !this.isPrimitiveRow(row, true)) return undefined;
      described.push(`${side.label} side's rows are ${this.fc.checker.typeToString(row)}`);
    }
    return `${described.join(" and the ")}: primitives, which copies cannot be told from`;
  }

  /**
   * Why a reader could tell a streamed value from its copy without identity, or undefined: its type is not
   * data a copy reproduces exactly (a typed array is a view whose `byteOffset` and `buffer` a copy changes;
   * `unknown`, `any`, type parameters, classes and functions may be anything).
   */
  private inexactStreamedSide(join: RddCall): string | undefined {
    for (const side of this.streamedSides(join)) {
      const row = side.expression && rowType(this.fc, side.expression);
      if (!row) return `the ${side.label} side's type is not RDD<T>`;
      if (!copiesExactly(this.fc, row)) return `the ${side.label} side's rows are \`${this.fc.checker.typeToString(row)}\`, not data that a copy reproduces exactly`;
    }
    return undefined;
  }

  /** The sides a broadcast may stream (outer joins stream the side they keep; an inner join either). */
  private streamedSides(join: RddCall): { label: string; expression: ts.Expression | undefined }[] {
    const type = operatorOf(join.method)?.join;
    const left = { label: "left", expression: join.receiver };
    const right = { label: "right", expression: join.call.arguments[0] };
    return type === "leftOuter" ? [left] : type === "rightOuter" ? [right] : [left, right];
  }

  /** Why a consumer of the RDD `expression` evaluates to could tell copies from originals, or undefined. */
  private consumersProblem(expression: ts.Expression, returnTo: ReturnTargets, seen: Map<ts.Node, Set<string>>): string | undefined {
    for (const use of rddUses(this.fc, expression, true, seen, returnTo)) {
      if (use.kind === "escape") return `the rows reach code the analysis cannot follow (${use.reason})`;
      const { rdd } = use;
      if (use.role !== "receiver") return `the rows are passed to \`${rdd.method}\``;
      if (KEEPING.has(rdd.method)) return `\`${rdd.method}\` keeps the rows for later jobs`;
      const problem = this.callProblem(rdd);
      if (problem) return problem;
      if (PASSING[rdd.method]) {
        const row = rowType(this.fc, rdd.call);
        if (!row) return `\`${rdd.method}\` does not return an RDD<T>`;
        // mapValues and flatMapValues build their pairs: primitives in them leave no object of the value
        if (this.isPrimitiveRow(row, rdd.method === "mapValues" || rdd.method === "flatMapValues")) continue;
        const further = this.consumersProblem(rdd.call, use.returnTo, seen);
        if (further) return further;
      }
    }
    return undefined;
  }

  /** Why one modelled call may let its functions or its result tell copies from originals, or undefined. */
  private callProblem(rdd: RddCall): string | undefined {
    const rule = PASSING[rdd.method] ?? ACTIONS[rdd.method];
    if (!rule) return `\`${rdd.method}\` is not modelled`;
    const args = rdd.call.arguments;
    if (args.length !== rule.arity || args.some((a) => this.fc.ts.isSpreadElement(a))) return `\`${rdd.method}\` is called with unexpected arguments`;
    for (const index of rule.functions) {
      const fn = functionArgument(this.fc, args[index]);
      if (!fn) return `\`${short(this.fc, args[index])}\` passed to \`${rdd.method}\` is not a function written here or declared in this file`;
      const problem = identityProblem(this.fc, this.closures.closureOf(fn));
      if (problem) return `the function passed to \`${rdd.method}\` ${problem.replace(/^it /, "")}`;
    }
    const action = ACTIONS[rdd.method];
    if (!action) return undefined;
    for (const index of action.plain) {
      if (!isPrimitiveType(this.fc.ts, this.fc.checker.getTypeAtLocation(args[index]))) return `\`${rdd.method}\` is given an object (\`${short(this.fc, args[index])}\`)`;
    }
    const result = awaitedResult(this.fc, rdd.call);
    if (!result || !this.resultIsPrimitive(result, action.result)) {
      return `\`${rdd.method}\` returns ${result ? `\`${this.fc.checker.typeToString(result)}\`` : "a result"}, which may hold the joined objects`;
    }
    return undefined;
  }

  private resultIsPrimitive(type: ts.Type, part: "whole" | "elements" | "entries"): boolean {
    const { ts, checker } = this.fc;
    if (part === "whole") return isPrimitiveType(ts, type);
    if (part === "elements") return checker.isArrayType(type) && checker.getTypeArguments(type as ts.TypeReference).every((t) => isPrimitiveType(ts, t));
    const entries = type.getSymbol()?.name === "Map" ? (type as ts.TypeReference).typeArguments : undefined;
    return !!entries && entries.length === 2 && entries.every((t) => isPrimitiveType(ts, t));
  }

  /** Rows holding no object: a primitive, or (`pairs`, a pair built fresh) a `[key, value]` tuple of primitives. */
  private isPrimitiveRow(row: ts.Type, pairs: boolean): boolean {
    const { ts, checker } = this.fc;
    if (isPrimitiveType(ts, row)) return true;
    if (!pairs) return false;
    return checker.isTupleType(row) && checker.getTypeArguments(row as ts.TypeReference).every((t) => isPrimitiveType(ts, t));
  }
}

/** Standard-library types whose copies read like the original (typed arrays and buffers do not: views). */
const EXACT_LIB = new Set(["Array", "ReadonlyArray", "Map", "ReadonlyMap", "Set", "ReadonlySet", "Date"]);

/** Primitives, and tuples, arrays, plain objects, Maps, Sets and Dates of them, all the way down. */
function copiesExactly(fc: FileContext, type: ts.Type, seen = new Set<ts.Type>()): boolean {
  const { ts, checker } = fc;
  if (isPrimitiveType(ts, type) || seen.has(type)) return true;
  seen.add(type);
  if (type.isUnion()) return type.types.every((t) => copiesExactly(fc, t, seen));
  if (checker.isTupleType(type) || checker.isArrayType(type)) return checker.getTypeArguments(type as ts.TypeReference).every((t) => copiesExactly(fc, t, seen));
  const symbol = type.getSymbol();
  if (symbol && EXACT_LIB.has(symbol.name) && symbol.declarations?.some((d) => fc.program.isSourceFileDefaultLibrary(d.getSourceFile()))) {
    return ((type as ts.TypeReference).typeArguments ?? []).every((t) => copiesExactly(fc, t, seen));
  }
  const properties = plainObjectProperties(fc, type);
  return !!properties && properties.every((p) => copiesExactly(fc, checker.getTypeOfSymbol(p), seen));
}

/** T of an expression of type RDD<T>. */
function rowType(fc: FileContext, expression: ts.Expression): ts.Type | undefined {
  const type = fc.checker.getTypeAtLocation(expression);
  if (type.getSymbol()?.name !== "RDD") return undefined;
  const args = fc.checker.getTypeArguments(type as ts.TypeReference);
  return args.length === 1 ? args[0] : undefined;
}

/** The value an action's promise resolves to. */
function awaitedResult(fc: FileContext, call: ts.CallExpression): ts.Type | undefined {
  const type = fc.checker.getTypeAtLocation(call);
  if (type.getSymbol()?.name !== "Promise") return undefined;
  return fc.checker.getTypeArguments(type as ts.TypeReference)[0];
}

/** A function argument written inline or declared in this file (what closure analysis can walk). */
function functionArgument(fc: FileContext, argument: ts.Expression | undefined): FunctionNode | undefined {
  const { ts } = fc;
  if (!argument) return undefined;
  let inner: ts.Expression = argument;
  while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
  if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) return inner;
  if (!ts.isIdentifier(inner)) return undefined;
  const symbol = fc.symbolOf(inner);
  if (!symbol || symbol.flags & ts.SymbolFlags.Alias) return undefined;
  const fn = declaredFunction(fc, symbol);
  return fn && fn.getSourceFile() === fc.sourceFile ? fn : undefined;
}
