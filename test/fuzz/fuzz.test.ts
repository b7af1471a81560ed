/**
 * The quick differential run in `npm test`: 150 generated programs (in four
 * batches, one per tsconfig variant), each compiled without the plugin, with
 * prune only and with everything, run on seeded data; results must be equal as
 * multisets, except for the open mismatch classes of lib/open.ts (reported,
 * not fixed yet). `npm run fuzz` runs more.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { fuzz } from "./lib/driver.js";
import { Harness, compareOutcomes, mismatchKind } from "./lib/harness.js";
import { generateProgram } from "./lib/program.js";
import { normaliseError, serialise } from "./lib/child.mjs";
import { openMismatch } from "./lib/open.js";
import type { ProgramTransformer } from "./lib/compile.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const workDir = path.join(root, "test", "fuzz", ".cache", "vitest");
const QUICK_RUNS = Number(process.env.FUZZ_QUICK_RUNS ?? 150);

describe("canonical results", () => {
  it("keep -0, NaN, undefined, holes and absent properties apart", () => {
    expect(serialise(-0)).not.toBe(serialise(0));
    expect(serialise(NaN)).not.toBe(serialise(null));
    expect(serialise([undefined])).not.toBe(serialise([null]));
    expect(serialise([, 1])).not.toBe(serialise([undefined, 1])); // eslint-disable-line no-sparse-arrays
    expect(serialise({ a: undefined })).not.toBe(serialise({}));
    expect(serialise({ a: 1, b: 2 })).not.toBe(serialise({ b: 2, a: 1 }));
    expect(serialise("1")).not.toBe(serialise(1));
    expect(serialise(Object.assign(Object.create(null) as object, { a: 1 }))).not.toBe(serialise({ a: 1 }));
    expect(serialise(Object.assign([1, 2], { note: "x" }))).not.toBe(serialise([1, 2]));
    expect(serialise([[1, 2]])).not.toBe(serialise([[1, 2], undefined]));
    expect(serialise(NaN)).not.toBe(serialise(-0));
    class Box {
      constructor(readonly a: number) {}
    }
    expect(serialise(new Box(1))).not.toBe(serialise({ a: 1 }));
  });

  it("marks results that failed, with what differs between builds masked", () => {
    const a = "JobFailedError: Job failed: the function passed to map threw in stage 3, partition 1 (computing map [12] at main (file:///w/plain/p0/main.js:40:7)): boom";
    const b = "JobFailedError: Job failed: the function passed to map threw in stage 4, partition 0 (computing projectValues [13] at file:///w/prune/p0/main.js:41:9): boom";
    expect(normaliseError(a)).toBe(normaliseError(b));
    expect(normaliseError(a)).toBe("JobFailedError: Job failed: the function passed to map threw: boom");
    expect(serialise({ "!error": a })).toBe(`<error ${normaliseError(a)}>`);
    expect(serialise({ "!error": a, other: 1 })).not.toMatch(/^<error/);
  });

  it("compares rows as multisets and errors by kind", () => {
    const ok = (...rows: string[]) => ({ ok: true as const, outputs: [rows.sort()] });
    expect(compareOutcomes(ok("a", "b", "b"), ok("b", "a", "b"))).toBeUndefined();
    expect(compareOutcomes(ok("a", "b", "b"), ok("a", "a", "b"))).toMatch(/first difference/);
    expect(compareOutcomes(ok("a"), { ok: false, error: "JobFailedError: x" })).toMatch(/threw/);
    expect(compareOutcomes({ ok: false, error: "JobFailedError: x" }, { ok: false, error: "JobFailedError: x" })).toBeUndefined();
    expect(compareOutcomes({ ok: false, error: "JobFailedError: x" }, { ok: false, error: "JobFailedError: y" })).toMatch(/error messages differ/);
    expect(compareOutcomes({ ok: false, error: "JobFailedError: x" }, { ok: false, error: "TypeError: x" })).toMatch(/errors differ/);
    expect(compareOutcomes(ok("<error TypeError: x>"), ok("1"))).toMatch(/first difference/);
    expect(mismatchKind("prune: output 0: 1 rows vs 2; plain has <error JobFailedError: Job failed: Cannot serialize [1]: it is a function. (cause: SerializationError: x)>, got [1] (first difference of the sorted rows)")).toBe(
      "plain-only-error:JobFailedError/SerializationError(a function)",
    );
    expect(mismatchKind("all: output 1: plain has [1], got [2] (first difference of the sorted rows)")).toBe("rows");
  });
});

describe("generator", () => {
  it("is deterministic and needs no choices for a minimal program", () => {
    const choices = [5, 17, 3, 99, 4, 1, 0, 7, 12, 41, 8, 2];
    expect(generateProgram(choices).source).toBe(generateProgram(choices).source);
    expect(generateProgram([]).source).toContain("ctx.parallelize");
  });

  it("reads the issue-10 regions from the back of the sequence; without them a program is the first generator's", () => {
    const choices = Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 1000);
    const first = generateProgram(choices, { extensions: false });
    expect(first.ops.some((o) => o.startsWith("x:"))).toBe(false);
    expect(first.files).toBeUndefined();
    expect(first.source).not.toContain("attempt(");
    // Extension choices that all say "yes" (99 % 100 passes every chance()): the regions appear.
    const extended = generateProgram(Array(400).fill(99));
    expect(extended.ops.filter((o) => o.startsWith("x:")).length).toBeGreaterThan(3);
  });
});

describe("harness", () => {
  it("catches a transformer that changes results (a deliberately wrong rewrite)", async () => {
    // Rewrites every `x + 1` into `x + 2`: any program computing `(... + 1)` must come out different.
    const wrong: ProgramTransformer = () => (context) => (sf) => {
      const visit = (node: ts.Node): ts.Node => {
        if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken && ts.isNumericLiteral(node.right) && node.right.text === "1") {
          return context.factory.updateBinaryExpression(node, ts.visitNode(node.left, visit) as ts.Expression, node.operatorToken, context.factory.createNumericLiteral(2));
        }
        return ts.visitEachChild(node, visit, context);
      };
      return ts.visitNode(sf, visit) as ts.SourceFile;
    };
    const harness = new Harness({ root, workDir, transformer: wrong });
    const source = generateProgram([]).source.replace(/\.mapValues\(\(v\) => v\)/, ".mapValues((v) => v + 1)");
    expect(source).toContain("v + 1");
    const [result] = (await harness.runSources([{ source, ops: [], case: { choices: [], seed: 7 } }])).results;
    expect(result!.status).toBe("mismatch");
    expect(result!.changedBy).toEqual(["prune", "all"]);
  }, 60_000);

  it(`finds no mismatch (but the open ones), crash or ill-typed program in ${QUICK_RUNS} generated programs`, async () => {
    // Batches of 38: one per tsconfig variant (strict, strict: false, noUncheckedIndexedAccess, exactOptionalPropertyTypes).
    const summary = await fuzz({ root, workDir, runs: QUICK_RUNS, seed: 20261123, batchSize: Math.ceil(QUICK_RUNS / 4), shrink: false });
    const kindOf = (f: { status: string; detail: string }) => (f.status === "mismatch" ? `${f.detail.split(":")[0]}:${mismatchKind(f.detail)}` : f.status);
    const open = summary.failures.filter((f) => openMismatch(kindOf(f)));
    const failures = summary.failures.filter((f) => !openMismatch(kindOf(f))).map((f) => `${f.status} (${f.tsVariant}): ${f.detail}\n${f.source}`);
    if (open.length) console.warn(`fuzz: ${open.length} mismatches of open classes (test/fuzz/lib/open.ts): ${[...new Set(open.map(kindOf))].join(", ")}`);
    expect(summary.programs).toBe(QUICK_RUNS);
    expect(Object.keys(summary.byTsVariant).sort()).toEqual(["exact", "loose", "strict", "unchecked"]);
    expect(summary.multiModule).toBeGreaterThan(0);
    expect(summary.typeErrors, summary.samples.map((s) => s.detail).join("\n")).toBe(0);
    expect(failures.slice(0, 2).join("\n\n")).toBe("");
    expect(summary.ok + summary.errorEverywhere + summary.skipped + open.length).toBe(QUICK_RUNS);
    expect(summary.errorEverywhere, summary.samples.map((s) => s.detail).join("\n")).toBe(0);
  }, 180_000);
});
