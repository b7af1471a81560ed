/** The report keeps closure annotations out of the diff and lists functions by where they run, grouped by reason. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOptions } from "../../cli/options.js";
import { fileReport, summarize, type Report } from "../../cli/report.js";
import { renderText } from "../../cli/render-text.js";
import type { Optimization } from "../../transformer/report/types.js";

const capture = (line: number, status: Optimization["status"], reason: string): Optimization => ({
  site: `src/a.ts:${line}:3`, file: "src/a.ts", line, column: 3, kind: "capture", operation: "map", status, reason,
});

describe("capture in the text report", () => {
  const file = fileReport({
    fileName: path.join(process.cwd(), "src", "a.ts"),
    before: "a.map(f);\n",
    after: "a.map(f);\n",
    changed: false,
    optimizations: [
      capture(1, "applied", "runs on workers (captures values k)"),
      capture(2, "skipped", "runs in process: it writes to the console (output stays in process, in order)"),
      capture(3, "skipped", "runs in process: it writes to the console (output stays in process, in order)"),
      capture(4, "skipped", "runs in process: it uses `this`"),
      { site: "src/a.ts:5:1", file: "src/a.ts", line: 5, column: 1, kind: "prune", operation: "join", status: "skipped", reason: "spread" },
    ],
  });
  const report: Report = { project: "tsconfig.json", typescript: "6.0.3", options: { prune: true, broadcast: true }, summary: summarize([file]), files: [file] };

  it("counts functions apart from optimizations", () => {
    expect(report.summary).toMatchObject({ applied: 0, skipped: 1, captures: { workers: 1, inProcess: 3 } });
  });

  it("prints a count and the in-process reasons with their sites, once per reason", () => {
    const text = renderText(report, false);
    expect(text).toContain("  functions: 1 can run on workers, 3 in process\n");
    expect(text).toContain("    it writes to the console (output stays in process, in order)\n      2 sites: map 2:3, map 3:3\n");
    expect(text).toContain("    it uses `this`\n      1 site: map 4:3");
    expect(text.match(/writes to the console/g)).toHaveLength(1);
    expect(text).toContain("0 optimizations applied, 1 skipped; 1 function can run on workers, 3 in process.");
  });

  it("reads capture and imports from the tsconfig plugin entry (both default to on)", () => {
    expect(captureOptions({})).toEqual({ capture: true, imports: true });
    expect(captureOptions({ plugins: [{ transform: "rddopt/transformer", capture: false, imports: false }] })).toEqual({ capture: false, imports: false });
  });
});
