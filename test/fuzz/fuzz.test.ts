/**
 * The quick differential run in `npm test`: a few hundred generated programs,
 * each compiled without the plugin, with prune only and with everything, run
 * on seeded data; results must be equal as multisets. `npm run fuzz` runs more.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { fuzz } from "./lib/driver.js";
import { Harness, compareOutcomes } from "./lib/harness.js";
import { generateProgram } from "./lib/program.js";
import { serialise } from "./lib/child.mjs";
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
  });

  it("compares rows as multisets and errors by kind", () => {
    const ok = (...rows: string[]) => ({ ok: true as const, outputs: [rows.sort()] });
    expect(compareOutcomes(ok("a", "b", "b"), ok("b", "a", "b"))).toBeUndefined();
    expect(compareOutcomes(ok("a", "b", "b"), ok("a", "a", "b"))).toMatch(/first difference/);
    expect(compareOutcomes(ok("a"), { ok: false, error: "JobFailedError: x" })).toMatch(/threw/);
    expect(compareOutcomes({ ok: false, error: "JobFailedError: x" }, { ok: false, error: "JobFailedError: y" })).toBeUndefined();
  });
});

describe("generator", () => {
  it("is deterministic and needs no choices for a minimal program", () => {
    const choices = [5, 17, 3, 99, 4, 1, 0, 7, 12, 41, 8, 2];
    expect(generateProgram(choices).source).toBe(generateProgram(choices).source);
    expect(generateProgram([]).source).toContain("ctx.parallelize");
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

  it(`finds no mismatch, crash or ill-typed program in ${QUICK_RUNS} generated programs`, async () => {
    const summary = await fuzz({ root, workDir, runs: QUICK_RUNS, seed: 20261123, batchSize: 100, shrink: false });
    const failures = summary.failures.map((f) => `${f.status}: ${f.detail}\n${f.source}`);
    expect(summary.programs).toBe(QUICK_RUNS);
    expect(summary.typeErrors, summary.samples.map((s) => s.detail).join("\n")).toBe(0);
    expect(failures.slice(0, 2).join("\n\n")).toBe("");
    expect(summary.ok + summary.errorEverywhere + summary.skipped).toBe(QUICK_RUNS);
    expect(summary.errorEverywhere, summary.samples.map((s) => s.detail).join("\n")).toBe(0);
  }, 180_000);
});
