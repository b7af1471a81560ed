/**
 * Applies a plan's edits (plan/edits.ts) to the ORIGINAL source text with magic-string: the user's own
 * lines, formatting and comments stay as written, only the edited spans change, and a source map leads
 * from the new text back to the original. The result is the same program `rewrite/apply.ts` builds with
 * `ts.factory` (test/transformer/text-edits.test.ts prints both and compares them).
 *
 * Edits are applied children first (post-order, like the factory visitor), each as insertions at node
 * boundaries or overwrites of spans that hold no other edit, so nested edits compose: an index renumbered
 * inside an element a pruned literal keeps stays renumbered, and one inside a dropped element goes with it.
 *
 * `types: "erase"` (for `rddopt rewrite`, whose output must still type-check) also erases the static types
 * the edits invalidate: projections that renumber tuple elements return `RDD<[K, any]>`, pruned literals
 * become `any`, renumbered index reads read from `any`. Everything else stays as the user typed it (a
 * projection that only drops properties or trailing elements keeps its type: downstream reads stay right).
 */
import type * as ts from "typescript";
import MagicString, { type SourceMap } from "magic-string";
import { Unsupported, innerExpression, simplePropertyName, type TS } from "../context.js";
import type { Edit, Edits } from "../plan/edits.js";
import type { Shape } from "../plan/shape.js";
import { projectionSpec } from "./projection.js";
import { readerOptionProperties } from "./reader-options.js";
import { closureDescriptor, closureKey } from "./closure.js";
import type { ClosureSpec } from "../plan/capture.js";

export interface TextEditOptions {
  /**
   * "keep" (default): exactly the edits the transformer makes. "erase": also erase the static types the
   * edits invalidate (see the module comment). "erase-patterns": "erase", and destructuring parameters and
   * variables whose pattern was renumbered are annotated `: any`.
   */
  types?: "keep" | "erase" | "erase-patterns";
  /** With "erase": the checker, to keep a projection's key type when it is plain (primitives, tuples of them). */
  checker?: ts.TypeChecker;
}

export interface TextEditResult {
  /** The edited source text (the original text when there are no edits). */
  code: string;
  changed: boolean;
  /** The edit session, for `generateMap` with the caller's file names. */
  magic: MagicString;
}

/** Applies `edits` (keyed by nodes of `sourceFile`) to `sourceFile.text`. Throws `Unsupported` for edits it cannot place. */
export function applyTextEdits(ts: TS, sourceFile: ts.SourceFile, edits: Edits, options: TextEditOptions = {}): TextEditResult {
  const magic = new MagicString(sourceFile.text);
  if (edits.size === 0) return { code: sourceFile.text, changed: false, magic };
  const editor = new TextEditor(ts, sourceFile, magic, options);
  for (const [node, list] of postOrder(sourceFile, edits)) {
    for (const edit of list) editor.apply(node, edit);
  }
  const code = magic.toString();
  return { code, changed: code !== sourceFile.text, magic };
}

/** A source map (v3) from the edited text back to `source` (the original file, as the map should name it). */
export function textEditMap(result: TextEditResult, source: string, file?: string): SourceMap {
  return result.magic.generateMap({ source, file, includeContent: true, hires: "boundary" });
}

/** Edited nodes, children before parents, earlier before later. */
function postOrder(sourceFile: ts.SourceFile, edits: Edits): [ts.Node, Edit[]][] {
  const entries = [...edits.byNode].map(([node, list]) => ({ node, list, start: node.getStart(sourceFile), end: node.end, depth: depthOf(node) }));
  entries.sort((a, b) => a.end - b.end || b.start - a.start || b.depth - a.depth);
  return entries.map((e) => [e.node, e.list]);
}

function depthOf(node: ts.Node): number {
  let depth = 0;
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) depth++;
  return depth;
}

class TextEditor {
  private printer: ts.Printer;

