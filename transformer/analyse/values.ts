/**
 * What the code around an expression observes of its value, by following the value through lambdas as
 * written: property and literal-index reads, destructuring, const aliases, returns, literals that forward
 * fields, array methods on grouped values and calls of functions declared in the same file.
 * Anything else observes the whole value (an All demand carrying the reason).
 */
import type * as ts from "typescript";
import { keepsTypeModuloNullish, outerExpression, position, short, wrappersKeepType, type FileContext } from "../context.js";
import { functionOf, returningFunction, usesArguments, type FunctionLike } from "../find/functions.js";
import { ELEMENT, PRESENT, all, elementDemand, field, part, union, unionAll, type Demand } from "./demand.js";

const ARRAY_CALLBACK_METHODS = new Set(["map", "forEach", "filter", "some", "every", "find", "findIndex", "flatMap"]);

export class ValueAnalysis {
  private readonly returnDemands = new Map<FunctionLike, Demand>();
  private readonly active = new Set<string>();
  private readonly functionIds = new Map<FunctionLike, number>();

  constructor(private readonly fc: FileContext) {}

  /**
   * The demand of function `fnExpression` on its parameter `index` when its result is observed as
   * `returnDemand`. Functions the analysis cannot see observe everything.
   */
  parameterDemand(fnExpression: ts.Expression, index: number, returnDemand: Demand): Demand {
    const fn = functionOf(this.fc, fnExpression);
    if (!fn) return all(`the function \`${short(this.fc, fnExpression)}\` is not analysed (not declared in this file)`);
    const parameter = fn.parameters[index];
    if (parameter && (parameter.type || fn !== innerFunction(this.fc, fnExpression))) {
      // a declared parameter type may be wider than what the RDD passes (`readonly unknown[]` for a tuple)
      const expected = contextualParameterType(this.fc, fnExpression, index);
      if (!expected || !keepsTypeModuloNullish(this.fc.ts, this.fc.checker, expected, this.fc.checker.getTypeAtLocation(parameter))) {
        return all(`the parameter \`${short(this.fc, parameter)}\` is declared with another type than the value's`);
      }
    }
    return this.functionParameterDemand(fn, index, returnDemand);
  }

  /** `sourceType`, when known, is the static type of the value passed in: a wider parameter sees it whole. */
  functionParameterDemand(fn: FunctionLike, index: number, returnDemand: Demand, sourceType?: ts.Type): Demand {
    const { ts } = this.fc;
    if (!fn.body) return all("the function has no body");
    if (usesArguments(this.fc, fn)) return all("the function reads `arguments`");
    if (fn.asteriskToken || (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      return all("generator and async functions are not analysed");
    }
    if (fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === "this")) return all("the function declares `this`");
    const restIndex = fn.parameters.findIndex((p) => p.dotDotDotToken);
    if (restIndex >= 0 && index >= restIndex) return all("the value goes to a rest parameter");
    const parameter = fn.parameters[index];
    if (!parameter) return null;
    if (sourceType && !keepsTypeModuloNullish(ts, this.fc.checker, sourceType, this.fc.checker.getTypeAtLocation(parameter))) {
      return all(`the parameter \`${short(this.fc, parameter)}\` is declared with another type than the value's`);
    }
    const key = `${this.idOf(fn)}:${index}`;
    if (this.active.has(key)) return all("recursive function");
    this.active.add(key);
    const previous = this.returnDemands.get(fn);
    this.returnDemands.set(fn, returnDemand);
    try {
      const demand = this.bindingDemand(parameter.name, true);
      // a default runs when the value is undefined: keep the value as it is (present or absent)
      return parameter.initializer ? union(PRESENT, demand) : demand;
    } finally {
      this.active.delete(key);
      if (previous === undefined) this.returnDemands.delete(fn);
      else this.returnDemands.set(fn, previous);
    }
  }

