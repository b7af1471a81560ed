/**
 * Closure capture, the analysis: what a worker needs to rebuild a function passed to an RDD method from its
 * source text (`fn.toString()`), and whether running it there keeps the plain program's meaning.
 *
 * Each free variable of the function (and of the same-file functions it reaches, transitively) is
 *  - a pure global (Math, JSON, ...): nothing to capture;
 *  - a `const` (or a `let`/`var`/parameter never written anywhere in its file) holding data: a value, copied
 *    when a stage is shipped (objects only when written as literals and never changed or shared);
 *  - an import of a module the worker can load without effects: an import;
 *  - a function of the same file: a function, with its own captures;
 *  - anything else: the function runs in process, with the reason.
 * Effects keep their meaning: a function that writes state it did not create, calls console or a method whose
 * effects are unknown, uses `this`/`arguments`, constructs a class, ... runs in process (issue 11, part 3).
 * The analysis never prints code: plan/capture.ts turns a Closure into an annotation.
 */
import type * as ts from "typescript";
import { innerExpression, isStandardLibrary, position, short, type FileContext } from "../context.js";
import { FRESH_RESULT_METHODS, MUTATING_METHODS, PURE_CONSTRUCTORS, PURE_GLOBALS, PURE_METHODS, PURE_STATICS } from "./capture-rules.js";
import { isLibGlobal, moduleLoadProblem } from "./module-load.js";
import { isPrimitiveType, plainObjectProperties } from "./types.js";

export type FunctionNode = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration;

export interface CapturedImport {
  /** The local name the function's source uses. */
  name: string;
  /** The module specifier as written in the import declaration. */
  specifier: string;
  /** The imported export: a name, "default", or "*" for a namespace import. */
  exportName: string;
  /** The module the specifier resolves to. */
  module: ts.SourceFile;
}

export interface CapturedFunction {
  name: string;
  symbol: ts.Symbol;
  node: FunctionNode;
  closure: Closure;
}

export interface Closure {
  node: FunctionNode;
  values: { name: string; symbol: ts.Symbol }[];
  imports: CapturedImport[];
  functions: CapturedFunction[];
  /** Why this function itself must run in process (reasons of the functions it reaches: `inProcessReason`). */
  inProcess?: string;
}

export interface CaptureSettings {
  /** Why imports may not be captured (bundled code, builds that re-emit only changed files), or undefined. */
  noImports?: string;
  /** CommonJS output renames named and default imports (`mod_1.f`): only namespace imports keep their name. */
  commonJs: boolean;
  /**
   * The output's language level: below ES2018 the compiler turns spread and rest syntax into calls of
   * module-level helpers (`__assign`, `__rest`, `__spreadArray`) that a worker's rebuilt scope lacks; below
   * ES2015 every function is rewritten (`_this`, helpers), so none is captured.
   */
  target: number;
}

/** Stops a walk: the function runs in process, for this reason. */
class InProcess extends Error {}
const fail = (reason: string): never => {
  throw new InProcess(reason);
};

/** Why `closure` (or a same-file function it reaches) must run in process, or undefined. */
export function inProcessReason(closure: Closure, seen = new Set<Closure>()): string | undefined {
  if (closure.inProcess) return closure.inProcess;
  seen.add(closure);
  for (const f of closure.functions) {
    if (seen.has(f.closure)) continue;
    const reason = inProcessReason(f.closure, seen);
    if (reason) return `it calls \`${f.name}\`, which ${reason.startsWith("it ") ? reason.slice(3) : reason}`;
  }
  return undefined;
}

/**
 * Why the function of `closure` (or a same-file function it reaches) could tell a value it is handed from an
 * exact copy of it (what a shuffle delivers), or undefined. A function that runs on workers (no
 * `inProcessReason`) writes nothing it did not create, keeps nothing from one call to the next, calls no
 * function whose effects are unknown and captures no object that other code shares. This asks more of it:
 *  - no identity: no `===`/`!==`/`==`/`!=` or `switch` with objects on both sides, no `Object.is`, no
 *    `includes`/`indexOf`/`lastIndexOf` of an object, no Map or Set keyed by objects (a copy shares no object
 *    with its original, nor do its parts with each other: two fields holding one object hold two after a shuffle);
 *  - types that hold: no type assertion and no `any`-typed expression, since callers read the function's
 *    result type to know that no object of the value leaves it; nor may one leave by `throw` (only a fresh
 *    error built of primitives);
 *  - no imports (their code is not walked here).
 */
