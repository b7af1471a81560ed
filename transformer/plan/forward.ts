/**
 * Follows a pruned value downstream and records the edits that make code read the new shape: literal
 * indices renumbered, array destructuring patterns compacted. Objects keep their property names, so only
 * tuples need edits. Anything this pass cannot follow throws Unsupported (the caller then falls back to a
 * projection that keeps every position).
 */
import type * as ts from "typescript";
import { Unsupported, innerExpression, outerExpression, type FileContext } from "../context.js";
import { functionOf, functionSymbol, helperCallSites, isReachableFromOutside, type FunctionLike } from "../find/functions.js";
import { rddUses } from "../find/graph.js";
import type { RddCall } from "../find/rdd-calls.js";
import { operatorOf, pairShape, type Role } from "../operators.js";
import { literalKey, propertyKey } from "../analyse/values.js";
import { KEEP, isKeep, keepsPositions, type Shape } from "./shape.js";
import { fieldwiseCombiner, zeroFields } from "../analyse/fieldwise.js";
import type { Edit, Edits } from "./edits.js";

/** A shuffle input that has its own projection: the forward pass records the shape reaching it and stops. */
export type ProjectionSink = (rdd: RddCall, role: Role, arriving: Shape | undefined) => boolean;

export class Forward {
  constructor(
    private readonly fc: FileContext,
    private readonly edits: Edits,
    private readonly sink: ProjectionSink,
  ) {}

  /**
   * A function that is rewritten for one shape must be used only here: written inline, or named and
   * referenced once, and not exported (other modules may call it with other values).
   */
  private requireOnlyUse(fnExpression: ts.Expression, fn: FunctionLike): void {
    const inner = outerExpression(this.fc.ts, fnExpression);
    if (this.fc.ts.isArrowFunction(inner) || this.fc.ts.isFunctionExpression(inner)) return;
    const symbol = functionSymbol(this.fc, fn);
    if (!symbol || this.fc.references(symbol).length !== 1) {
      throw new Unsupported(`\`${symbol?.name ?? "function"}\` is used in more than one place`);
    }
    if (isReachableFromOutside(this.fc, fn)) throw new Unsupported(`\`${symbol.name}\` is exported: other modules may call it with other values`);
  }

  /** Records an edit; code in other files (read through in cross-file mode) is never rewritten. */
  private edit(node: ts.Node, edit: Edit): void {
    if (!this.fc.isLocal(node)) throw new Unsupported("the pruned value reaches code in another file, which is never rewritten");
    this.edits.add(node, edit);
  }

  /**
   * A shuffle whose inputs now carry values of `values(role)`: rewrite the shuffle's own functions that read
   * them, then its output rows (the method's forward rule, transformer/operators.ts).
   */
  shuffle(rdd: RddCall, values: (role: Role) => Shape): void {
    this.follow(rdd, "receiver", (role) => pairShape(values(role)));
  }

  /** The rows of RDD `expression` now have `shape`. */
  rdd(expression: ts.Expression, shape: Shape): void {
    if (keepsPositions(shape)) return;
    for (const use of rddUses(this.fc, expression, true)) {
      if (use.kind === "escape") throw new Unsupported(`a pruned RDD escapes: ${use.reason}`);
      if (operatorOf(use.rdd.method)?.rows !== "any" && !keyIntact(shape)) {
        throw new Unsupported(`rows reaching \`${use.rdd.method}\` are no longer [key, value] pairs`);
      }
      // a projection waiting here reads [key, value] rows: rows whose key moved (a compacted pair value after
      // `.values()`) are not what it reads, so upstream keeps positions instead
      if (!keyIntact(shape) && this.sink(use.rdd, use.role, undefined)) {
        throw new Unsupported(`rows reaching the pruned \`${use.rdd.method}\` are no longer [key, value] pairs`);
      }
      if (this.sink(use.rdd, use.role, valueOf(shape))) continue;
      this.follow(use.rdd, use.role, (role) => (role === use.role ? shape : KEEP));
    }
  }

  private follow(rdd: RddCall, role: Role, rows: (role: Role) => Shape): void {
    const rule = operatorOf(rdd.method)?.forward;
    if (!rule) throw new Unsupported(`a pruned value reaches \`${rdd.method}\`, which the rewrite does not follow`);
    const args = rdd.call.arguments;
    const argument = (i: number): ts.Expression => {
      if (!args[i]) throw new Unsupported("missing function argument");
      return args[i];
    };
    rule({
      role,
      arity: args.length,
      row: (r = role) => rows(r),
      value: (r = role) => valueOf(rows(r)),
      fn: (i, shape, parameter = 0) => this.parameter(argument(i), parameter, shape),
      output: (shape) => this.rdd(rdd.call, shape),
      fnReturning: (i, shape, returned) => this.withReturnSink(argument(i), returned, () => this.parameter(argument(i), 0, shape)),
      combiner: (i, shape, zeroArg) => this.combiner(argument(i), shape, zeroArg === undefined ? undefined : argument(zeroArg)),
    });
  }

  /**
   * A field-wise combiner now combines values of `shape`: its returned literal (and the zero value) are
   * pruned to the same shape, and the reads in the kept fields renumbered. Dropped fields' computations go
   * with them (the demand rule proved them droppable).
   */
  private combiner(fnExpression: ts.Expression, shape: Shape, zero: ts.Expression | undefined): void {
    if (isKeep(shape)) return;
    const combiner = fieldwiseCombiner(this.fc, fnExpression);
    if (typeof combiner === "string") throw new Unsupported(`a pruned value reaches a combiner that is not field-wise: ${combiner}`);
    if (shape.kind !== "tuple" && shape.kind !== "object") throw new Unsupported("a combiner of a value that is not a tuple or object");
    this.requireOnlyUse(fnExpression, combiner.fn);
    const keptKey = (key: string): boolean => (shape.kind === "tuple" ? shape.elements.some((e) => String(e.from) === key) : shape.properties.some((p) => p.name === key));
    this.edit(combiner.literal, { kind: "pruneLiteral", shape });
    for (const parameter of combiner.fn.parameters) {
      const symbol = this.fc.checker.getSymbolAtLocation(parameter.name as ts.Identifier);
      for (const ref of symbol ? this.fc.references(symbol) : []) {
        const field = combiner.fields.find((f) => ref.pos >= f.expression.pos && ref.end <= f.expression.end);
        if (field && keptKey(field.key)) this.value(ref, shape);
      }
    }
    if (zero) {
      const fields = zeroFields(this.fc, zero, combiner);
      if (typeof fields === "string") throw new Unsupported(fields);
      this.edit(innerExpression(this.fc.ts, zero), { kind: "pruneLiteral", shape });
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
    this.requireOnlyUse(fnExpression, fn);
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
    this.edit(pattern, { kind: "pattern", kept });
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
      this.edit(access.argumentExpression, { kind: "index", position });
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

/** The value part (element 1) of a row shape. */
export function valueOf(row: Shape): Shape {
  if (row.kind !== "tuple") return KEEP;
  return row.elements.find((e) => e.from === 1)?.shape ?? KEEP;
}
