/**
 * Follows a pruned value downstream and records the edits that make code read the new shape: literal
 * indices renumbered, array destructuring patterns compacted. Objects keep their property names, so only
 * tuples need edits. Anything this pass cannot follow throws Unsupported (the caller then falls back to a
 * projection that keeps every position).
 */
import type * as ts from "typescript";
import { Unsupported, innerExpression, outerExpression, type FileContext } from "../context.js";
import { functionOf, functionSymbol, helperCallSites, isReachableFromOutside } from "../find/functions.js";
import { rddUses } from "../find/graph.js";
import type { RddCall } from "../find/rdd-calls.js";
import { literalKey, propertyKey } from "../analyse/values.js";
import { KEEP, keepsPositions, type Shape } from "./shape.js";

export interface Edit {
  /** Two edits of one node in the same layer must agree on this. */
  key: string;
  /** Edits of one node apply in layer order: 0 reads of pruned values, 1 call arguments, 2 projections. */
  layer?: number;
  apply(visited: ts.Node): ts.Node;
}

export class Edits {
  readonly byNode = new Map<ts.Node, Edit[]>();
  add(node: ts.Node, edit: Edit): void {
    const list = this.byNode.get(node) ?? [];
    const same = list.find((e) => (e.layer ?? 0) === (edit.layer ?? 0));
    if (same) {
      if (same.key !== edit.key) throw new Unsupported("two pruned values reach the same code with different shapes");
      return;
    }
    list.push(edit);
    list.sort((a, b) => (a.layer ?? 0) - (b.layer ?? 0));
    this.byNode.set(node, list);
  }
  merge(other: Edits): void {
    for (const [node, list] of other.byNode) for (const edit of list) this.add(node, edit);
  }
  get size(): number {
    return this.byNode.size;
  }
}

/** A shuffle input that has its own projection: the forward pass records the shape reaching it and stops. */
export type ProjectionSink = (rdd: RddCall, role: "receiver" | number, arriving: Shape) => boolean;

const PASS_ROWS = new Set([
  "filter", "sample", "coalesce", "repartition", "partitionBy", "sortByKey", "sortBy", "persist", "cache",
  "unpersist", "setName", "subtractByKey",
]);
/** Methods that treat rows as a whole, not as [key, value]. */
const ROW_METHODS = new Set([
  "map", "flatMap", "filter", "keyBy", "sample", "coalesce", "persist", "cache", "unpersist", "setName", "count",
  "isEmpty", "getNumPartitions", "explain", "toString",
]);
const ROWS_UNOBSERVED = new Set(["count", "isEmpty", "getNumPartitions", "explain", "toString", "keys", "countByKey"]);

export class Forward {
  constructor(
    private readonly fc: FileContext,
    private readonly edits: Edits,
    private readonly sink: ProjectionSink,
  ) {}

  /**
   * A shuffle whose input `role` now carries values of `value`: rewrite the shuffle's own functions that read
   * them, then its output rows.
   */
  shuffle(rdd: RddCall, values: (role: "receiver" | number) => Shape): void {
    const args = rdd.call.arguments;
    const left = values("receiver");
    switch (rdd.method) {
      case "sortBy":
        if (args[0]) this.parameter(args[0], 0, pairShape(left));
        break;
      case "aggregateByKey":
        if (args[1]) this.parameter(args[1], 1, left);
        return; // the output holds accumulators, not input values
      case "combineByKey":
        if (args[0]) this.parameter(args[0], 0, left);
        if (args[1]) this.parameter(args[1], 1, left);
        return;
      case "reduceByKey":
      case "foldByKey":
      case "distinct":
        if (!keepsPositions(left)) throw new Unsupported(`${rdd.method} is never pruned`);
        return;
    }
    this.rdd(rdd.call, shuffleOutput(rdd, values));
  }

  /** The rows of RDD `expression` now have `shape`. */
  rdd(expression: ts.Expression, shape: Shape): void {
    if (keepsPositions(shape)) return;
    for (const use of rddUses(this.fc, expression, true)) {
      if (use.kind === "escape") throw new Unsupported(`a pruned RDD escapes: ${use.reason}`);
      if (!ROW_METHODS.has(use.rdd.method) && !keyIntact(shape)) {
        throw new Unsupported(`rows reaching \`${use.rdd.method}\` are no longer [key, value] pairs`);
      }
      if (this.sink(use.rdd, use.role, valueOf(shape))) continue;
      this.rddUse(use.rdd, use.role, shape);
    }
  }