export function identityProblem(fc: FileContext, closure: Closure): string | undefined {
  const reason = inProcessReason(closure);
  if (reason) return reason;
  const seen = new Set<Closure>();
  const pending: { closure: Closure; via?: string }[] = [{ closure }];
  while (pending.length) {
    const next = pending.pop()!;
    if (seen.has(next.closure)) continue;
    seen.add(next.closure);
    const imported = next.closure.imports[0];
    const problem = imported ? `it uses \`${imported.name}\` imported from "${imported.specifier}", whose code is not followed here` : identityObservation(fc, next.closure.node);
    if (problem) return next.via ? `it calls \`${next.via}\`, which ${problem.replace(/^it /, "")}` : problem;
    for (const f of next.closure.functions) pending.push({ closure: f.closure, via: next.via ?? f.name });
  }
  return undefined;
}

const IDENTITY_SEARCHES = new Set(["includes", "indexOf", "lastIndexOf"]);
const KEYED_COLLECTIONS = new Set(["Map", "ReadonlyMap", "Set", "ReadonlySet", "WeakMap", "WeakSet"]);

/** The first identity observation or unchecked type in one function's own code (nested functions included). */
function identityObservation(fc: FileContext, root: FunctionNode): string | undefined {
  const { ts, checker } = fc;
  const primitive = (node: ts.Expression): boolean => isPrimitiveType(ts, checker.getTypeAtLocation(node));
  const isEquality = (kind: ts.SyntaxKind): boolean =>
    kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsEqualsToken || kind === ts.SyntaxKind.EqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsToken;
  const observation = (node: ts.Node): string | undefined => {
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !(ts.isTypeReferenceNode(node.type) && node.type.getText(fc.sourceFile) === "const")) {
      return `it asserts a type (\`${short(fc, node)}\`): the types may not say what it returns`;
    }
    if (ts.isBinaryExpression(node) && isEquality(node.operatorToken.kind) && !primitive(node.left) && !primitive(node.right)) {
      return `it compares objects by identity (\`${short(fc, node)}\`)`;
    }
    if (ts.isSwitchStatement(node) && !primitive(node.expression)) return `it compares objects by identity (\`switch (${short(fc, node.expression)})\`)`;
    // a thrown object reaches the program's `catch` (as the job error's cause): only fresh errors of primitives
    if (ts.isThrowStatement(node) && !primitive(node.expression) && !(ts.isNewExpression(node.expression) && (node.expression.arguments ?? []).every(primitive))) {
      return `it throws \`${short(fc, node.expression)}\`, an object the program may catch`;
    }
    if (ts.isCallExpression(node)) {
      const callee = innerExpression(ts, node.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        const method = callee.name.text;
        if (IDENTITY_SEARCHES.has(method) && node.arguments[0] && !primitive(node.arguments[0])) return `it searches for an object by identity (\`${short(fc, node)}\`)`;
        if (method === "is" && short(fc, callee.expression) === "Object" && node.arguments.some((a) => !primitive(a))) return `it compares objects by identity (\`${short(fc, node)}\`)`;
      }
    }
    if (ts.isExpression(node)) {
      const type = checker.getTypeAtLocation(node);
      if (type.flags & ts.TypeFlags.Any) return `\`${short(fc, node)}\` is typed \`any\`: the types may not say what it returns`;
      const name = type.getSymbol()?.name;
      const key = name && KEYED_COLLECTIONS.has(name) ? (type as ts.TypeReference).typeArguments?.[0] : undefined;
      if (key && !isPrimitiveType(ts, key)) return `it keeps a ${name} keyed by objects (\`${short(fc, node)}\`)`;
    }
    return undefined;
  };
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found || ts.isTypeNode(node)) return;
    found = observation(node);
    if (!found) ts.forEachChild(node, visit);
  };
  ts.forEachChild(root, visit);
  return found;
}

/** One file's closure analysis; results are shared by every call site of a function. */
export class ClosureAnalysis {
  private readonly closures = new Map<ts.Node, Closure>();
  private readonly moduleVerdicts = new Map<ts.Node, string | undefined>();

  constructor(
    readonly fc: FileContext,
    readonly settings: CaptureSettings,
  ) {}

  /** The captures of a function shipped to workers. A cycle sees the closure being built (by name, once). */
  closureOf(fn: FunctionNode): Closure {
    const known = this.closures.get(fn);
    if (known) return known;
    const closure: Closure = { node: fn, values: [], imports: [], functions: [] };
    this.closures.set(fn, closure);
    try {
      new Walk(this, fn, closure).run();
    } catch (error) {
      if (!(error instanceof InProcess)) throw error;
      closure.inProcess = error.message;
    }
    return closure;
  }

  /**
   * Why calling `fn`, a function of a module the worker imports (it runs in the worker's own copy of that
   * module), may have effects or read module state that changes, or undefined.
   */
  moduleFunctionProblem(fn: FunctionNode): string | undefined {
    if (this.moduleVerdicts.has(fn)) return this.moduleVerdicts.get(fn);
    this.moduleVerdicts.set(fn, undefined); // a cycle: judged by the rest of its body
    let problem: string | undefined;
    try {
      new Walk(this, fn, undefined).run();
    } catch (error) {
      if (!(error instanceof InProcess)) throw error;
      problem = error.message;
    }
    this.moduleVerdicts.set(fn, problem);
    return problem;
  }
}