  constructor(
    private readonly ts: TS,
    private readonly sourceFile: ts.SourceFile,
    private readonly magic: MagicString,
    private readonly options: TextEditOptions,
  ) {
    this.printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: true });
  }

  private get erase(): boolean {
    return this.options.types === "erase" || this.options.types === "erase-patterns";
  }

  private start(node: ts.Node): number {
    return node.getStart(this.sourceFile);
  }

  /** Inserts `text` before `node` (outside every insertion already made at that position). */
  private before(position: number, text: string): void {
    this.magic.prependRight(position, text);
  }

  /** Inserts `text` after `node` (outside every insertion already made at that position). */
  private after(position: number, text: string): void {
    this.magic.appendLeft(position, text);
  }

  private remove(start: number, end: number): void {
    if (end > start) this.magic.remove(start, end);
  }

  apply(node: ts.Node, edit: Edit): void {
    switch (edit.kind) {
      case "index":
        return this.index(node as ts.Expression, edit.position);
      case "pattern":
        return this.pattern(node as ts.ArrayBindingPattern, edit.kept);
      case "joinOptions":
        return this.joinOptions(node as ts.CallExpression, edit);
      case "project":
        return this.project(node as ts.Expression, edit.shape, edit.arriving);
      case "pruneLiteral":
        return this.pruneLiteral(node as ts.Expression, edit.shape);
      case "readerOptions":
        return this.readerOptions(node as ts.CallExpression, edit);
      case "capture":
        return this.capture(node as ts.Expression, edit.closure);
    }
  }

  private readerOptions(call: ts.CallExpression, edit: Extract<Edit, { kind: "readerOptions" }>): void {
    const ours = readerOptionProperties(this.ts, edit)
      .map((p) => this.printer.printNode(this.ts.EmitHint.Unspecified, p, this.sourceFile))
      .join(", ");
    const [first, written] = call.arguments;
    if (!first) throw new Unsupported("a reader call without a path");
    if (!written) return this.after(first.end, `, { ${ours} }`);
    const literal = this.stripWrappers(written);
    if (!this.ts.isObjectLiteralExpression(literal)) throw new Unsupported("reader options that are not an object literal");
    const properties = literal.properties;
    if (edit.placement === "only" || properties.length === 0) this.magic.overwrite(this.start(literal), literal.end, `{ ${ours} }`);
    else this.after(properties[properties.length - 1].end, `, ${ours}`);
  }

  /** `Object.defineProperty(<fn as written>, Symbol.for("rddopt.closure"), { value: ... })` (rewrite/closure.ts). */
  private capture(fn: ts.Expression, spec: ClosureSpec): void {
    const { ts } = this;
    const print = (node: ts.Node): string => this.printer.printNode(ts.EmitHint.Expression, node, this.sourceFile);
    this.before(this.start(fn), "Object.defineProperty(");
    this.after(fn.end, `, ${print(closureKey(ts))}, ${print(closureDescriptor(ts, spec))})`);
  }

  private index(argument: ts.Expression, position: number): void {
    const { ts } = this;
    this.magic.overwrite(this.start(argument), argument.end, String(position));
    const access = argument.parent;
    if (this.erase && ts.isElementAccessExpression(access) && access.argumentExpression === argument) {
      // the static type still describes the original tuple: read the renumbered position from `any`
      this.before(this.start(access.expression), "(");
      this.after(access.expression.end, " as any)");
    }
  }

  private pattern(pattern: ts.ArrayBindingPattern, kept: readonly number[]): void {
    const elements = pattern.elements;
    const inRange = kept.filter((from) => from < elements.length);
    const holes = kept.length - inRange.length;
    ascending(kept);
    this.keepSubsequence(elements, inRange);
    if (holes > 0) {
      // positions past the pattern's end (bound by nothing) stay holes, as `[a, ,]`
      const lastKept = inRange.length ? elements[inRange[inRange.length - 1]] : undefined;
      const at = lastKept ? lastKept.end : this.start(pattern) + 1;
      if (elements.hasTrailingComma && lastKept === elements[elements.length - 1]) this.remove(lastKept.end, trailingCommaEnd(this.sourceFile.text, lastKept.end));
      this.after(at, lastKept ? ", ".repeat(holes) + "," : ", ".repeat(holes - 1) + ",");
    }
    if (this.options.types === "erase-patterns") this.erasePatternType(pattern);
  }

  /** `: any` on the parameter or variable declaration the (renumbered) pattern belongs to. */
  private erasePatternType(pattern: ts.BindingPattern): void {
    const { ts } = this;
    let node: ts.Node = pattern;
    while (ts.isBindingElement(node.parent) || ts.isArrayBindingPattern(node.parent) || ts.isObjectBindingPattern(node.parent)) node = node.parent;
    const declaration = node.parent;
    if (!(ts.isParameter(declaration) || ts.isVariableDeclaration(declaration)) || declaration.name !== node) return;
    if (ts.isVariableDeclaration(declaration) && ts.isVariableDeclarationList(declaration.parent) && ts.isForOfStatement(declaration.parent.parent)) return;
    if (declaration.type) {
      if (this.magic.slice(this.start(declaration.type), declaration.type.end) !== "any") this.magic.overwrite(this.start(declaration.type), declaration.type.end, "any");
      return;
    }
    const end = ts.isParameter(declaration) && declaration.questionToken ? declaration.questionToken.end : node.end;
    if (!this.erasedDeclarations.has(declaration)) {
      this.erasedDeclarations.add(declaration);
      this.after(end, ": any");
    }
  }

  private erasedDeclarations = new Set<ts.Node>();

  private joinOptions(call: ts.CallExpression, edit: Extract<Edit, { kind: "joinOptions" }>): void {
    const ours = [`strategy: "auto"`];
    if (edit.withSite) ours.push(`site: ${JSON.stringify(edit.site)}`);
    if (edit.inPlace) ours.push("inPlace: true");
    if (edit.readOnly) ours.push("readOnly: true");
    const written = call.arguments[1];
    if (edit.placement === "only" || !written) {
      const first = call.arguments[0];
      if (!first) throw new Unsupported("a join without its other side");
      if (written) this.magic.overwrite(this.start(written), written.end, `{ ${ours.join(", ")} }`);
      else this.after(first.end, `, { ${ours.join(", ")} }`);
      return;
    }
    if (edit.placement === "spread") {
      this.before(this.start(written), `{ ${ours.join(", ")}, ...`);
      this.after(written.end, " }");
      return;
    }
    const literal = this.stripWrappers(written);
    if (!this.ts.isObjectLiteralExpression(literal)) throw new Unsupported("join options that are not an object literal");
    const properties = literal.properties;
    if (properties.length === 0) {
      this.magic.overwrite(this.start(literal), literal.end, `{ ${ours.join(", ")} }`);
    } else if (edit.placement === "before") {
      this.before(this.start(properties[0]), `${ours.join(", ")}, `);
    } else {
      this.after(properties[properties.length - 1].end, `, ${ours.join(", ")}`);
    }
  }

  private project(receiver: ts.Expression, shape: Shape, arriving: Shape): void {
    const { ts } = this;
    const spec = this.printer.printNode(ts.EmitHint.Expression, projectionSpec(ts, shape, arriving), this.sourceFile);
    // the factory parenthesizes a receiver that needs it (`(a ?? b).projectValues`): ask it, so both paths agree
    const parenthesized = ts.factory.createPropertyAccessExpression(receiver, "projectValues").expression !== receiver;
    // Only a renumbered tuple invalidates the value's static type: a projection that drops properties or
    // trailing elements leaves every downstream read typed right (U = V, no type arguments).
    const typeArguments = this.erase && renumbers(shape) ? `<${this.keyType(receiver)}, any, any>` : "";
    if (parenthesized) this.before(this.start(receiver), "(");
    this.after(receiver.end, `${parenthesized ? ")" : ""}.projectValues${typeArguments}(${spec})`);
  }

  /** The key type of `rdd`'s `[K, V]` rows when it can be written anywhere (primitives, literals, tuples of them), else `any`. */
  private keyType(rdd: ts.Expression): string {
    const checker = this.options.checker;
    if (!checker) return "any";
    try {
      const row = rowType(this.ts, checker, checker.getTypeAtLocation(rdd));
      if (!row || !checker.isTupleType(row)) return "any";
      const [key, value] = checker.getTypeArguments(row as ts.TypeReference);
      if (!key || !value || !this.portable(checker, key, 0)) return "any";
      return checker.typeToString(key, undefined, this.ts.TypeFormatFlags.NoTruncation);
    } catch {
      return "any";
    }
  }

  private portable(checker: ts.TypeChecker, type: ts.Type, depth: number): boolean {
    const { ts } = this;
    if (depth > 4) return false;
    const F = ts.TypeFlags;
    const simple = F.String | F.Number | F.Boolean | F.BigInt | F.StringLiteral | F.NumberLiteral | F.BooleanLiteral | F.BigIntLiteral | F.Null | F.Undefined;
    if (type.flags & simple && !(type.flags & F.EnumLiteral)) return true;
    if (type.isUnion()) return type.types.every((t) => this.portable(checker, t, depth + 1));
    if (checker.isTupleType(type)) {
      const target = (type as ts.TypeReference).target as ts.TupleType;
      if (target.elementFlags.some((f) => !(f & ts.ElementFlags.Required))) return false;
      return checker.getTypeArguments(type as ts.TypeReference).every((t) => this.portable(checker, t, depth + 1));
    }
    return false;
  }

  /** Prunes the literal (under its wrappers) to `shape`, keeping the kept parts' own (already edited) text. */
  private pruneLiteral(literal: ts.Expression, shape: Shape): void {
    this.pruneInPlace(literal, shape);
    if (this.erase) {
      this.before(this.start(literal), "(");
      this.after(literal.end, " as any)");
    }
  }

  private pruneInPlace(expression: ts.Expression, shape: Shape): void {
    const { ts } = this;
    if (shape.kind === "keep") return;
    const node = this.stripWrappers(expression);
    if (shape.kind === "none") {
      this.magic.overwrite(this.start(node), node.end, "void 0"); // (canPruneLiteral: it has no effect)
      return;
    }
    if (shape.kind === "tuple" && ts.isArrayLiteralExpression(node)) {
      const kept = shape.elements.map((e) => e.from);
      ascending(kept);
      if (kept.some((from) => from >= node.elements.length)) throw new Unsupported("a literal shorter than its tuple");
      this.keepSubsequence(node.elements, kept);
      for (const element of shape.elements) this.pruneInPlace(node.elements[element.from], element.shape);
      return;
    }
    if (shape.kind === "object" && ts.isObjectLiteralExpression(node)) {
      const kept: number[] = [];
      node.properties.forEach((p, i) => {
        if (shape.properties.some((k) => k.name === simplePropertyName(ts, p))) kept.push(i);
      });
      this.keepSubsequence(node.properties, kept);
      for (const i of kept) {
        const property = node.properties[i];
        const wanted = shape.properties.find((k) => k.name === simplePropertyName(ts, property))!;
        if (wanted.shape.kind === "keep") continue;
        if (!ts.isPropertyAssignment(property)) throw new Unsupported("a shorthand property that would need pruning");
        this.pruneInPlace(property.initializer, wanted.shape);
      }
      return;
    }
    throw new Unsupported("a literal that cannot be pruned in place");
  }

  /**
   * Removes the wrappers `innerExpression` looks through that the factory path drops (`as T`, `satisfies T`,
   * `!`, `<T>`); parentheses stay (they never change a value, and may be needed where the literal sits).
   */
  private stripWrappers(expression: ts.Expression): ts.Expression {
    const { ts } = this;
    let current = expression;
    for (;;) {
      if (ts.isParenthesizedExpression(current)) current = current.expression;
      else if (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isNonNullExpression(current)) {
        this.remove(current.expression.end, current.end);
        current = current.expression;
      } else if (ts.isTypeAssertionExpression(current)) {
        this.remove(this.start(current), this.start(current.expression));
        current = current.expression;
      } else break;
    }
    if (current !== innerExpression(ts, expression)) throw new Unsupported("unexpected wrapper");
    return current;
  }

  /**
   * Keeps the elements at `kept` (ascending) of a comma-separated list and removes the others with their
   * separators, leaving the kept elements' text (and the edits already made inside it) untouched. A trailing
   * comma stays after a kept last element (no hole: `[a,]` has one element) and goes when nothing is kept.
   */
  private keepSubsequence(elements: ts.NodeArray<ts.Node>, kept: readonly number[]): void {
    const n = elements.length;
    if (n === 0) return;
    const last = elements[n - 1];
    if (kept.length === 0) {
      this.remove(this.start(elements[0]), elements.hasTrailingComma ? trailingCommaEnd(this.sourceFile.text, last.end) : last.end);
      return;
    }
    if (kept[0] > 0) this.remove(this.start(elements[0]), this.start(elements[kept[0]]));
    for (let k = 1; k < kept.length; k++) {
      const [i, j] = [kept[k - 1], kept[k]];
      // from after the comma that ends element i to after the one that ends element j - 1 (holes have no text of their own)
      if (j > i + 1) this.remove(trailingCommaEnd(this.sourceFile.text, elements[i].end), trailingCommaEnd(this.sourceFile.text, elements[j - 1].end));
    }
    const lastKept = kept[kept.length - 1];
    if (lastKept < n - 1) this.remove(elements[lastKept].end, last.end);
  }
}

