/**
 * Closures for worker threads: whether a user function may run in a worker, and how a worker rebuilds it.
 *
 * A function can only leave the main thread as source text. It is rebuilt in the worker with what it
 * captured: the rddopt transformer annotates the functions it sees with a {@link ClosureInfo} (captured
 * values, module imports, same-file functions, or why it must stay in process). A function without one (a
 * plain `tsc` build) goes to a worker only when parsing its source proves that it has no free variables
 * besides a few pure globals and writes nothing but its own locals; anything else runs in process.
 *
 * Only functions that are effect-free in this sense ever run in workers, so running one again in process
 * after a worker failed is safe: that is the scheduler's safety net.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "acorn";
import { cachedOnce } from "./bounded-cache.js";

/** The property (a global symbol, so any copy of the runtime and the transformer's output agree) holding a function's ClosureInfo. */
export const CLOSURE: unique symbol = Symbol.for("rddopt.closure") as never;

export interface ClosureInfo {
  v: 1;
  /** Free variables captured by value: called once when a stage is shipped; values go through the codec. */
  values?: () => Record<string, unknown>;
  /** Free variables bound to module imports: local name -> { from: absolute file: URL (or node: / bare resolved URL) of the module, name: export name, "default", or "*" for the namespace }. */
  imports?: Record<string, { from: string; name: string }>;
  /** Free variables bound to functions of the same file: name -> the function value (a getter) and its own captures. */
  functions?: Record<string, { fn: () => Function; info: ClosureInfo }>;
  /** Present when the function must run in process (writes captured state, captures a changing `let`, a class instance, `this`, ...): the reason. */
  inProcess?: string;
}

/** What a worker needs to rebuild one function: a `new Function` body, the captured values and the imports it binds. */
export interface ShippedFunction {
  /** Body of `new Function("__values", "__imports", body)`, which returns the function. */
  body: string;
  /** Captured values by name (encoded by the caller with the stage's codec). */
  values: Record<string, unknown>;
  /** Local name -> module and export to bind before the body runs. */
  imports: Record<string, { from: string; name: string }>;
}

export type Shippable = { ok: true; fn: ShippedFunction } | { ok: false; reason: string };

/** The ClosureInfo the transformer attached to `fn`, if any. */
export function closureOf(fn: Function): ClosureInfo | undefined {
  const info = (fn as unknown as Record<symbol, unknown>)[CLOSURE];
  return typeof info === "object" && info !== null && (info as ClosureInfo).v === 1 ? (info as ClosureInfo) : undefined;
}

/** Annotates `fn` (non-enumerable, as the transformer does); for tests and hand-written code. */
export function withClosure<F extends Function>(fn: F, info: ClosureInfo): F {
  Object.defineProperty(fn, CLOSURE, { value: info, enumerable: false, configurable: true });
  return fn;
}

/** How to rebuild `fn` in a worker, or why it must run in process. Values are read now (once per shipped stage). */
export function shipFunction(fn: Function): Shippable {
  if (typeof fn !== "function") return { ok: false, reason: "not a function" };
  const info = closureOf(fn);
  if (info) return shipAnnotated(fn, info); // its values are read anew for every shipped stage
  let plain = plainVerdicts.get(fn);
  if (!plain) plainVerdicts.set(fn, (plain = shipPlain(fn))); // a plain function's source never changes: parse it once
  return plain;
}

const plainVerdicts = new WeakMap<Function, Shippable>();

// ------------------------------------------------------------ annotated functions