/** The function declared by `symbol` when it is a function declaration or a `const` bound to a function expression. */
export function declaredFunction(fc: FileContext, symbol: ts.Symbol): FunctionNode | undefined {
  const { ts } = fc;
  for (const d of symbol.declarations ?? []) {
    if (ts.isFunctionDeclaration(d) && d.body) return d;
    if (ts.isVariableDeclaration(d) && ts.isIdentifier(d.name) && d.initializer && ts.getCombinedNodeFlags(d) & ts.NodeFlags.Const) {
      const init = innerExpression(ts, d.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
  }
  return undefined;
}

function isSpreadOrRest(ts: FileContext["ts"], node: ts.Node): boolean {
  return ts.isSpreadElement(node) || ts.isSpreadAssignment(node) || ((ts.isBindingElement(node) || ts.isParameter(node)) && !!node.dotDotDotToken);
}

/** Declared only in declaration files (the standard library, @types): a global of the environment. */
function isAmbient(symbol: ts.Symbol): boolean {
  const declarations = symbol.declarations ?? [];
  return declarations.length > 0 && declarations.every((d) => d.getSourceFile().isDeclarationFile);
}

/** Whether `node` is written: an assignment target, `++`/`--`, `delete`, a for-in/of target, part of a destructuring assignment. */
export function isWriteTarget(ts: FileContext["ts"], node: ts.Node): boolean {
  let n = node;
  while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isNonNullExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isSatisfiesExpression(n.parent) || ts.isTypeAssertionExpression(n.parent))) n = n.parent;
  const p = n.parent;
  if (!p) return false;
  if (ts.isBinaryExpression(p)) return p.left === n && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
  if (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) return p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken;
  if (ts.isDeleteExpression(p)) return true;
  if (ts.isForOfStatement(p) || ts.isForInStatement(p)) return p.initializer === n;
  if (ts.isArrayLiteralExpression(p) || ts.isObjectLiteralExpression(p)) return isWriteTarget(ts, p);
  if (ts.isSpreadElement(p) || ts.isSpreadAssignment(p)) return isWriteTarget(ts, p.parent);
  if (ts.isPropertyAssignment(p)) return p.initializer === n && isWriteTarget(ts, p.parent);
  if (ts.isShorthandPropertyAssignment(p)) return isWriteTarget(ts, p.parent);
  return false;
}

/** Nodes whose `name` declares (never reads) an identifier. */
const kindsByCompiler = new WeakMap<object, ReadonlySet<number>>();
function declarationKinds(ts: FileContext["ts"]): ReadonlySet<number> {
  const known = kindsByCompiler.get(ts);
  if (known) return known;
  const K = ts.SyntaxKind;
  const kinds = new Set<number>([
    K.VariableDeclaration, K.Parameter, K.FunctionDeclaration, K.FunctionExpression, K.ClassDeclaration, K.ClassExpression,
    K.MethodDeclaration, K.PropertyDeclaration, K.GetAccessor, K.SetAccessor, K.PropertySignature, K.MethodSignature,
    K.EnumMember, K.EnumDeclaration, K.TypeParameter, K.ImportSpecifier, K.ExportSpecifier, K.NamespaceImport,
    K.ImportClause, K.ModuleDeclaration, K.PropertyAssignment, K.InterfaceDeclaration, K.TypeAliasDeclaration,
  ]);
  kindsByCompiler.set(ts, kinds);
  return kinds;
}

/** Walks one function (parameters and body, nested functions included). `closure` undefined: a module function, nothing recorded. */
class Walk {
  private readonly fc: FileContext;
  private readonly ts: FileContext["ts"];
  private readonly home: ts.SourceFile;

  constructor(
    private readonly analysis: ClosureAnalysis,
    private readonly root: FunctionNode,
    private readonly closure: Closure | undefined,
  ) {
    this.fc = analysis.fc;
    this.ts = analysis.fc.ts;
    this.home = root.getSourceFile();
  }

  run(): void {
    const { ts } = this;
    if (this.root.asteriskToken || this.root.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) fail("it is an async or generator function");
    if (this.closure && this.analysis.settings.target < ts.ScriptTarget.ES2015) fail("the output targets ES5, whose functions use compiler helpers a worker does not have");
    ts.forEachChild(this.root, (child) => this.visit(child));
  }