  private rddUse(rdd: RddCall, role: "receiver" | number, row: Shape): void {
    const args = rdd.call.arguments;
    const value = valueOf(row);
    const fn = (i: number, shape: Shape): void => {
      if (!args[i]) throw new Unsupported("missing function argument");
      this.parameter(args[i], 0, shape);
    };
    if (PASS_ROWS.has(rdd.method)) {
      if (rdd.method === "subtractByKey" && role !== "receiver") return;
      if (rdd.method === "filter" || rdd.method === "sortBy") fn(0, row);
      this.rdd(rdd.call, row);
      return;
    }
    if (ROWS_UNOBSERVED.has(rdd.method)) return;
    switch (rdd.method) {
      case "map":
        this.withReturnSink(args[0], (shape) => this.rdd(rdd.call, shape), () => fn(0, row));
        return;
      case "flatMap":
        fn(0, row);
        return;
      case "keyBy":
        fn(0, row);
        this.rdd(rdd.call, pairShape(row));
        return;
      case "mapValues":
        this.withReturnSink(args[0], (shape) => this.rdd(rdd.call, pairShape(shape)), () => fn(0, value));
        return;
      case "flatMapValues":
        fn(0, value);
        return;
      case "values":
        this.rdd(rdd.call, value);
        return;
      case "groupByKey":
        this.rdd(rdd.call, pairShape({ kind: "array", element: value }));
        return;
      case "join":
      case "leftOuterJoin":
      case "rightOuterJoin":
      case "fullOuterJoin":
        this.rdd(rdd.call, pairShape(sides(2, role === "receiver" ? 0 : 1, value)));
        return;
      case "cogroup": {
        const count = 1 + args.length; // partitioner arguments only make the tuple look longer: positions stay
        const index = role === "receiver" ? 0 : role + 1;
        this.rdd(rdd.call, pairShape(sides(count, index, { kind: "array", element: value })));
        return;
      }
      default:
        throw new Unsupported(`a pruned value reaches \`${rdd.method}\`, which the rewrite does not follow`);
    }
  }

  private readonly returnSinks = new Map<ts.Node, (shape: Shape) => void>();

  /**
   * While `body` runs, a pruned value returned by the inline arrow `fnExpression` (expression body only, so
   * there is exactly one return) flows on into the RDD it produces.
   */
  private withReturnSink(fnExpression: ts.Expression | undefined, sink: (shape: Shape) => void, body: () => void): void {
    const fn = fnExpression && outerExpression(this.fc.ts, fnExpression);
    const inner = fn && innerExpression(this.fc.ts, fn);
    if (!inner || !this.fc.ts.isArrowFunction(inner) || this.fc.ts.isBlock(inner.body)) return body();
    this.returnSinks.set(inner, sink);
    try {
      body();
    } finally {
      this.returnSinks.delete(inner);
    }
  }

