/** Recognises calls of rddopt's RDD methods by their resolved signature, never by name alone. */
import type * as ts from "typescript";
import { innerExpression, type FileContext } from "../context.js";
import { operatorOf } from "../operators.js";
import { returnedExpressions } from "./functions.js";

const RUNTIME_RDD_FILE = /runtime[\\/]rdd[\\/]rdd\.(d\.)?ts$/;

export interface RddCall {
  call: ts.CallExpression;
  method: string;
  /** The RDD the method is called on. */
  receiver: ts.Expression;
  /** The method name node (its position is the call's site). */
  name: ts.Identifier;
}

/** The rddopt RDD method call at `node`, or undefined. Results are cached per context. */
export function rddCallOf(fc: FileContext, node: ts.Node): RddCall | undefined {
  const { ts } = fc;
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
  const access = node.expression;
  // calls with names that are no RDD method are never RDD calls, which spares the checker
  if (!ts.isIdentifier(access.name) || !operatorOf(access.name.text)) return undefined;
  const cache = callCache(fc);
  const known = cache.get(node);
  if (known !== undefined) return known || undefined;
  const result = isRuntimeRddMethod(fc, node)
    ? { call: node, method: access.name.text, receiver: access.expression, name: access.name }
    : undefined;
  cache.set(node, result ?? false);
  return result;
}

/**
 * The values of the rows made by a `map`/`mapValues` called right before `input` with a lambda written inline:
 * every expression the lambda returns (for `map`, the value element of each returned `[key, value]` literal).
 * Undefined when `input` is no such call, or a return is not of that form.
 */
export function mappedValues(fc: FileContext, input: ts.Expression): ts.Expression[] | undefined {
  const { ts } = fc;
  const previous = rddCallOf(fc, innerExpression(ts, input));
  if (!previous || (previous.method !== "mapValues" && previous.method !== "map") || previous.call.arguments.length !== 1) return undefined;
  const fn = innerExpression(ts, previous.call.arguments[0]);
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const returned = returnedExpressions(fc, fn.body);
  if (!returned?.length) return undefined;
  const values: ts.Expression[] = [];
  for (const expr of returned) {
    const value = innerExpression(ts, expr);
    if (previous.method === "mapValues") values.push(value);
    else if (ts.isArrayLiteralExpression(value) && value.elements.length === 2 && !value.elements.some((e) => ts.isSpreadElement(e))) values.push(innerExpression(ts, value.elements[1]));
    else return undefined;
  }
  return values;
}

const caches = new WeakMap<FileContext, Map<ts.Node, RddCall | false>>();
function callCache(fc: FileContext): Map<ts.Node, RddCall | false> {
  let cache = caches.get(fc);
  if (!cache) caches.set(fc, (cache = new Map()));
  return cache;
}

function isRuntimeRddMethod(fc: FileContext, call: ts.CallExpression): boolean {
  const { ts } = fc;
  const declaration = fc.checker.getResolvedSignature(call)?.declaration;
  if (!declaration || !ts.isMethodDeclaration(declaration)) return false;
  const owner = declaration.parent;
  if (!ts.isClassDeclaration(owner) || owner.name?.text !== "RDD") return false;
  return isRddoptRuntimeFile(fc, declaration.getSourceFile().fileName);
}

const packageOfFile = new Map<string, boolean>();
/** True for rddopt's own runtime/rdd/rdd(.d).ts: the file pattern plus the nearest package.json named rddopt. */
export function isRddoptRuntimeFile(fc: FileContext, fileName: string, pattern: RegExp = RUNTIME_RDD_FILE): boolean {
  return pattern.test(fileName) && isInRddoptPackage(fc, fileName);
}

/** True for a file whose nearest package.json is rddopt's (its own sources, or its installed dist). */
export function isInRddoptPackage(fc: FileContext, fileName: string): boolean {
  const known = packageOfFile.get(fileName);
  if (known !== undefined) return known;
  let dir = fileName.replace(/[\\/][^\\/]*$/, "");
  let result = false;
  for (let i = 0; i < 8 && dir; i++) {
    const text = fc.ts.sys.readFile(`${dir}/package.json`);
    if (text !== undefined) {
      try {
        result = (JSON.parse(text) as { name?: string }).name === "rddopt";
      } catch {
        result = false;
      }
      break;
    }
    const up = dir.replace(/[\\/][^\\/]*$/, "");
    if (up === dir) break;
    dir = up;
  }
  packageOfFile.set(fileName, result);
  return result;
}

/** Every rddopt RDD call in the file, in source order. */
export function findRddCalls(fc: FileContext): RddCall[] {
  const { ts } = fc;
  const calls: RddCall[] = [];
  const visit = (node: ts.Node): void => {
    ts.forEachChild(node, visit);
    const call = rddCallOf(fc, node);
    if (call) calls.push(call);
  };
  visit(fc.sourceFile);
  return calls.sort((a, b) => a.call.getStart() - b.call.getStart());
}
