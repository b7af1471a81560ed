/**
 * Whether a worker may load a module of the Program: a worker that imports it runs its top-level code a
 * second time, so that code must have no effects (declarations, literals, functions, pure operators).
 * Anything else (a call, a `console.log`, a class with static initialisers, a package whose code the
 * compiler cannot see) would run again in every worker, and the output would no longer match the plain build.
 */
import type * as ts from "typescript";
import { innerExpression, isStandardLibrary, type FileContext } from "../context.js";
import { PURE_CONSTRUCTORS } from "./capture-rules.js";

/** Verdicts per Program (a SourceFile may be shared by the Programs of a watch build). */
const verdictsByProgram = new WeakMap<ts.Program, Map<ts.SourceFile, string | undefined>>();
const inProgress = new WeakSet<ts.SourceFile>();

/** Why loading `file` (and what it imports) in a worker would have effects, or undefined when it has none. */
export function moduleLoadProblem(fc: FileContext, file: ts.SourceFile): string | undefined {
  let verdicts = verdictsByProgram.get(fc.program);
  if (!verdicts) verdictsByProgram.set(fc.program, (verdicts = new Map()));
  if (verdicts.has(file)) return verdicts.get(file);
  if (inProgress.has(file)) return undefined; // an import cycle: each module is judged on its own statements
  inProgress.add(file);
  let problem: string | undefined;
  try {
    for (const statement of file.statements) {
      problem = statementProblem(fc, file, statement);
      if (problem) break;
    }
  } finally {
    inProgress.delete(file);
  }
  verdicts.set(file, problem);
  return problem;
}

function statementProblem(fc: FileContext, file: ts.SourceFile, statement: ts.Statement): string | undefined {
  const { ts } = fc;
  const where = (): string => `${file.fileName.split(/[\\/]/).pop()}:${file.getLineAndCharacterOfPosition(statement.getStart(file)).line + 1}`;
  if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) {
    if (!statement.moduleSpecifier) return undefined;
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) return undefined;
    if (ts.isExportDeclaration(statement) && statement.isTypeOnly) return undefined;
    return importedLoadProblem(fc, statement.moduleSpecifier);
  }
  if (
    ts.isFunctionDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isEmptyStatement(statement) ||
    (ts.isModuleDeclaration(statement) && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword))
  ) {
    return undefined;
  }
  if (ts.isClassDeclaration(statement)) return classRunsCode(fc, statement) ? `its class at ${where()} runs code when the module loads, again in every worker` : undefined;
  if (ts.isVariableStatement(statement)) {
    if (statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return undefined;
    const impure = statement.declarationList.declarations.find((d) => d.initializer && !isPureInitializer(fc, d.initializer));
    return impure ? `its top-level code at ${where()} would run again in every worker` : undefined;
  }
  if (ts.isExportAssignment(statement)) return isPureInitializer(fc, statement.expression) ? undefined : `its top-level code at ${where()} would run again in every worker`;
  return `its top-level code at ${where()} would run again in every worker`;
}

function importedLoadProblem(fc: FileContext, specifier: ts.Expression): string | undefined {
  const { ts } = fc;
  if (!ts.isStringLiteral(specifier)) return "it imports a module by a computed name";
  const name = specifier.text;
  if (name.startsWith("node:") || /^rddopt(\/|$)/.test(name)) return undefined; // builtins and rddopt load without effects
  const target = fc.checker.getSymbolAtLocation(specifier)?.valueDeclaration;
  if (!target || !ts.isSourceFile(target) || target.isDeclarationFile || fc.program.isSourceFileFromExternalLibrary(target)) {
    return `it imports "${name}", whose top-level code the compiler cannot see`;
  }
  return moduleLoadProblem(fc, target);
}

function classRunsCode(fc: FileContext, node: ts.ClassLikeDeclaration): boolean {
  const { ts } = fc;
  if (ts.canHaveDecorators(node) && ts.getDecorators(node)?.length) return true;
  if (node.heritageClauses?.some((h) => h.types.some((t) => !isPureInitializer(fc, t.expression)))) return true;
  return node.members.some((m) => {
    if (ts.isClassStaticBlockDeclaration(m)) return true;
    const isStatic = ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
    if (ts.isPropertyDeclaration(m) && isStatic && m.initializer && !isPureInitializer(fc, m.initializer)) return true;
    return ts.canHaveDecorators(m) && !!ts.getDecorators(m)?.length;
  });
}

/** Expressions whose evaluation has no effects: literals, functions, identifiers and pure operators on them. */
export function isPureInitializer(fc: FileContext, expression: ts.Expression): boolean {
  const { ts } = fc;
  const node = innerExpression(ts, expression);
  const pure = (e: ts.Expression): boolean => isPureInitializer(fc, e);
  if (
    ts.isLiteralExpression(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isIdentifier(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword
  ) {
    return true;
  }
  if (ts.isClassExpression(node)) return !classRunsCode(fc, node);
  if (ts.isArrayLiteralExpression(node)) return node.elements.every((e) => !ts.isSpreadElement(e) && (ts.isOmittedExpression(e) || pure(e)));
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.every(
      (p) =>
        (ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name) && pure(p.initializer)) ||
        ts.isShorthandPropertyAssignment(p) ||
        ts.isMethodDeclaration(p) ||
        ts.isAccessor(p),
    );
  }
  if (ts.isPrefixUnaryExpression(node)) return node.operator !== ts.SyntaxKind.PlusPlusToken && node.operator !== ts.SyntaxKind.MinusMinusToken && pure(node.operand);
  if (ts.isTypeOfExpression(node) || ts.isVoidExpression(node)) return pure(node.expression);
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    const assigns = op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
    return !assigns && op !== ts.SyntaxKind.InKeyword && op !== ts.SyntaxKind.InstanceOfKeyword && pure(node.left) && pure(node.right);
  }
  if (ts.isConditionalExpression(node)) return pure(node.condition) && pure(node.whenTrue) && pure(node.whenFalse);
  if (ts.isTemplateExpression(node)) return node.templateSpans.every((s) => pure(s.expression));
  if (ts.isNewExpression(node)) {
    return ts.isIdentifier(node.expression) && PURE_CONSTRUCTORS.has(node.expression.text) && isLibGlobal(fc, node.expression) && (node.arguments ?? []).every(pure);
  }
  return false;
}

/** Whether the identifier names a global of the standard library (not a local or imported binding of the same name). */
export function isLibGlobal(fc: FileContext, identifier: ts.Identifier): boolean {
  return isStandardLibrary(fc, fc.checker.getSymbolAtLocation(identifier));
}