  /** What the surroundings of `node` observe of its value. */
  usage(node: ts.Expression): Demand {
    const { ts } = this.fc;
    const expr = outerExpression(ts, node);
    const parent = expr.parent;
    if (!parent) return all("no context");
    if (!wrappersKeepType(ts, this.fc.checker, node, expr)) return all(`a type assertion changes the value's type at ${position(this.fc, expr)}`);
    if (ts.isPropertyAccessExpression(parent) && parent.expression === expr) return this.propertyUsage(expr, parent);
    if (ts.isElementAccessExpression(parent)) return this.elementUsage(expr, parent);
    if (ts.isVariableDeclaration(parent) && parent.initializer === expr) {
      const isConst = !!(ts.isVariableDeclarationList(parent.parent) && parent.parent.flags & ts.NodeFlags.Const);
      if (ts.isIdentifier(parent.name) && !isConst) return all("stored in a `let`/`var` variable");
      if (parent.type && !keepsTypeModuloNullish(ts, this.fc.checker, this.fc.checker.getTypeAtLocation(expr), this.fc.checker.getTypeAtLocation(parent.type))) {
        return all(`stored in a variable declared with another type at ${position(this.fc, parent)}`);
      }
      return this.bindingDemand(parent.name, isConst);
    }
    const returner = returningFunction(this.fc, expr);
    if (returner) {
      if (!this.returnDemands.has(returner)) return all("returned from a function the analysis does not follow");
      const signature = this.fc.checker.getSignatureFromDeclaration(returner);
      const returnType = signature && this.fc.checker.getReturnTypeOfSignature(signature);
      if (!returnType || !keepsTypeModuloNullish(ts, this.fc.checker, this.fc.checker.getTypeAtLocation(expr), returnType)) {
        return all(`returned as another type at ${position(this.fc, expr)}`);
      }
      return this.returnDemands.get(returner) ?? null;
    }
    if (ts.isCallExpression(parent) && parent.arguments.includes(expr)) return this.argumentUsage(expr, parent);
    if (ts.isArrayLiteralExpression(parent)) return this.arrayLiteralUsage(expr, parent);
    if (ts.isPropertyAssignment(parent) && parent.initializer === expr) {
      const key = propertyKey(this.fc, parent.name);
      if (key === undefined) return all("computed property name");
      if (hasBehaviour(this.fc, parent.parent)) return all("put in an object literal with methods or accessors (they may read it through `this`)");
      return part(this.usage(parent.parent), key);
    }
    if (ts.isShorthandPropertyAssignment(parent)) {
      if (hasBehaviour(this.fc, parent.parent)) return all("put in an object literal with methods or accessors (they may read it through `this`)");
      return part(this.usage(parent.parent), parent.name.text);
    }
    if (ts.isConditionalExpression(parent)) return parent.condition === expr ? PRESENT : this.usage(parent);
    if (ts.isBinaryExpression(parent)) return this.binaryUsage(expr, parent);
    if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) return PRESENT;
    if (ts.isExpressionStatement(parent) || ts.isVoidExpression(parent)) return null;
    if (
      (ts.isIfStatement(parent) || ts.isWhileStatement(parent) || ts.isDoStatement(parent)) &&
      parent.expression === expr
    ) {
      return PRESENT;
    }
    if (ts.isForOfStatement(parent) && parent.expression === expr) return this.forOfUsage(expr, parent);
    if (ts.isForInStatement(parent)) return all("iterated with for...in");
    if (ts.isSpreadElement(parent) || ts.isSpreadAssignment(parent)) return all("spread");
    return all(`used as ${ts.SyntaxKind[parent.kind]} at ${position(this.fc, expr)}`);
  }

  /** The demand on a value bound to `name` (identifier or destructuring pattern). */
  bindingDemand(name: ts.BindingName, isConst: boolean): Demand {
    const { ts } = this.fc;
    if (ts.isIdentifier(name)) {
      const symbol = this.fc.checker.getSymbolAtLocation(name);
      if (!symbol) return all("unresolved binding");
      const demands: Demand[] = [];
      for (const ref of this.fc.references(symbol)) {
        if (isWrite(this.fc, ref)) return all(`\`${name.text}\` is reassigned`);
        demands.push(this.usage(ref));
      }
      if (!isConst && demands.length === 0) return null;
      return unionAll(demands);
    }
    if (ts.isArrayBindingPattern(name)) {
      const type = this.fc.checker.getTypeAtLocation(name);
      const plainArray = this.fc.checker.isArrayType(type) && !this.fc.checker.isTupleType(type);
      if (!plainArray && !this.fc.checker.isTupleType(type)) return all("destructured value is not a tuple");
      let result: Demand = PRESENT;
      name.elements.forEach((element, index) => {
        if (ts.isOmittedExpression(element)) return;
        if (element.dotDotDotToken) {
          result = union(result, all("rest element in destructuring"));
          return;
        }
        result = union(result, field(plainArray ? ELEMENT : String(index), this.elementBindingDemand(element, isConst)));
      });
      return result;
    }
    let result: Demand = PRESENT;
    for (const element of name.elements) {
      if (element.dotDotDotToken) return all("rest element in object destructuring");
      const key = propertyKey(this.fc, element.propertyName ?? (element.name as ts.Identifier));
      if (key === undefined) return all("computed property in destructuring");
      result = union(result, field(key, this.elementBindingDemand(element, isConst)));
    }
    // `const { 0: first, length } = array`: indices read elements, `length` reads presence
    if (isPlainArray(this.fc, name)) return field(ELEMENT, elementDemand(result));
    return result;
  }

  /** A destructured element: its default runs when the part is undefined, so the part stays as it is. */
  private elementBindingDemand(element: ts.BindingElement, isConst: boolean): Demand {
    const demand = this.bindingDemand(element.name, isConst);
    return element.initializer ? union(PRESENT, demand) : demand;
  }

  private propertyUsage(expr: ts.Expression, access: ts.PropertyAccessExpression): Demand {
    const { ts } = this.fc;
    const name = access.name.text;
    if (isWrite(this.fc, access)) return all(`\`.${name}\` is written`);
    const call = access.parent;
    if (call && ts.isCallExpression(call) && call.expression === access) {
      if (isPlainArray(this.fc, expr)) return this.arrayMethodUsage(name, call);
      return all(`method \`${name}\` is called on the value`);
    }
    if (name === "length" && isPlainArray(this.fc, expr)) return PRESENT;
    return field(name, this.usage(access));
  }

  private elementUsage(expr: ts.Expression, access: ts.ElementAccessExpression): Demand {
    const { ts } = this.fc;
    if (access.expression !== expr) return all("used as an index");
    if (isWrite(this.fc, access)) return all("an element is written");
    const call = access.parent;
    if (call && ts.isCallExpression(call) && call.expression === access) return all("a method is called on the value");
    // any index of a plain array (not a tuple) reads "an element"
    if (isPlainArray(this.fc, expr)) return field(ELEMENT, this.usage(access));
    const key = literalKey(this.fc, access.argumentExpression);
    if (key !== undefined) return field(key, this.usage(access));
    return all(`dynamic index at ${position(this.fc, access)}`);
  }

  private arrayMethodUsage(method: string, call: ts.CallExpression): Demand {
    const callback = call.arguments[0];
    if (method === "reduce" && callback && call.arguments.length === 2) {
      if ((functionOf(this.fc, callback)?.parameters.length ?? 0) > 3) return all("reduce callback reads the whole array");
      return field(ELEMENT, this.parameterDemand(callback, 1, all("reduce accumulator")));
    }
    if (!ARRAY_CALLBACK_METHODS.has(method) || !callback || call.arguments.length !== 1) {
      return all(`array method \`${method}\` is not analysed`);
    }
    if ((functionOf(this.fc, callback)?.parameters.length ?? 0) > 2) return all("callback reads the whole array");
    const result = this.usage(call);
    // flatMap iterates what the callback returns: every element of it is observed, at least as present
    const returned: Demand =
      method === "map" ? part(result, ELEMENT) : method === "flatMap" ? field(ELEMENT, union(PRESENT, part(result, ELEMENT))) : method === "forEach" ? null : PRESENT;
    let element = this.parameterDemand(callback, 0, returned);
    if (method === "filter") element = union(element, part(result, ELEMENT));
    if (method === "find") element = union(element, result);
    return field(ELEMENT, element);
  }

  private argumentUsage(expr: ts.Expression, call: ts.CallExpression): Demand {
    const index = call.arguments.indexOf(expr);
    if (call.arguments.slice(0, index).some((a) => this.fc.ts.isSpreadElement(a))) return all("argument after a spread");
    const fn = functionOf(this.fc, call.expression);
    if (!fn) {
      return all(`passed to \`${short(this.fc, call.expression)}\`, which is not analysed`);
    }
    return this.functionParameterDemand(fn, index, this.usage(call), this.fc.checker.getTypeAtLocation(expr));
  }

  private arrayLiteralUsage(expr: ts.Expression, literal: ts.ArrayLiteralExpression): Demand {
    const index = literal.elements.indexOf(expr);
    if (literal.elements.slice(0, index).some((e) => this.fc.ts.isSpreadElement(e))) return all("element after a spread");
    const outer = this.usage(literal);
    return union(part(outer, String(index)), part(outer, ELEMENT));
  }

  private binaryUsage(expr: ts.Expression, binary: ts.BinaryExpression): Demand {
    const { ts } = this.fc;
    const op = binary.operatorToken.kind;
    switch (op) {
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.QuestionQuestionToken:
        return binary.left === expr ? union(PRESENT, this.usage(binary)) : this.usage(binary);
      case ts.SyntaxKind.EqualsEqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      case ts.SyntaxKind.EqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsToken: {
        const other = binary.left === expr ? binary.right : binary.left;
        return isNullish(this.fc, other) ? PRESENT : all("compared with another value");
      }
      case ts.SyntaxKind.CommaToken:
        return binary.left === expr ? null : this.usage(binary);
      case ts.SyntaxKind.InKeyword:
        return all("`in` operator");
      case ts.SyntaxKind.InstanceOfKeyword:
        return all("`instanceof`");
      default:
        if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) return all("stored by assignment");
        return all(`operand of \`${ts.tokenToString(op) ?? "operator"}\``);
    }
  }

  private forOfUsage(expr: ts.Expression, loop: ts.ForOfStatement): Demand {
    const { ts } = this.fc;
    if (!isPlainArray(this.fc, expr)) return all("iterated with for...of");
    const init = loop.initializer;
    if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1) return all("for...of target");
    return field(ELEMENT, this.bindingDemand(init.declarations[0].name, !!(init.flags & ts.NodeFlags.Const)));
  }

  private idOf(fn: FunctionLike): number {
    let id = this.functionIds.get(fn);
    if (id === undefined) this.functionIds.set(fn, (id = this.functionIds.size));
    return id;
  }
}