  private visit(node: ts.Node): void {
    const { ts } = this;
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isDecorator(node)) return;
    switch (node.kind) {
      case ts.SyntaxKind.ThisKeyword:
        return fail("it uses `this`");
      case ts.SyntaxKind.SuperKeyword:
        return fail("it uses `super`");
    }
    if (ts.isIdentifier(node)) return this.reference(node);
    if (ts.isMetaProperty(node)) fail(`it uses \`${short(this.fc, node)}\``);
    if (ts.isClassLike(node)) fail("it declares a class");
    if (ts.isAwaitExpression(node) || ts.isYieldExpression(node)) fail("it awaits or yields");
    if (ts.isTaggedTemplateExpression(node)) fail("it calls a template tag");
    if (ts.isFunctionLike(node) && ((node as ts.FunctionLikeDeclaration).asteriskToken || ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Async)) fail("it declares an async or generator function");
    if (this.closure && this.analysis.settings.target < ts.ScriptTarget.ES2018 && isSpreadOrRest(ts, node)) {
      fail("it uses spread or rest syntax, which output below ES2018 turns into calls of compiler helpers a worker does not have");
    }
    if (ts.isCallExpression(node)) this.call(node);
    else if (ts.isNewExpression(node)) this.construct(node);
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) this.write(node.left);
    else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) this.write(node.operand);
    else if (ts.isDeleteExpression(node)) this.write(node.expression);
    else if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && !ts.isVariableDeclarationList(node.initializer)) this.write(node.initializer);
    else if (ts.isPropertyAccessExpression(node)) {
      this.accessor(node.name, node.name.text);
      this.methodValue(node);
    }
    else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) this.accessor(node.argumentExpression, node.argumentExpression.text);
    else if (ts.isObjectBindingPattern(node)) this.bindingAccessors(node);
    ts.forEachChild(node, (child) => this.visit(child));
  }

  // ------------------------------------------------------------------------------------------ references

  private reference(id: ts.Identifier): void {
    if (!this.isReferencePosition(id)) return;
    const symbol = this.fc.symbolOf(id);
    if (id.text === "arguments" && !symbol?.declarations?.length) fail("it uses `arguments`");
    if (!symbol) return fail(`it uses \`${id.text}\`, which the compiler cannot resolve`);
    if (this.isLocal(symbol)) return this.localUse(symbol, id);
    // a named function expression's own name: bound inside the function, and so in its source text too
    if (this.fc.ts.isFunctionExpression(this.root) && symbol.declarations?.includes(this.root)) return;
    this.free(symbol, id);
  }

  private isReferencePosition(id: ts.Identifier): boolean {
    const { ts } = this;
    const p = id.parent;
    if (ts.isShorthandPropertyAssignment(p)) return true; // its name reads the variable, and so does a default
    if (ts.isQualifiedName(p)) return p.left === id;
    if (ts.isPropertyAccessExpression(p)) return p.name !== id;
    if (ts.isBindingElement(p)) return p.name !== id && p.propertyName !== id;
    if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false;
    const named = p as ts.Node & { name?: ts.Node };
    return !(named.name === id && declarationKinds(ts).has(p.kind));
  }

  /** Declared inside the function (its parameters, locals, nested functions). */
  private isLocal(symbol: ts.Symbol): boolean {
    const { root } = this;
    return (symbol.declarations ?? []).some((d) => d !== root && d.getSourceFile() === this.home && d.pos >= root.pos && d.end <= root.end);
  }

  /** A local function value must be a function written in the body; a parameter holding a function has unknown effects. */
  private localUse(symbol: ts.Symbol, id: ts.Identifier): void {
    if (!this.callable(this.fc.checker.getTypeOfSymbolAtLocation(symbol, id))) return;
    if (declaredFunction(this.fc, symbol)) return;
    fail(`it uses \`${id.text}\`, a function value whose code the analysis cannot see`);
  }

  private free(symbol: ts.Symbol, id: ts.Identifier): void {
    const { ts, fc } = this;
    if (symbol.flags & ts.SymbolFlags.Alias) return this.imported(symbol, id);
    const declarations = symbol.declarations ?? [];
    if (!declarations.length && id.text === "undefined") return; // the checker's own symbol: no declaration
    if (!declarations.length) fail(`it uses \`${id.text}\`, which has no declaration`);
    if (declarations.some((d) => fc.program.isSourceFileDefaultLibrary(d.getSourceFile()) || d.getSourceFile().isDeclarationFile)) return this.global(id);
    if (declarations.some((d) => d.getSourceFile() !== this.home)) fail(`it uses \`${id.text}\`, a global declared in another file`);
    if (symbol.flags & ts.SymbolFlags.ConstEnum) return; // inlined by the compiler
    if (symbol.flags & ts.SymbolFlags.RegularEnum) return this.addValue(symbol, id);
    const fn = declaredFunction(fc, symbol);
    if (fn && this.closure && this.analysis.settings.commonJs && !ts.isFunctionDeclaration(fn) && fc.isExported(symbol)) {
      fail(`it uses \`${id.text}\`, an exported variable that CommonJS output reads as \`exports.${id.text}\`, which a worker cannot rebuild`);
    }
    if (fn) return this.sameFileFunction(symbol, fn, id);
    if (symbol.flags & ts.SymbolFlags.Class) fail(`it uses the class \`${id.text}\``);
    const declaration = declarations[0];
    const variable = ts.isVariableDeclaration(declaration) || ts.isBindingElement(declaration);
    if (variable && this.closure && this.analysis.settings.commonJs && fc.isExported(symbol)) {
      fail(`it uses \`${id.text}\`, an exported variable that CommonJS output reads as \`exports.${id.text}\`, which a worker cannot rebuild`);
    }
    if (variable || ts.isParameter(declaration)) return this.value(symbol, declaration as ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement, id);
    fail(`it uses \`${id.text}\`, which is neither data nor a function of this file`);
  }

  private global(id: ts.Identifier): void {
    if (id.text === "console") fail("it writes to the console (output stays in process, in order)");
    if (!PURE_GLOBALS.has(id.text)) fail(`it uses the global \`${id.text}\`, whose effects are unknown`);
  }

  private sameFileFunction(symbol: ts.Symbol, fn: FunctionNode, id: ts.Identifier): void {
    if (!this.closure) {
      const problem = this.analysis.moduleFunctionProblem(fn);
      if (problem) fail(`it calls \`${id.text}\`, which ${problem.replace(/^it /, "")}`);
      return;
    }
    if (this.closure.functions.some((f) => f.symbol === symbol)) return;
    this.claimName(id.text, symbol);
    this.closure.functions.push({ name: id.text, symbol, node: fn, closure: this.analysis.closureOf(fn) });
  }

  /** A free variable holding data. */
  private value(symbol: ts.Symbol, declaration: ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement, id: ts.Identifier): void {
    const { ts, fc } = this;
    const name = id.text;
    const isConst = !ts.isParameter(declaration) && !!(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const);
    if (!isConst) {
      const write = fc.references(symbol).find((r) => isWriteTarget(ts, r));
      const kind = ts.isParameter(declaration) ? "parameter" : ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Let ? "`let`" : "`var`";
      if (write) fail(`it captures \`${name}\`, a ${kind} that is assigned at ${position(fc, write)}`);
    }
    const type = fc.checker.getTypeOfSymbolAtLocation(symbol, id);
    if (this.callable(type)) fail(`it captures \`${name}\`, a function value that is not a function declared in this file`);
    if (!this.isPrimitive(type)) this.checkSharedObject(symbol, declaration, name, type, !this.closure);
    this.addValue(symbol, id);
  }

  /** A captured object is copied once per stage: sound only while nothing changes or shares it. */
  private checkSharedObject(symbol: ts.Symbol, declaration: ts.Node, name: string, type: ts.Type, inModule: boolean): void {
    const { ts, fc } = this;
    if (inModule) fail(`it reads \`${name}\`, an object of its module that may change`);
    if (!this.isData(type)) fail(`it captures \`${name}\` of type \`${fc.checker.typeToString(type)}\`, which is not plain data (class instances, Map, Set and functions stay in process)`);
    if (!ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name) || !declaration.initializer || !this.isLiteralData(declaration.initializer)) {
      fail(`it captures the object \`${name}\`, which is not written here as a literal of data (it may be shared with other code)`);
    }
    if (fc.isExported(symbol)) fail(`it captures the exported object \`${name}\`, which other modules may change`);
    const use = fc.references(symbol).find((r) => !this.readsOnlyPrimitives(r));
    if (use) fail(`it captures the object \`${name}\`, which is used at ${position(fc, use)} in a way that may change or share it`);
  }

  private addValue(symbol: ts.Symbol, id: ts.Identifier): void {
    if (!this.closure || this.closure.values.some((v) => v.symbol === symbol)) return;
    this.claimName(id.text, symbol);
    this.closure.values.push({ name: id.text, symbol });
  }

  /** Captures are flattened into one scope by name: two bindings of one name cannot both be captured. */
  private claimName(name: string, symbol: ts.Symbol): void {
    const closure = this.closure!;
    const other = [...closure.values, ...closure.functions].find((c) => c.name === name && c.symbol !== symbol) ?? closure.imports.find((i) => i.name === name);
    if (other) fail(`two different variables named \`${name}\` would be captured`);
  }

  private imported(alias: ts.Symbol, id: ts.Identifier): void {
    const { ts, fc } = this;
    const declaration = alias.declarations?.[0];
    if (!declaration || ts.isImportEqualsDeclaration(declaration)) fail(`it uses \`${id.text}\`, bound by \`import = require()\``);
    let importDeclaration: ts.Node = declaration!;
    while (!ts.isImportDeclaration(importDeclaration) && importDeclaration.parent) importDeclaration = importDeclaration.parent;
    if (!ts.isImportDeclaration(importDeclaration) || !ts.isStringLiteral(importDeclaration.moduleSpecifier)) return fail(`it uses \`${id.text}\`, which is not a plain import`);
    const specifier = importDeclaration.moduleSpecifier.text;
    const exportName = ts.isImportSpecifier(declaration!) ? (declaration.propertyName ?? declaration.name).text : ts.isImportClause(declaration!) ? "default" : "*";
    if (this.closure && this.analysis.settings.noImports) fail(`it uses \`${id.text}\` imported from "${specifier}": ${this.analysis.settings.noImports}`);
    if (this.closure && this.analysis.settings.commonJs && exportName !== "*") {
      fail(`it uses \`${id.text}\` imported from "${specifier}": CommonJS output renames imported bindings (\`mod_1.${exportName}\`), so a worker cannot rebuild the function from its source`);
    }
    const moduleNode = fc.checker.getSymbolAtLocation(importDeclaration.moduleSpecifier)?.valueDeclaration;
    if (!moduleNode || !ts.isSourceFile(moduleNode) || moduleNode.isDeclarationFile || fc.program.isSourceFileFromExternalLibrary(moduleNode)) {
      return fail(`it uses \`${id.text}\` from "${specifier}", whose code the compiler cannot see`);
    }
    const load = moduleLoadProblem(fc, moduleNode);
    if (load) fail(`it imports "${specifier}", and ${load}`);
    const target = exportName === "*" ? this.namespaceMember(id) : fc.checker.getAliasedSymbol(alias);
    this.importedBinding(target, id.text, specifier);
    if (this.closure && !this.closure.imports.some((i) => i.name === id.text)) {
      if ([...this.closure.values, ...this.closure.functions].some((c) => c.name === id.text)) fail(`two different variables named \`${id.text}\` would be captured`);
      this.closure.imports.push({ name: id.text, specifier, exportName, module: moduleNode });
    }
  }

  /** `ns.member` of a namespace import: the member (using the namespace object itself is not followed). */
  private namespaceMember(id: ts.Identifier): ts.Symbol {
    const { ts, fc } = this;
    const p = id.parent;
    if (!ts.isPropertyAccessExpression(p) || p.expression !== id) return fail(`it uses the namespace \`${id.text}\` as a value`);
    const member = fc.checker.getSymbolAtLocation(p.name);
    if (!member) return fail(`it uses \`${short(fc, p)}\`, which the compiler cannot resolve`);
    return member.flags & ts.SymbolFlags.Alias ? fc.checker.getAliasedSymbol(member) : member;
  }

  /** What an import binds: a function without effects, or a constant primitive. */
  private importedBinding(target: ts.Symbol, name: string, specifier: string): void {
    const { ts, fc } = this;
    const fn = declaredFunction(fc, target);
    if (fn) {
      const problem = this.analysis.moduleFunctionProblem(fn);
      if (problem) fail(`it calls \`${name}\` from "${specifier}", which ${problem.replace(/^it /, "")}`);
      return;
    }
    if (target.flags & ts.SymbolFlags.Enum) return;
    const declaration = target.declarations?.[0];
    if (declaration && (ts.isVariableDeclaration(declaration) || ts.isBindingElement(declaration))) {
      const type = fc.checker.getTypeOfSymbol(target);
      const constant = !!(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) || !fc.references(target).some((r) => isWriteTarget(ts, r));
      if (constant && this.isPrimitive(type)) return;
      fail(`it uses \`${name}\` from "${specifier}", module state that may change (only functions and constant primitives are imported)`);
    }
    fail(`it uses \`${name}\` from "${specifier}", which is neither a function nor a constant`);
  }

  // ------------------------------------------------------------------------------------------ effects

  private call(node: ts.CallExpression): void {
    const { ts, fc } = this;
    if (node.expression.kind === ts.SyntaxKind.ImportKeyword) fail("it imports a module dynamically");
    const callee = innerExpression(ts, node.expression);
    if (ts.isIdentifier(callee) || ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) return; // judged as a reference / walked
    if (!ts.isPropertyAccessExpression(callee)) fail(`it calls \`${short(fc, callee)}\`, whose effects are unknown`);
    const access = callee as ts.PropertyAccessExpression;
    const receiver = innerExpression(ts, access.expression);
    const method = access.name.text;
    if (ts.isIdentifier(receiver)) {
      const symbol = fc.symbolOf(receiver);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) return; // a namespace import: its member is judged as a reference
      if (symbol && isAmbient(symbol) && (receiver.text === "console" || Object.hasOwn(PURE_STATICS, receiver.text))) {
        if (receiver.text === "console") fail("it writes to the console (output stays in process, in order)");
        if (!PURE_STATICS[receiver.text].has(method)) fail(`it calls \`${receiver.text}.${method}\`, whose effects are unknown`);
        return;
      }
    }
    if (!isStandardLibrary(fc, fc.checker.getSymbolAtLocation(access.name))) fail(`it calls the method \`${method}\` of \`${short(fc, receiver)}\`, whose effects are unknown`);
    if (MUTATING_METHODS.has(method)) {
      if (!this.isFresh(receiver)) fail(`it calls \`${method}\` on \`${short(fc, receiver)}\`, a value the function did not create`);
      return;
    }
    if (!PURE_METHODS.has(method)) fail(`it calls \`${method}\`, a standard-library method whose effects are not modelled`);
  }

  private construct(node: ts.NewExpression): void {
    const { ts, fc } = this;
    const callee = innerExpression(ts, node.expression);
    if (ts.isIdentifier(callee) && PURE_CONSTRUCTORS.has(callee.text) && isLibGlobal(fc, callee)) return;
    fail(`it constructs \`${short(fc, callee)}\` with \`new\``);
  }

  private write(target: ts.Expression): void {
    const { ts, fc } = this;
    const node = innerExpression(ts, target);
    if (ts.isIdentifier(node)) {
      const symbol = fc.symbolOf(node);
      if (symbol && this.isLocal(symbol)) return;
      fail(`it assigns \`${node.text}\`, a variable outside the function`);
    }
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      if (this.isFresh(node.expression)) return;
      fail(`it writes \`${short(fc, node)}\`, a property of a value the function did not create`);
    }
    if (ts.isArrayLiteralExpression(node)) {
      for (const e of node.elements) if (!ts.isOmittedExpression(e)) this.write(ts.isSpreadElement(e) ? e.expression : e);
      return;
    }
    if (ts.isObjectLiteralExpression(node)) {
      for (const p of node.properties) {
        if (ts.isPropertyAssignment(p)) this.write(p.initializer);
        else if (ts.isShorthandPropertyAssignment(p)) this.write(p.name);
        else if (ts.isSpreadAssignment(p)) this.write(p.expression);
      }
      return;
    }
    if (ts.isBinaryExpression(node)) return this.write(node.left); // a default in a destructuring assignment
    fail(`it writes \`${short(fc, node)}\``);
  }

  /** A method of user code handed on as a value (`xs.map(row.format)`) runs code whose effects are unknown. */
  private methodValue(access: ts.PropertyAccessExpression): void {
    const { ts, fc } = this;
    let outer: ts.Node = access;
    while (ts.isParenthesizedExpression(outer.parent) || ts.isNonNullExpression(outer.parent)) outer = outer.parent;
    const p = outer.parent;
    if ((ts.isCallExpression(p) && p.expression === outer) || (ts.isPropertyAccessExpression(p) && p.expression === outer) || ts.isElementAccessExpression(p)) return;
    if (!this.callable(fc.checker.getTypeAtLocation(access))) return;
    const receiver = innerExpression(ts, access.expression);
    if (ts.isIdentifier(receiver) && (fc.symbolOf(receiver)?.flags ?? 0) & ts.SymbolFlags.Alias) return; // a namespace import's member: judged as a reference
    if (isStandardLibrary(fc, fc.checker.getSymbolAtLocation(access.name))) return;
    fail(`it hands on \`${short(fc, access)}\`, a function whose effects are unknown`);
  }

  /** A getter or setter of user code runs code when read. */
  private accessor(name: ts.Node, text: string): void {
    const { ts, fc } = this;
    const symbol = fc.checker.getSymbolAtLocation(name);
    if (!symbol || !(symbol.flags & ts.SymbolFlags.Accessor)) return;
    if ((symbol.declarations ?? []).every((d) => fc.program.isSourceFileDefaultLibrary(d.getSourceFile()))) return;
    fail(`it reads \`${text}\`, an accessor that runs code`);
  }

  private bindingAccessors(pattern: ts.ObjectBindingPattern): void {
    const { ts, fc } = this;
    const type = fc.checker.getTypeAtLocation(pattern);
    for (const element of pattern.elements) {
      const key = element.propertyName ?? element.name;
      if (!ts.isIdentifier(key)) continue;
      const property = type.getProperty(key.text);
      if (property && property.flags & ts.SymbolFlags.Accessor && !(property.declarations ?? []).every((d) => fc.program.isSourceFileDefaultLibrary(d.getSourceFile()))) {
        fail(`it reads \`${key.text}\`, an accessor that runs code`);
      }
    }
  }

  /** A value the function created itself (a literal, `new Map()`, a fresh array): writing it changes nothing shared. */
  private isFresh(expression: ts.Expression): boolean {
    const { ts, fc } = this;
    const node = innerExpression(ts, expression);
    if (ts.isArrayLiteralExpression(node) || ts.isObjectLiteralExpression(node) || ts.isRegularExpressionLiteral(node)) return true;
    if (ts.isNewExpression(node)) return ts.isIdentifier(node.expression) && PURE_CONSTRUCTORS.has(node.expression.text) && isLibGlobal(fc, node.expression);
    if (ts.isCallExpression(node)) {
      const callee = innerExpression(ts, node.expression);
      if (!ts.isPropertyAccessExpression(callee) || !FRESH_RESULT_METHODS.has(callee.name.text)) return false;
      const declarations = fc.checker.getSymbolAtLocation(callee.name)?.declarations ?? [];
      return declarations.length > 0 && declarations.every((d) => fc.program.isSourceFileDefaultLibrary(d.getSourceFile()));
    }
    if (!ts.isIdentifier(node)) return false;
    const symbol = fc.symbolOf(node);
    if (!symbol || !this.isLocal(symbol)) return false;
    const declaration = symbol.declarations?.[0];
    if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name) || !declaration.initializer) return false;
    if (ts.isForOfStatement(declaration.parent.parent) || ts.isForInStatement(declaration.parent.parent)) return false;
    if (!this.isFresh(declaration.initializer)) return false;
    // every later assignment must be fresh too (a `let` may be pointed at shared state)
    return fc.references(symbol).every((r) => {
      if (!isWriteTarget(ts, r)) return true;
      const p = r.parent;
      return ts.isBinaryExpression(p) && p.left === r && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && this.isFresh(p.right);
    });
  }

  /**
   * A use of a captured object that only reads primitives out of it (`cfg.rate`, `weights[i]`, `names.length`,
   * `names.includes(x)` on an array of primitives): no write, no alias that could be written or kept.
   */
  private readsOnlyPrimitives(reference: ts.Identifier): boolean {
    const { ts, fc } = this;
    let node: ts.Expression = reference;
    for (;;) {
      let outer: ts.Node = node;
      while (ts.isParenthesizedExpression(outer.parent) || ts.isNonNullExpression(outer.parent)) outer = outer.parent;
      const p = outer.parent;
      if ((ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === outer) node = p;
      else break;
    }
    if (isWriteTarget(ts, node)) return false;
    const p = node.parent;
    if (ts.isCallExpression(p) && p.expression === node && (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node))) {
      const method = ts.isPropertyAccessExpression(node) ? node.name.text : undefined;
      if (!method || MUTATING_METHODS.has(method) || !PURE_METHODS.has(method)) return false;
      const receiverType = fc.checker.getTypeAtLocation(node.expression);
      if (receiverType.flags & ts.TypeFlags.StringLike) return true;
      if (!fc.checker.isArrayType(receiverType) && !fc.checker.isTupleType(receiverType)) return false;
      return fc.checker.getTypeArguments(receiverType as ts.TypeReference).every((t) => this.isPrimitive(t));
    }
    return this.isPrimitive(fc.checker.getTypeAtLocation(node));
  }

  // ------------------------------------------------------------------------------------------ types

  private callable(type: ts.Type): boolean {
    const { ts, fc } = this;
    const types = type.isUnion() ? type.types : [type];
    return types.some((t) => fc.checker.getSignaturesOfType(t, ts.SignatureKind.Call).length > 0 || fc.checker.getSignaturesOfType(t, ts.SignatureKind.Construct).length > 0);
  }

  private isPrimitive(type: ts.Type): boolean {
    return isPrimitiveType(this.ts, type);
  }

  /** Primitives, arrays and tuples of data, plain objects of data (no Map, Set, Date, class, accessor, method). */
  private isData(type: ts.Type, depth = 0): boolean {
    const { fc } = this;
    if (depth > 8) return false;
    if (this.isPrimitive(type)) return true;
    if (type.isUnion()) return type.types.every((t) => this.isData(t, depth + 1));
    if (fc.checker.isArrayType(type) || fc.checker.isTupleType(type)) return fc.checker.getTypeArguments(type as ts.TypeReference).every((t) => this.isData(t, depth + 1));
    const properties = plainObjectProperties(fc, type);
    return !!properties && properties.every((p) => this.isData(fc.checker.getTypeOfSymbol(p), depth + 1));
  }

  /** An initializer written as a literal all the way down (primitives may come from any expression). */
  private isLiteralData(expression: ts.Expression): boolean {
    const { ts, fc } = this;
    const node = innerExpression(ts, expression);
    if (ts.isArrayLiteralExpression(node)) return node.elements.every((e) => !ts.isSpreadElement(e) && !ts.isOmittedExpression(e) && this.isLiteralData(e));
    if (ts.isObjectLiteralExpression(node)) {
      return node.properties.every((p) => (ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name) && this.isLiteralData(p.initializer)) || (ts.isShorthandPropertyAssignment(p) && this.isPrimitive(fc.checker.getTypeAtLocation(p.name))));
    }
    return this.isPrimitive(fc.checker.getTypeAtLocation(node));
  }
}
