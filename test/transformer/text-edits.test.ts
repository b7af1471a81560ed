/**
 * Text edits (rewrite/text.ts) against the factory path (rewrite/apply.ts): for every golden case and a few
 * programs of our own, both applied to the same plan must print the same (the TS printer on both, with
 * redundant parentheses normalised away); nested edits compose; the source map leads back to the original.
 */
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { normalizeOptions, planFor } from "../../transformer/engine.js";
import { applyEdits } from "../../transformer/rewrite/apply.js";
import { applyTextEdits, textEditMap } from "../../transformer/rewrite/text.js";
import { Edits } from "../../transformer/plan/edits.js";
import type { RddoptOptions } from "../../transformer/report/types.js";
import { rewriteProgram } from "../../cli/rewrite.js";
import { ROOT, programOf, userErrors } from "./harness.js";

const GOLDEN = path.join(ROOT, "test", "golden");
const CASES = fs.readdirSync(GOLDEN).filter((name) => fs.existsSync(path.join(GOLDEN, name, "input.ts"))).sort();
const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
const bare = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: true });

/**
 * Prints a file with parentheses only where the printer needs them, without comments and trailing commas:
 * the text path keeps the user's (the factory path drops some), and none of them changes the program.
 */
function normalised(file: ts.SourceFile): string {
  const result = ts.transform(file, [
    (context) => (root) => {
      const visit = (node: ts.Node): ts.Node => {
        if (ts.isParenthesizedExpression(node)) return visit(node.expression);
        return ts.visitEachChild(node, visit, context);
      };
      return ts.visitEachChild(root, visit, context);
    },
  ]);
  // reparse the printed text: a printed synthesized tree may lack parentheses that a parse would need
  const printed = printer.printFile(result.transformed[0]);
  result.dispose();
  return bare.printFile(ts.createSourceFile(file.fileName, printed, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS)).replace(/,(\s*[\]})])/g, "$1");
}