  /** A literal holding a pruned value at one position is itself a value with that one part reshaped. */
  private literalPart(expr: ts.Expression, parent: ts.Node, shape: Shape): boolean {
    const { ts } = this.fc;
    if (ts.isArrayLiteralExpression(parent)) {
      if (parent.elements.some((e) => ts.isSpreadElement(e) || ts.isOmittedExpression(e))) return false;
      const index = parent.elements.indexOf(expr);
      const length = parent.elements.length;
      this.value(parent, { kind: "tuple", length, elements: Array.from({ length }, (_, i) => ({ from: i, shape: i === index ? shape : KEEP })) });
      return true;
    }
    const property = ts.isPropertyAssignment(parent) && parent.initializer === expr ? parent : ts.isShorthandPropertyAssignment(parent) ? parent : undefined;
    const literal = property?.parent;
    if (!property || !literal || !ts.isObjectLiteralExpression(literal)) return false;
    const names = literal.properties.map((p) => ((ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name ? propertyKey(this.fc, p.name) : undefined));
    if (names.some((n) => n === undefined) || new Set(names).size !== names.length) return false;
    const own = propertyKey(this.fc, property.name)!;
    this.value(literal, {
      kind: "object",
      total: names.length,
      properties: names.map((name) => ({ name: name!, shape: name === own ? shape : KEEP })),
    });
    return true;
  }

  /** Parameter `index` of the function `fnExpression` now receives values of `shape`. */
  parameter(fnExpression: ts.Expression, index: number, shape: Shape): void {
    if (keepsPositions(shape)) return;
    const fn = functionOf(this.fc, fnExpression);
    if (!fn) throw new Unsupported("function not analysed");
    const inner = outerExpression(this.fc.ts, fnExpression);
    if (!(this.fc.ts.isArrowFunction(inner) || this.fc.ts.isFunctionExpression(inner))) {
      const symbol = functionSymbol(this.fc, fn);
      if (!symbol || this.fc.references(symbol).length !== 1) {
        throw new Unsupported(`\`${symbol?.name ?? "function"}\` is used in more than one place`);
      }
      if (isReachableFromOutside(this.fc, fn)) throw new Unsupported(`\`${symbol.name}\` is exported: other modules may call it with other values`);
    }
    if (fn.parameters.some((p) => this.fc.ts.isIdentifier(p.name) && p.name.text === "this")) throw new Unsupported("`this` parameter");
    const parameter = fn.parameters[index];
    if (!parameter) return;
    this.binding(parameter.name, shape);
  }

  binding(name: ts.BindingName, shape: Shape): void {
    const { ts } = this.fc;
    if (keepsPositions(shape)) return;
    if (ts.isIdentifier(name)) {
      const symbol = this.fc.checker.getSymbolAtLocation(name);
      if (!symbol) throw new Unsupported("unresolved binding");
      for (const ref of this.fc.references(symbol)) this.value(ref, shape);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      if (shape.kind !== "object") throw new Unsupported("object pattern on a non-object shape");
      for (const element of name.elements) {
        const key = propertyKey(this.fc, element.propertyName ?? (element.name as ts.Identifier));
        const property = shape.properties.find((p) => p.name === key);
        if (!property) throw new Unsupported("pattern reads a removed property");
        this.binding(element.name, property.shape);
      }
      return;
    }
    if (shape.kind === "array") {
      for (const element of name.elements) {
        if (ts.isOmittedExpression(element)) continue;
        if (element.dotDotDotToken) throw new Unsupported("rest element");
        this.binding(element.name, shape.element);
      }
      return;
    }
    if (shape.kind !== "tuple") throw new Unsupported("array pattern on a non-tuple shape");
    this.tuplePattern(name, shape);
  }

  private tuplePattern(pattern: ts.ArrayBindingPattern, shape: Extract<Shape, { kind: "tuple" }>): void {
    const { ts } = this.fc;
    const original = pattern.elements;
    if (original.some((e) => ts.isBindingElement(e) && e.dotDotDotToken)) throw new Unsupported("rest element");
    const order = shape.elements.map((e) => e.from);
    // trailing unbound positions need no hole
    let length = order.length;
    while (length > 0 && !isBound(ts, original[order[length - 1]])) length--;
    const kept = order.slice(0, length);
    for (let i = 0; i < original.length; i++) {
      if (!kept.includes(i) && isBound(ts, original[i])) throw new Unsupported("pattern binds a removed element");
    }
    this.edits.add(pattern, {
      key: `pattern:${kept.join(",")}`,
      apply: (visited) => {
        const { factory } = ts;
        const node = visited as ts.ArrayBindingPattern;
        const elements = kept.map((from) => node.elements[from] ?? factory.createOmittedExpression());
        return factory.updateArrayBindingPattern(node, elements.map((e) => (ts.isBindingElement(e) && !isBound(ts, e) ? factory.createOmittedExpression() : e)));
      },
    });
    shape.elements.forEach((element) => {
      const bound = original[element.from];
      if (bound && ts.isBindingElement(bound)) this.binding(bound.name, element.shape);
    });
  }

  /** `node` evaluates to a value of `shape`: rewrite how its surroundings read it. */
  value(node: ts.Expression, shape: Shape): void {
    const { ts } = this.fc;
    if (keepsPositions(shape)) return;
    const expr = outerExpression(ts, node);
    const parent = expr.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === expr) {
      const name = parent.name.text;
      if (shape.kind === "array" && (name === "length" || ARRAY_METHODS.has(name))) return this.arrayMethod(parent, shape);
      if (shape.kind !== "object") throw new Unsupported(`\`.${name}\` on a pruned tuple`);
      const property = shape.properties.find((p) => p.name === name);
      if (!property) throw new Unsupported(`reads removed property \`${name}\``);
      return this.value(parent, property.shape);
    }
    if (ts.isElementAccessExpression(parent) && parent.expression === expr) return this.element(parent, shape);
    if (ts.isVariableDeclaration(parent) && parent.initializer === expr) return this.binding(parent.name, shape);
    if (ts.isCallExpression(parent) && parent.arguments.includes(expr)) {
      const fn = functionOf(this.fc, parent.expression);
      if (!fn || !helperCallSites(this.fc, fn) || helperCallSites(this.fc, fn)!.length !== 1) {
        throw new Unsupported("a pruned value is passed to a function called from several places");
      }
      const parameter = fn.parameters[parent.arguments.indexOf(expr)];
      if (parameter?.initializer) throw new Unsupported("a pruned value is passed to a parameter with a default");
      if (parameter) this.binding(parameter.name, shape);
      return;
    }
    if (ts.isForOfStatement(parent) && parent.expression === expr && shape.kind === "array") {
      const init = parent.initializer;
      if (ts.isVariableDeclarationList(init)) return this.binding(init.declarations[0].name, shape.element);
    }
    if (isTruthinessOnly(ts, expr, parent)) return;
    if (this.literalPart(expr, parent, shape)) return;
    if (ts.isArrowFunction(parent) && parent.body === expr && this.returnSinks.has(parent)) return this.returnSinks.get(parent)!(shape);
    throw new Unsupported(`a pruned value is used as ${ts.SyntaxKind[parent.kind]}`);
  }