export function isWrite(fc: FileContext, node: ts.Expression): boolean {
  const { ts } = fc;
  const expr = outerExpression(ts, node);
  const parent = expr.parent;
  if (!parent) return false;
  if (ts.isBinaryExpression(parent) && parent.left === expr) {
    const op = parent.operatorToken.kind;
    return op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
  }
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
  }
  if (ts.isDeleteExpression(parent)) return true;
  if (ts.isArrayLiteralExpression(parent) || ts.isShorthandPropertyAssignment(parent) || ts.isPropertyAssignment(parent)) {
    // destructuring assignment targets: `[a, b] = ...`
    const host = ts.isArrayLiteralExpression(parent) ? parent : parent.parent;
    const top = host.parent;
    return !!top && ts.isBinaryExpression(top) && top.left === host && top.operatorToken.kind === ts.SyntaxKind.EqualsToken;
  }
  return (ts.isForInStatement(parent) || ts.isForOfStatement(parent)) && parent.initializer === expr;
}

/** An array type that is not a tuple: its elements are addressed as ELEMENT. */
export function isPlainArray(fc: FileContext, expr: ts.Node): boolean {
  const type = fc.checker.getNonNullableType(fc.checker.getTypeAtLocation(expr));
  return fc.checker.isArrayType(type) && !fc.checker.isTupleType(type);
}