function shipAnnotated(root: Function, rootInfo: ClosureInfo): Shippable {
  const values: Record<string, unknown> = {};
  const imports: Record<string, { from: string; name: string }> = {};
  const functions = new Map<string, Function>();
  const lines: string[] = [];
  const bound = new Map<string, string>(); // name -> what binds it, to find two different bindings of one name
  const bind = (name: string, what: string): string | undefined => {
    if (!IDENTIFIER.test(name)) return `captured name ${JSON.stringify(name)} is not an identifier`;
    const before = bound.get(name);
    if (before !== undefined && before !== what) return `two different captures are both named ${name}`;
    bound.set(name, what);
    return undefined;
  };
  const visit = (fn: Function, info: ClosureInfo, label: string): string | undefined => {
    if (info.inProcess) return `${label}: ${info.inProcess}`;
    const source = functionSource(fn);
    if (!source.ok) return `${label}: ${source.reason}`;
    let captured: Record<string, unknown>;
    try {
      captured = info.values?.() ?? {};
    } catch (e) {
      return `${label}: reading its captured values threw (${e instanceof Error ? e.message : String(e)})`;
    }
    for (const [name, value] of Object.entries(captured)) {
      const problem = valueProblem(value);
      if (problem) return `${label}: captured ${name} is ${problem}`;
      if (name in values && !Object.is(values[name], value)) return `two different captured values are both named ${name}`;
      const clash = bind(name, "value");
      if (clash) return clash;
      values[name] = value;
    }
    for (const [name, spec] of Object.entries(info.imports ?? {})) {
      const bad = importProblem(spec.from);
      if (bad) return `${label}: import ${name} ${bad}`;
      const clash = bind(name, `import ${spec.name} from ${spec.from}`);
      if (clash) return clash;
      imports[name] = { from: spec.from, name: spec.name };
    }
    for (const [name, entry] of Object.entries(info.functions ?? {})) {
      let helper: Function;
      try {
        helper = entry.fn();
      } catch (e) {
        return `${label}: same-file function ${name} is not initialised yet (${e instanceof Error ? e.message : String(e)})`;
      }
      const seen = functions.get(name);
      if (seen === helper) continue; // already flattened (recursion, or shared by two functions)
      if (seen !== undefined) return `two different same-file functions are both named ${name}`;
      const clash = bind(name, "function");
      if (clash) return clash;
      functions.set(name, helper);
      const helperSource = functionSource(helper);
      if (!helperSource.ok) return `same-file function ${name}: ${helperSource.reason}`;
      lines.push(`let ${name} = (${helperSource.text});`);
      const problem = visit(helper, entry.info, `same-file function ${name}`);
      if (problem) return problem;
    }
    return undefined;
  };
  const problem = visit(root, rootInfo, "the function");
  if (problem) return { ok: false, reason: problem };
  const rootSource = functionSource(root);
  if (!rootSource.ok) return { ok: false, reason: rootSource.reason };
  const head = [...Object.keys(values)].map((n) => `const ${n} = __values[${JSON.stringify(n)}];`);
  head.push(...Object.keys(imports).map((n) => `const ${n} = __imports[${JSON.stringify(n)}];`));
  const body = [`"use strict";`, ...head, ...lines, `return (${rootSource.text});`].join("\n");
  return { ok: true, fn: { body, values, imports } };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Why a worker cannot import this module as the main thread did (undefined when it can): a relative
 * specifier would resolve against the runtime's own file, and the program's entry script would run the
 * whole program again in the worker.
 */
function importProblem(from: string): string | undefined {
  if (/^\.{0,2}\//.test(from) || /^[A-Za-z]:[\\/]/.test(from)) return `comes from ${from}, a path rather than a file: URL, node: or package specifier`;
  const main = process.argv[1];
  if (main && from.startsWith("file:")) {
    try {
      if (fileURLToPath(from) === path.resolve(main)) return `comes from the program's entry script ${main} (importing it in a worker would run the program there again)`;
    } catch {
      return `comes from ${from}, which is not a valid file: URL`;
    }
  }
  return undefined;
}

/** Why a captured value cannot be shipped by value (undefined when it can): the codec carries plain data only. */
function valueProblem(value: unknown, depth = 0): string | undefined {
  if (value === null || typeof value !== "object") {
    if (typeof value === "function") return "a function (capture it as a same-file function or an import)";
    if (typeof value === "symbol") return "a symbol";
    return undefined;
  }
  if (depth > 64) return "nested too deeply";
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    for (const item of value as unknown[]) {
      const p = valueProblem(item, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  if (proto === Map.prototype || proto === Set.prototype || proto === Date.prototype || ArrayBuffer.isView(value)) return undefined;
  if (proto !== Object.prototype && proto !== null) return "a class instance (it would lose its class in a worker)";
  for (const key of Object.keys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if (d.get || d.set) return `an object with a getter or setter (${key})`;
    const p = valueProblem(d.value, depth + 1);
    if (p) return p;
  }
  return undefined;
}

// ------------------------------------------------------------ un-annotated functions

/**
 * Globals a plain function may read: values and pure functions only. Their methods that write their
 * argument (Object.assign, Object.defineProperty, ...) are rejected by name in {@link analyse}.
 */
const PURE_GLOBALS = new Set([
  "undefined", "NaN", "Infinity", "Math", "JSON", "Number", "String", "Boolean", "BigInt", "Array", "Object",
  "isNaN", "isFinite", "parseInt", "parseFloat", "Map", "Set", "Error", "TypeError", "RangeError",
  "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "Symbol", "RegExp",
]);

/** Methods that mutate their receiver (arrays, typed arrays, Map, Set): never called, even on locals, to stay simple and safe. */
const MUTATING_METHODS = new Set([
  "push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin", "set", "add", "delete", "clear",
  "assign", "defineProperty", "defineProperties", "setPrototypeOf", "freeze", "seal", "preventExtensions", "__defineGetter__",
  "__defineSetter__", "call", "apply", "bind",
  // Reaching the Function constructor (r.constructor.constructor("...")) would run arbitrary code.
  "constructor", "__proto__", "__lookupGetter__", "__lookupSetter__",
]);

const freshArrayFunctions = new WeakMap<Function, boolean>();

/**
 * Whether every call of `fn` returns a new array built by an array literal with no holes: `v => [v[0], 1]`, or
 * a (non-async, non-generator) function whose body is one `return [...]`. Such an array has the ordinary
 * prototype, no holes and no extra properties, and no one else holds it when the call returns: what a shuffle
 * writer otherwise checks per value (exchange.ts). Read from the function's source, once per function.
 */
export function returnsFreshArray(fn: Function): boolean {
  let fresh = freshArrayFunctions.get(fn);
  if (fresh === undefined) {
    const source = functionSource(fn);
    fresh = source.ok && isFreshArrayFunction(source.node);
    freshArrayFunctions.set(fn, fresh);
  }
  return fresh;
}

function isFreshArrayFunction(fn: AstNode): boolean {
  if (fn.async || fn.generator) return false;
  const result = returnedExpression(fn);
  // a null element is a hole (`[1, , 2]`); a spread element makes dense elements
  return result?.type === "ArrayExpression" && (result.elements as unknown[]).every((e) => e !== null);
}

const fieldwiseSums = new WeakMap<Function, { fields: number; firstOperandFirst: boolean } | undefined>();

/**
 * How `fn` adds its two arguments, read from its source (once per function): 0 for `(a, b) => a + b`, n for
 * `(a, b) => [a[0] + b[0], ..., a[n-1] + b[n-1]]` (each sum either way round: number addition commutes),
 * undefined for anything else. On numbers (or arrays of n numbers) every call then returns exactly the sums of
 * their fields, in a new array for n > 0, and reads nothing but those elements: what lets a reduceByKey keep its
 * running sums in typed arrays (combine.ts SumMerger). Other arguments (strings, bigints) it is not used for.
 */
export function fieldwiseSum(fn: Function): number | undefined {
  return fieldwiseSumOf(fn)?.fields;
}

/**
 * fieldwiseSum, and whether every field reads its first argument's element before its second's
 * (`a[i] + b[i]`, not `b[i] + a[i]`): what lets the map side (combine.ts SumCombiner) read the values' fields
 * in the very order the function would, for values whose reads could be seen (getters, proxies).
 */
export function fieldwiseSumOf(fn: Function): { fields: number; firstOperandFirst: boolean } | undefined {
  if (fieldwiseSums.has(fn)) return fieldwiseSums.get(fn);
  const source = functionSource(fn);
  const found = source.ok ? sumFields(source.node) : undefined;
  fieldwiseSums.set(fn, found);
  return found;
}

function sumFields(fn: AstNode): { fields: number; firstOperandFirst: boolean } | undefined {
  const params = fn.params as AstNode[];
  if (fn.async || fn.generator || params.length !== 2 || params.some((p) => p.type !== "Identifier")) return undefined;
  const [a, b] = params.map((p) => p.name as string) as [string, string];
  if (a === b) return undefined;
  const result = returnedExpression(fn);
  const isName = (node: AstNode, name: string) => node.type === "Identifier" && node.name === name;
  let firstOperandFirst = true;
  // `node` is `x + y` where x and y are `operand` of a and of b, either way round
  const isSum = (node: AstNode, operand: (n: AstNode, name: string) => boolean) => {
    if (node.type !== "BinaryExpression" || node.operator !== "+") return false;
    if (operand(node.left as AstNode, a) && operand(node.right as AstNode, b)) return true;
    if (!(operand(node.left as AstNode, b) && operand(node.right as AstNode, a))) return false;
    firstOperandFirst = false;
    return true;
  };
  if (!result) return undefined;
  if (isSum(result, isName)) return { fields: 0, firstOperandFirst };
  if (result.type !== "ArrayExpression") return undefined;
  const elements = result.elements as (AstNode | null)[];
  const ok = elements.every((e, i) => {
    const isElement = (node: AstNode, name: string) =>
      node.type === "MemberExpression" &&
      node.computed === true &&
      !node.optional &&
      isName(node.object as AstNode, name) &&
      (node.property as AstNode).type === "Literal" &&
      (node.property as AstNode).value === i;
    return e !== null && isSum(e, isElement);
  });
  return ok && elements.length > 0 ? { fields: elements.length, firstOperandFirst } : undefined;
}

/** What a function returns when its body is one expression, or one `return` of an expression. */
function returnedExpression(fn: AstNode): AstNode | undefined {
  let result = fn.body as AstNode;
  if (result.type === "BlockStatement") {
    const statements = result.body as AstNode[];
    const only = statements.length === 1 ? statements[0]! : undefined;
    if (!only || only.type !== "ReturnStatement" || !only.argument) return undefined;
    result = only.argument as AstNode;
  }
  while (result.type === "ParenthesizedExpression") result = result.expression as AstNode;
  return result;
}

/** The function's source as acorn sees it: an arrow function or a `function` expression or declaration. */
function functionSource(fn: Function): { ok: true; text: string; node: AstNode } | { ok: false; reason: string } {
  let text: string;
  try {
    text = Function.prototype.toString.call(fn);
  } catch {
    return { ok: false, reason: "its source is not readable" };
  }
  const parsed = parsedFunctionSource(text);
  return typeof parsed === "string" ? { ok: false, reason: parsed } : { ok: true, text, node: parsed };
}

/**
 * Parsed function sources by text, so a job that builds its lambdas anew each run parses each source once, not
 * once per job (acorn took about 0.7 ms a job on the peers' join cell). The verdict depends on the text alone,
 * and the nodes are only read. Bounded (cachedOnce).
 */
const parsedSources = new Map<string, AstNode | string>();

/** The function expression `text` parses to, or why it is not one. */
const parsedFunctionSource = (text: string): AstNode | string => cachedOnce(parsedSources, text, () => parseFunctionSource(text));

function parseFunctionSource(text: string): AstNode | string {
  let program: AstNode;
  try {
    program = parse(`(${text})`, { ecmaVersion: "latest", sourceType: "script" }) as unknown as AstNode;
  } catch {
    return "its source is not an arrow function or function expression (a method, a bound or native function?)";
  }
  const body = program.body as AstNode[];
  const expr = body.length === 1 && body[0]!.type === "ExpressionStatement" ? (body[0]!.expression as AstNode) : undefined;
  if (!expr || (expr.type !== "ArrowFunctionExpression" && expr.type !== "FunctionExpression")) {
    return "its source is not an arrow function or function expression (a class or method?)";
  }
  return expr;
}

function shipPlain(fn: Function): Shippable {
  const source = functionSource(fn);
  if (!source.ok) return { ok: false, reason: `not annotated by the rddopt transformer and ${source.reason}` };
  const problem = analyse(source.node);
  if (problem) return { ok: false, reason: `not annotated by the rddopt transformer and ${problem}` };
  return { ok: true, fn: { body: `"use strict";\nreturn (${source.text});`, values: {}, imports: {} } };
}

/** Why the source of a plain function is not provably effect-free and self-contained (undefined when it is). */
export function analyseFunctionSource(text: string): string | undefined {
  let program: AstNode;
  try {
    program = parse(`(${text})`, { ecmaVersion: "latest", sourceType: "script" }) as unknown as AstNode;
  } catch {
    return "its source does not parse as a function expression";
  }
  const body = program.body as AstNode[];
  const expr = body.length === 1 ? (body[0]!.expression as AstNode | undefined) : undefined;
  if (!expr || (expr.type !== "ArrowFunctionExpression" && expr.type !== "FunctionExpression")) return "it is not a function expression";
  return analyse(expr);
}

interface AstNode {
  type: string;
  [key: string]: unknown;
}

/** A lexical scope: the names declared in it. */
interface Scope {
  names: Set<string>;
  parent: Scope | undefined;
}

const isNode = (v: unknown): v is AstNode => typeof v === "object" && v !== null && typeof (v as AstNode).type === "string";

/**
 * Walks the function with real scopes (var and function declarations hoisted to the function, let/const/class
 * to the block, catch parameters to the clause): every identifier read must resolve to a local or a pure
 * global, every write must target a local variable, and no member write, delete or mutating call may appear.
 */
function analyse(root: AstNode): string | undefined {
  let problem: string | undefined;
  const fail = (why: string) => {
    problem ??= why;
  };
  const resolves = (scope: Scope | undefined, name: string): boolean => {
    for (let s = scope; s; s = s.parent) if (s.names.has(name)) return true;
    return false;
  };

  const declarePattern = (pattern: unknown, names: Set<string>): void => {
    if (!isNode(pattern)) return;
    switch (pattern.type) {
      case "Identifier":
        names.add(pattern.name as string);
        return;
      case "ObjectPattern":
        for (const p of pattern.properties as AstNode[]) declarePattern(p.type === "RestElement" ? p.argument : p.value, names);
        return;
      case "ArrayPattern":
        for (const e of pattern.elements as unknown[]) declarePattern(e, names);
        return;
      case "RestElement":
        return declarePattern(pattern.argument, names);
      case "AssignmentPattern":
        return declarePattern(pattern.left, names);
    }
  };

  /** Names a block declares (let/const/class, and function declarations inside blocks as in strict mode). */
  const blockNames = (statements: unknown[], names: Set<string>): void => {
    for (const s of statements) {
      if (!isNode(s)) continue;
      if (s.type === "VariableDeclaration" && s.kind !== "var") for (const d of s.declarations as AstNode[]) declarePattern(d.id, names);
      if ((s.type === "ClassDeclaration" || s.type === "FunctionDeclaration") && isNode(s.id)) names.add(s.id.name as string);
    }
  };

  /** `var` names anywhere in a function body, not inside nested functions. */
  const varNames = (node: unknown, names: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((n) => varNames(n, names));
    if (!isNode(node)) return;
    if (node.type === "FunctionExpression" || node.type === "FunctionDeclaration" || node.type === "ArrowFunctionExpression") return;
    if (node.type === "VariableDeclaration" && node.kind === "var") for (const d of node.declarations as AstNode[]) declarePattern(d.id, names);
    for (const key of Object.keys(node)) if (key !== "type") varNames(node[key], names);
  };

  /** Checks an assignment target: only local variables (directly or in a destructuring pattern). */
  const checkTarget = (target: unknown, scope: Scope): void => {
    if (!isNode(target)) return;
    switch (target.type) {
      case "Identifier":
        if (!resolves(scope, target.name as string)) fail(`it assigns to ${target.name as string}, which is not its own local`);
        return;
      case "MemberExpression":
        fail("it writes a property (an object it did not create may be shared with the caller)");
        return;
      case "ObjectPattern":
        for (const p of target.properties as AstNode[]) {
          if (p.type === "RestElement") checkTarget(p.argument, scope);
          else {
            if (p.computed) walk(p.key, scope);
            checkTarget(p.value, scope);
          }
        }
        return;
      case "ArrayPattern":
        for (const e of target.elements as unknown[]) checkTarget(e, scope);
        return;
      case "RestElement":
        return checkTarget(target.argument, scope);
      case "AssignmentPattern":
        checkTarget(target.left, scope);
        walk(target.right, scope);
        return;
      default:
        fail(`it assigns to a ${target.type}`);
    }
  };

  const enterFunction = (fn: AstNode, outer: Scope | undefined): void => {
    const names = new Set<string>();
    // `arguments` is never a local: an arrow's is its caller's, and a function's own aliases its parameters in
    // sloppy mode but not in the strict-mode body a worker evaluates.
    // A nested function expression's name is its own binding. The root's is not provably so: its text may be a
    // declaration, whose name is a variable of the enclosing scope that code there may reassign.
    if (fn.type === "FunctionExpression" && isNode(fn.id) && fn !== root) names.add(fn.id.name as string);
    for (const p of fn.params as AstNode[]) declarePattern(p, names);
    const body = fn.body as AstNode;
    if (body.type === "BlockStatement") {
      varNames(body.body, names);
      blockNames(body.body as unknown[], names);
    }
    const scope: Scope = { names, parent: outer };
    for (const p of fn.params as AstNode[]) walkPattern(p, scope);
    if (body.type === "BlockStatement") for (const s of body.body as unknown[]) walk(s, scope);
    else walk(body, scope);
  };

  /** Default values and computed keys inside a declaration pattern are expressions to check. */
  const walkPattern = (pattern: unknown, scope: Scope): void => {
    if (!isNode(pattern)) return;
    if (pattern.type === "AssignmentPattern") {
      walkPattern(pattern.left, scope);
      walk(pattern.right, scope);
    } else if (pattern.type === "ObjectPattern") {
      for (const p of pattern.properties as AstNode[]) {
        if (p.type === "RestElement") walkPattern(p.argument, scope);
        else {
          if (p.computed) walk(p.key, scope);
          walkPattern(p.value, scope);
        }
      }
    } else if (pattern.type === "ArrayPattern") {
      for (const e of pattern.elements as unknown[]) walkPattern(e, scope);
    } else if (pattern.type === "RestElement") walkPattern(pattern.argument, scope);
  };

  const propertyName = (member: AstNode): string | undefined => {
    const prop = member.property as AstNode;
    if (!member.computed && prop.type === "Identifier") return prop.name as string;
    if (prop.type === "Literal") return String(prop.value);
    return undefined;
  };

  const walk = (node: unknown, scope: Scope): void => {
    if (problem || !isNode(node)) return;
    switch (node.type) {
      case "Identifier": {
        const name = node.name as string;
        if (!resolves(scope, name) && !PURE_GLOBALS.has(name)) fail(`it reads ${name}, which is neither its own local nor a pure global`);
        return;
      }
      case "ThisExpression":
        return fail("it uses `this`");
      case "Super":
        return fail("it uses `super`");
      case "MetaProperty":
        return fail("it uses import.meta or new.target");
      case "ImportExpression":
        return fail("it imports a module");
      case "WithStatement":
        return fail("it uses `with`");
      case "ArrowFunctionExpression":
      case "FunctionExpression":
        return enterFunction(node, scope);
      case "FunctionDeclaration":
        return enterFunction(node, scope); // its name was declared in the enclosing block or function
      case "ClassDeclaration":
      case "ClassExpression":
        return fail("it defines a class");
      case "BlockStatement":
      case "StaticBlock": {
        const names = new Set<string>();
        blockNames(node.body as unknown[], names);
        const inner: Scope = { names, parent: scope };
        for (const s of node.body as unknown[]) walk(s, inner);
        return;
      }
      case "SwitchStatement": {
        walk(node.discriminant, scope);
        const names = new Set<string>();
        for (const c of node.cases as AstNode[]) blockNames(c.consequent as unknown[], names);
        const inner: Scope = { names, parent: scope };
        for (const c of node.cases as AstNode[]) {
          walk(c.test, inner);
          for (const s of c.consequent as unknown[]) walk(s, inner);
        }
        return;
      }
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement": {
        const names = new Set<string>();
        const head = (node.type === "ForStatement" ? node.init : node.left) as AstNode | null;
        if (head && head.type === "VariableDeclaration" && head.kind !== "var") for (const d of head.declarations as AstNode[]) declarePattern(d.id, names);
        const inner: Scope = { names, parent: scope };
        if (node.type === "ForStatement") {
          walk(node.init, inner);
          walk(node.test, inner);
          walk(node.update, inner);
        } else {
          if (head && head.type !== "VariableDeclaration") checkTarget(head, inner);
          else walk(head, inner);
          walk(node.right, inner);
        }
        walk(node.body, inner);
        return;
      }
      case "CatchClause": {
        const names = new Set<string>();
        declarePattern(node.param, names);
        const inner: Scope = { names, parent: scope };
        walkPattern(node.param, inner);
        walk(node.body, inner);
        return;
      }
      case "VariableDeclarator":
        walkPattern(node.id, scope);
        walk(node.init, scope);
        return;
      case "AssignmentExpression":
        checkTarget(node.left, scope);
        walk(node.right, scope);
        return;
      case "UpdateExpression":
        checkTarget(node.argument, scope);
        return;
      case "UnaryExpression":
        if (node.operator === "delete") return fail("it deletes a property");
        walk(node.argument, scope);
        return;
      case "MemberExpression": {
        const name = propertyName(node);
        if (name !== undefined && MUTATING_METHODS.has(name)) return fail(`it uses .${name}, which may change its receiver`);
        walk(node.object, scope);
        if (node.computed) walk(node.property, scope);
        return;
      }
      case "CallExpression":
      case "NewExpression": {
        const callee = node.callee as AstNode;
        if (callee.type === "MemberExpression" && callee.computed && propertyName(callee) === undefined) {
          return fail("it calls a method chosen at run time (obj[expr](...))");
        }
        walk(callee, scope);
        for (const a of node.arguments as unknown[]) walk(a, scope);
        return;
      }
      case "Property":
      case "PropertyDefinition":
      case "MethodDefinition":
        if (node.computed) walk(node.key, scope);
        if (node.kind === "get" || node.kind === "set") return fail("it defines a getter or setter");
        walk(node.value, scope);
        return;
      case "LabeledStatement":
        walk(node.body, scope);
        return;
      case "BreakStatement":
      case "ContinueStatement":
        return; // labels are not variables
      case "ChainExpression":
        walk(node.expression, scope);
        return;
      default:
        for (const key of Object.keys(node)) {
          if (key === "type" || key === "start" || key === "end") continue;
          const child = node[key];
          if (Array.isArray(child)) for (const c of child) walk(c, scope);
          else walk(child, scope);
        }
    }
  };

  enterFunction(root, undefined);
  return problem;
}

// ------------------------------------------------------------ in the worker

/**
 * A real dynamic import in both builds: the CommonJS build turns `import()` into `require()`, which takes
 * neither file: URLs nor ES modules. Hosts that run modules in a vm context without a dynamic-import hook
 * (vitest) reject it there; the module's own `import()` then serves.
 */
const nativeImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;

async function importModule(specifier: string): Promise<Record<string, unknown>> {
  try {
    return await nativeImport(specifier);
  } catch (e) {
    try {
      return (await import(specifier)) as Record<string, unknown>;
    } catch {
      throw e;
    }
  }
}

/** Rebuilds a shipped function: binds its imports (loading their modules) and values, then evaluates its body. */
export async function rebuildFunction(shipped: Pick<ShippedFunction, "body" | "imports">, values: Record<string, unknown>): Promise<Function> {
  const imports: Record<string, unknown> = {};
  for (const [local, spec] of Object.entries(shipped.imports)) {
    const mod = await importModule(spec.from);
    if (spec.name === "*") imports[local] = mod;
    else if (!(spec.name in mod)) throw new Error(`module ${spec.from} has no export ${spec.name}`);
    else imports[local] = mod[spec.name];
  }
  const make = new Function("__values", "__imports", shipped.body) as (v: Record<string, unknown>, i: Record<string, unknown>) => Function;
  return make(values, imports);
}