  private element(access: ts.ElementAccessExpression, shape: Shape): void {
    const { ts } = this.fc;
    if (shape.kind === "array") return this.value(access, shape.element);
    const key = literalKey(this.fc, access.argumentExpression);
    if (key === undefined) throw new Unsupported("dynamic index on a pruned value");
    if (shape.kind === "object") {
      const property = shape.properties.find((p) => p.name === key);
      if (!property) throw new Unsupported(`reads removed property \`${key}\``);
      return this.value(access, property.shape);
    }
    if (shape.kind !== "tuple") throw new Unsupported("literal index on a pruned array");
    const position = shape.elements.findIndex((e) => String(e.from) === key);
    if (position < 0) throw new Unsupported(`reads removed element ${key}`);
    if (String(position) !== key) {
      this.edits.add(access.argumentExpression, {
        key: `index:${position}`,
        apply: (visited) => ts.setTextRange(ts.factory.createNumericLiteral(position), visited),
      });
    }
    this.value(access, shape.elements[position].shape);
  }

  private arrayMethod(access: ts.PropertyAccessExpression, shape: Extract<Shape, { kind: "array" }>): void {
    const { ts } = this.fc;
    const call = access.parent;
    if (access.name.text === "length") return;
    if (!ts.isCallExpression(call) || call.expression !== access) throw new Unsupported("array method not called");
    const method = access.name.text;
    const callback = call.arguments[0];
    if (!callback) throw new Unsupported("array method without callback");
    this.parameter(callback, method === "reduce" ? 1 : 0, shape.element);
    if (method === "filter") this.value(call, shape);
    if (method === "find") this.value(call, shape.element);
  }
}

const ARRAY_METHODS = new Set(["map", "forEach", "filter", "some", "every", "find", "findIndex", "flatMap", "reduce"]);

function isBound(ts: FileContext["ts"], element: ts.ArrayBindingElement | undefined): boolean {
  return !!element && ts.isBindingElement(element) && !ts.isOmittedExpression(element);
}

function isTruthinessOnly(ts: FileContext["ts"], expr: ts.Expression, parent: ts.Node): boolean {
  if (ts.isExpressionStatement(parent)) return true;
  if (ts.isConditionalExpression(parent)) return parent.condition === expr;
  if ((ts.isIfStatement(parent) || ts.isWhileStatement(parent)) && parent.expression === expr) return true;
  if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) return true;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return (
      op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      op === ts.SyntaxKind.EqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsToken
    );
  }
  return false;
}

function keyIntact(row: Shape): boolean {
  if (row.kind === "keep") return true;
  return row.kind === "tuple" && row.length === 2 && row.elements[0]?.from === 0 && row.elements[0].shape.kind === "keep" && row.elements[1]?.from === 1;
}

/** Shape of a shuffle's output rows given the shapes of its inputs' values. */
export function shuffleOutput(rdd: RddCall, values: (role: "receiver" | number) => Shape): Shape {
  const left = values("receiver");
  switch (rdd.method) {
    case "join":
    case "leftOuterJoin":
    case "rightOuterJoin":
    case "fullOuterJoin":
      return pairShape({ kind: "tuple", length: 2, elements: [{ from: 0, shape: left }, { from: 1, shape: values(0) }] });
    case "cogroup": {
      const count = 1 + rdd.call.arguments.length;
      return pairShape({
        kind: "tuple",
        length: count,
        elements: Array.from({ length: count }, (_, i) => ({ from: i, shape: { kind: "array", element: i === 0 ? left : values(i - 1) } as Shape })),
      });
    }
    case "groupByKey":
      return pairShape({ kind: "array", element: left });
    default:
      return pairShape(left);
  }
}

/** The value part (element 1) of a row shape. */
export function valueOf(row: Shape): Shape {
  if (row.kind !== "tuple") return KEEP;
  return row.elements.find((e) => e.from === 1)?.shape ?? KEEP;
}

export function pairShape(value: Shape): Shape {
  return { kind: "tuple", length: 2, elements: [{ from: 0, shape: KEEP }, { from: 1, shape: value }] };
}

function sides(count: number, index: number, shape: Shape): Shape {
  return { kind: "tuple", length: count, elements: Array.from({ length: count }, (_, i) => ({ from: i, shape: i === index ? shape : KEEP })) };
}