/** T of `type` when it is `RDD<T>` (what RDD methods return); undefined for anything else. */
function rowType(ts: TS, checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  if (!(type.flags & ts.TypeFlags.Object) || !((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)) return undefined;
  const reference = type as ts.TypeReference;
  if (reference.target.symbol?.name !== "RDD") return undefined;
  return checker.getTypeArguments(reference)[0];
}

/** Whether a value projected to `shape` has some part at another position than its type says. */
export function renumbers(shape: Shape): boolean {
  switch (shape.kind) {
    case "tuple":
      return shape.elements.some((e, i) => e.from !== i || renumbers(e.shape));
    case "object":
      return shape.properties.some((p) => renumbers(p.shape));
    default:
      return false;
  }
}

function ascending(indices: readonly number[]): void {
  for (let i = 1; i < indices.length; i++) if (indices[i] <= indices[i - 1]) throw new Unsupported("a reordering edit (text edits keep order)");
}

/** The position after the `,` that follows `from` (skipping whitespace and comments). */
function trailingCommaEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ",") return i + 1;
    if (/\s/.test(ch)) i++;
    else if (text.startsWith("//", i)) i = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
    else if (text.startsWith("/*", i)) i = text.indexOf("*/", i + 2) < 0 ? text.length : text.indexOf("*/", i + 2) + 2;
    else return from;
  }
  return from;
}