export function literalKey(fc: FileContext, node: ts.Expression): string | undefined {
  const { ts } = fc;
  if (ts.isNumericLiteral(node)) return String(Number(node.text));
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}

export function propertyKey(fc: FileContext, name: ts.PropertyName): string | undefined {
  const { ts } = fc;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  return undefined;
}

function isNullish(fc: FileContext, node: ts.Expression): boolean {
  const { ts } = fc;
  return (
    node.kind === ts.SyntaxKind.NullKeyword ||
    (ts.isIdentifier(node) && node.text === "undefined") ||
    ts.isVoidExpression(node)
  );
}


/** Object literals whose members may read the literal through `this`: methods and accessors. */
function hasBehaviour(fc: FileContext, literal: ts.ObjectLiteralExpression): boolean {
  const { ts } = fc;
  return literal.properties.some((p) => ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p));
}

/**
 * The function expression itself when `fnExpression` is written inline, in parentheses at most. A cast
 * (`as`, `<T>`, `satisfies`) gives the function's parameters its own contextual type, which may be wider than
 * the values passed: such a function is compared like a named one.
 */
function innerFunction(fc: FileContext, fnExpression: ts.Expression): FunctionLike | undefined {
  const { ts } = fc;
  let inner: ts.Expression = fnExpression;
  while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
  return ts.isArrowFunction(inner) || ts.isFunctionExpression(inner) ? inner : undefined;
}

/** The type the call passing `fnExpression` gives parameter `index` of it (from the callee's signature). */
function contextualParameterType(fc: FileContext, fnExpression: ts.Expression, index: number): ts.Type | undefined {
  const contextual = fc.checker.getContextualType(fnExpression);
  if (!contextual) return undefined;
  const signatures = fc.checker.getSignaturesOfType(fc.checker.getNonNullableType(contextual), fc.ts.SignatureKind.Call);
  if (signatures.length !== 1) return undefined;
  const parameter = signatures[0].getParameters()[index];
  return parameter && fc.checker.getTypeOfSymbol(parameter);
}