function bothPaths(program: ts.Program, file: string, options: RddoptOptions) {
  const sourceFile = program.getSourceFile(file)!;
  const plan = planFor(ts, program, sourceFile, normalizeOptions(options));
  const factory = ts.transform(sourceFile, [(context) => (f) => applyEdits(ts, context, f, plan.edits)]);
  const viaFactory = printer.printFile(factory.transformed[0]);
  factory.dispose();
  const text = applyTextEdits(ts, sourceFile, plan.edits);
  const reparse = (name: string, code: string) => ts.createSourceFile(name, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  return { plan, text, factory: normalised(reparse(file, viaFactory)), fromText: normalised(reparse(file, text.code)) };
}

const optionsOf = (name: string): RddoptOptions => {
  const file = path.join(GOLDEN, name, "options.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as RddoptOptions) : { broadcast: false };
};

describe("text edits agree with factory edits on every golden case", () => {
  const files = CASES.map((n) => path.join(GOLDEN, n, "input.ts"));
  const program = programOf(files);
  it("the goldens type-check", () => expect(userErrors(program)).toEqual([]));
  it.each(CASES)("%s", (name) => {
    for (const options of [optionsOf(name), { prune: true, broadcast: true }]) {
      const { plan, text, factory, fromText } = bothPaths(program, path.join(GOLDEN, name, "input.ts"), options);
      expect(fromText).toBe(factory);
      expect(text.changed).toBe(plan.edits.size > 0 && factory !== normalised(program.getSourceFile(path.join(GOLDEN, name, "input.ts"))!));
    }
  });

  it("with types erased at the edited sites (rddopt rewrite), every rewritten golden still type-checks", () => {
    const tsApi = ts as unknown as Parameters<typeof rewriteProgram>[0]; // the namespace type the CLI uses
    const result = rewriteProgram(tsApi, program, files, { prune: true, broadcast: true }, (file) => `${file}.rewritten.ts`);
    expect(result.remainingErrors).toEqual(new Map());
    expect(result.files.length).toBeGreaterThan(15);
    // the edited sites' erasure was enough everywhere: no pattern annotations, no @ts-nocheck
    expect(result.files.filter((f) => f.typing !== "sites").map((f) => [f.fileName, f.typeError])).toEqual([]);
    expect(result.files.find((f) => f.fileName.endsWith("seed-join/input.ts"))!.code).toContain(
      "rdd1.projectValues([0]).join(rdd2.projectValues<number, any, any>([1])",
    );
  });
});

/** Hand-built edits on a parsed file: both paths applied to the same Edits. */
function handBuilt(source: string, build: (file: ts.SourceFile, find: (text: string, kind: ts.SyntaxKind, nth?: number) => ts.Node) => Edits, erase = false) {
  const file = ts.createSourceFile("/virtual/hand.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const find = (text: string, kind: ts.SyntaxKind, nth = 0): ts.Node => {
    const found: ts.Node[] = [];
    const visit = (node: ts.Node) => {
      if (node.kind === kind && node.getText(file) === text) found.push(node);
      ts.forEachChild(node, visit);
    };
    visit(file);
    if (!found[nth]) throw new Error(`no ${ts.SyntaxKind[kind]} ${text}`);
    return found[nth];
  };
  const edits = build(file, find);
  const factory = ts.transform(file, [(context) => (f) => applyEdits(ts, context, f, edits)]);
  const viaFactory = printer.printFile(factory.transformed[0]);
  factory.dispose();
  const text = applyTextEdits(ts, file, edits, erase ? { types: "erase" } : {});
  const reparse = (code: string) => ts.createSourceFile("/virtual/hand.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  return { code: text.code, result: text, agree: () => expect(normalised(reparse(text.code))).toBe(normalised(reparse(viaFactory))) };
}

const K = { kind: "keep" } as const;
const tuple = (length: number, ...elements: [number, Parameters<typeof Object>[0]?][]) =>
  ({ kind: "tuple", length, elements: elements.map(([from, shape]) => ({ from, shape: shape ?? K })) }) as never;

describe("nested text edits compose", () => {
  it("an index renumbered inside a kept element of a pruned literal stays renumbered; one inside a dropped element goes with it", () => {
    const source = [
      "const f = (v: [number, number, [number, number, number]]) => [",
      "  v[0] /* dropped */,",
      "  v[2][2], // kept",
      "  [v[1], v[2][1], 9],",
      "];",
      "",
    ].join("\n");
    const { code, agree } = handBuilt(source, (_file, find) => {
      const edits = new Edits();
      const literal = find(source.slice(source.indexOf("[\n"), source.lastIndexOf("]") + 1), ts.SyntaxKind.ArrayLiteralExpression);
      edits.add(find("0", ts.SyntaxKind.NumericLiteral, 0), { kind: "index", position: 5 }); // inside the dropped element
      edits.add(find("2", ts.SyntaxKind.NumericLiteral, 1), { kind: "index", position: 0 }); // v[2][2] -> v[2][0]
      edits.add(find("1", ts.SyntaxKind.NumericLiteral, 1), { kind: "index", position: 7 }); // v[2][1] -> v[2][7], inside a pruned nested literal
      edits.add(literal, { kind: "pruneLiteral", shape: tuple(3, [1], [2, tuple(3, [1])]) });
      return edits;
    });
    expect(code).toBe(["const f = (v: [number, number, [number, number, number]]) => [", "  v[2][0], // kept", "  [v[2][7]],", "];", ""].join("\n"));
    agree();
  });

  it("object literals keep their formatting, comments and trailing commas; wrappers the factory drops go", () => {
    const source = "const o = ({\n  a: 1,\n  // about b\n  b: [x[3], 2] as [number, number],\n  c: 3,\n}) satisfies object;\ndeclare const x: number[];\n";
    const { code, agree } = handBuilt(source, (_file, find) => {
      const edits = new Edits();
      edits.add(find("3", ts.SyntaxKind.NumericLiteral, 0), { kind: "index", position: 1 });
      const literal = (find("o", ts.SyntaxKind.Identifier).parent as ts.VariableDeclaration).initializer!;
      edits.add(literal, { kind: "pruneLiteral", shape: { kind: "object", total: 3, properties: [{ name: "b", shape: tuple(2, [0]) }] } as never });
      return edits;
    });
    expect(code).toBe("const o = ({\n  b: [x[1]],\n});\ndeclare const x: number[];\n");
    agree();
  });

  it("patterns drop unbound elements and keep holes; everything removed leaves no hole", () => {
    const source = "const g = ([[id, , score = 0], [, weight], [p, q,]]: any) => id + score + weight + p;\n";
    const { code, agree } = handBuilt(source, (_file, find) => {
      const edits = new Edits();
      edits.add(find("[id, , score = 0]", ts.SyntaxKind.ArrayBindingPattern), { kind: "pattern", kept: [0, 2] });
      edits.add(find("[, weight]", ts.SyntaxKind.ArrayBindingPattern), { kind: "pattern", kept: [1] });
      edits.add(find("[p, q,]", ts.SyntaxKind.ArrayBindingPattern), { kind: "pattern", kept: [0] });
      return edits;
    });
    expect(code).toBe("const g = ([[id, score = 0], [weight], [p,]]: any) => id + score + weight + p;\n");
    agree();
  });

  it("join options: none, appended, prepended, spread; projections on both sides and a receiver that needs parentheses", () => {
    const source = [
      "declare const a: any, b: any, c: any, opts: any;",
      "a.join(b);",
      "a.join(b, { numPartitions: 2, });",
      "a.join(b, { ...opts, numPartitions: 2 });",
      "a.join(b, opts);",
      "(a ?? c).join(b ?? c);",
      "",
    ].join("\n");
    const { code, agree } = handBuilt(source, (file, find) => {
      const edits = new Edits();
      const calls = file.statements.slice(1).map((s) => (s as ts.ExpressionStatement).expression as ts.CallExpression);
      edits.add(calls[0], { kind: "joinOptions", site: "m.ts:2:3", withSite: true, inPlace: false, placement: "only" });
      edits.add(calls[1], { kind: "joinOptions", site: "m.ts:3:3", withSite: true, inPlace: true, placement: "after" });
      edits.add(calls[2], { kind: "joinOptions", site: "m.ts:4:3", withSite: false, inPlace: true, placement: "before" });
      edits.add(calls[3], { kind: "joinOptions", site: "m.ts:5:3", withSite: true, inPlace: true, placement: "spread" });
      edits.add(calls[0].arguments[0], { kind: "project", shape: tuple(3, [2]), arriving: K });
      edits.add((calls[4].expression as ts.PropertyAccessExpression).expression, { kind: "project", shape: tuple(3, [0]), arriving: K });
      edits.add(calls[4].arguments[0], { kind: "project", shape: tuple(3, [1]), arriving: tuple(3, [0], [1]) });
      edits.add(calls[4], { kind: "joinOptions", site: "m.ts:6:10", withSite: true, inPlace: false, placement: "only" });
      void find;
      return edits;
    });
    expect(code.split("\n").slice(1)).toEqual([
      'a.join(b.projectValues([2]), { strategy: "auto", site: "m.ts:2:3" });',
      'a.join(b, { numPartitions: 2, strategy: "auto", site: "m.ts:3:3", inPlace: true, });',
      'a.join(b, { strategy: "auto", inPlace: true, ...opts, numPartitions: 2 });',
      'a.join(b, { strategy: "auto", site: "m.ts:5:3", inPlace: true, ...opts });',
      '(a ?? c).projectValues([0]).join((b ?? c).projectValues([1]), { strategy: "auto", site: "m.ts:6:10" });',
      "",
    ]);
    agree();
  });

  it("erase mode types the edited sites as any, and only those", () => {
    const source = "declare const r: any;\nconst h = (v: [number, string]) => [v[1], 2] as [string, number];\nr.groupByKey();\n";
    const { code } = handBuilt(
      source,
      (file, find) => {
        const edits = new Edits();
        edits.add(find("1", ts.SyntaxKind.NumericLiteral, 0), { kind: "index", position: 0 });
        edits.add(find("[v[1], 2] as [string, number]", ts.SyntaxKind.AsExpression), { kind: "pruneLiteral", shape: tuple(2, [0]) });
        edits.add(find("r", ts.SyntaxKind.Identifier, 1), { kind: "project", shape: tuple(2, [1]), arriving: K });
        void file;
        return edits;
      },
      true,
    );
    expect(code).toBe("declare const r: any;\nconst h = (v: [number, string]) => ([(v as any)[0]] as any);\nr.projectValues<any, any, any>([1]).groupByKey();\n");
  });

  it("the source map leads from the edited text back to the original lines and columns", async () => {
    const { decode } = await import("@jridgewell/sourcemap-codec");
    const source = "const a = 1;\n\nfoo\n  .join(bar);\nconst after = 2;\n";
    const { result } = handBuilt(source, (file) => {
      const edits = new Edits();
      const call = (file.statements[1] as ts.ExpressionStatement).expression as ts.CallExpression;
      edits.add((call.expression as ts.PropertyAccessExpression).expression, { kind: "project", shape: tuple(2, [0]), arriving: K });
      return edits;
    });
    const map = textEditMap(result, "src/original.ts", "out.ts");
    expect(map.sources).toEqual(["src/original.ts"]);
    expect(map.sourcesContent).toEqual([source]);
    const lines = decode(map.mappings);
    const generated = result.code.split("\n");
    const line = generated.findIndex((l) => l.startsWith("const after"));
    expect(line).toBe(4);
    // the first segment of that line maps to line 4 (0-based), column 0 of the original
    expect(lines[line][0]!.slice(2, 4)).toEqual([4, 0]);
    const joinLine = generated.findIndex((l) => l.includes(".join("));
    const column = generated[joinLine]!.indexOf("join");
    const segment = lines[joinLine]!.filter((s) => s[0] <= column).pop()!;
    expect([segment[2], segment[3]! + (column - segment[0])]).toEqual([3, source.split("\n")[3]!.indexOf("join")]);
  });
});
