/** Report pieces without a compiler: plugin options from tsconfig, the diff model, the text rendering. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pluginOptions } from "../../cli/options.js";
import { fileReport, summarize, type Report } from "../../cli/report.js";
import { renderText } from "../../cli/render-text.js";

describe("pluginOptions", () => {
  it("reads prune/broadcast from the rddopt entry and defaults both to on", () => {
    expect(pluginOptions({})).toEqual({ prune: true, broadcast: true });
    expect(pluginOptions({ plugins: [{ transform: "other-plugin", prune: false }] })).toEqual({ prune: true, broadcast: true });
    expect(pluginOptions({ plugins: [{ transform: "rddopt/transformer", broadcast: false }] })).toEqual({ prune: true, broadcast: false });
    expect(pluginOptions({ plugins: [{ transform: "rddopt/transformer", prune: false }] })).toEqual({ prune: false, broadcast: true });
  });
});

describe("text report", () => {
  const cwd = process.cwd();
  const changed = fileReport({
    fileName: path.join(cwd, "src", "a.ts"),
    before: "a.join(b);\nkeep();\n",
    after: "a.join(b, { strategy: \"auto\" });\nkeep();\n",
    changed: true,
    optimizations: [
      { site: "src/a.ts:1:3", file: "src/a.ts", line: 1, column: 3, kind: "broadcast", operation: "join", status: "applied", reason: "no options" },
      { site: "src/a.ts:1:1", file: "src/a.ts", line: 1, column: 1, kind: "prune", operation: "join", status: "skipped", reason: "spread observes the whole value" },
    ],
  });
  const untouched = fileReport({ fileName: path.join(cwd, "src", "b.ts"), before: "x;\n", after: "x;\n", changed: false, optimizations: [] });
  const report: Report = { project: "tsconfig.json", typescript: "6.0.3", options: { prune: true, broadcast: true }, summary: summarize([changed, untouched]), files: [changed, untouched] };

  it("diffs only the changed file and sorts optimizations by position", () => {
    expect(untouched.diff).toBe("");
    expect(changed.diff).toContain("-a.join(b);\n+a.join(b, { strategy: \"auto\" });");
    expect(changed.optimizations.map((o) => o.column)).toEqual([1, 3]);
    expect(report.summary).toEqual({ files: 2, changed: 1, applied: 1, skipped: 1, warnings: 0 });
  });

  it("prints the diff, the optimizations and a summary; colours only when asked", () => {
    const plain = renderText(report, false);
    expect(plain).toContain("--- a/src/a.ts\n+++ b/src/a.ts\n@@");
    expect(plain).not.toContain("src/b.ts");
    expect(plain).toMatch(/skipped\s+prune\s+join\s+src\/a\.ts:1:1\n\s+spread observes the whole value/);
    expect(plain).toContain("rddopt: 1 of 2 files would change; 1 optimization applied, 1 skipped.");
    expect(plain).not.toContain("\x1b[");
    expect(renderText(report, true)).toContain("\x1b[32m+a.join(b, { strategy: \"auto\" });");
  });
});

describe("grouped skips and warnings", () => {
  const cwd = process.cwd();
  const skip = (line: number) => ({ site: `src/c.ts:${line}:1`, file: "src/c.ts", line, column: 1, kind: "prune" as const, operation: "reduceByKey", status: "skipped" as const, reason: "the function of reduceByKey combines whole values (field 0 of the result reads field 1)" });
  const file = fileReport({
    fileName: path.join(cwd, "src", "c.ts"),
    before: "x;\n",
    after: "x;\n",
    changed: false,
    optimizations: [skip(3), skip(7), skip(9)],
    warnings: [{ code: 90005, file: "src/c.ts", start: 0, length: 0, message: "rddopt: this file has syntax or type errors" }],
  });
  const report: Report = { project: "tsconfig.json", typescript: "6.0.3", options: { prune: true, broadcast: true }, summary: summarize([file]), files: [file] };

  it("prints a repeated skip once, with its sites, and the file's warnings", () => {
    const text = renderText(report, false);
    expect(text.match(/combines whole values/g)).toHaveLength(1);
    expect(text).toContain("3 sites: 3:1, 7:1, 9:1");
    expect(text).toContain("TS90005");
    expect(report.summary.warnings).toBe(1);
    expect(text).toContain("1 warning.");
  });
});
