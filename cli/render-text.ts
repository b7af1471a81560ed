/** The report for a terminal: colored unified diffs and one line per optimization. */
import pc from "picocolors";
import type { Optimization } from "../transformer/report/types.js";
import { describeEstimate } from "../transformer/plan/estimate.js";
import { filesToShow, summaryLine, type Report } from "./report.js";
import { captureLines } from "./render-capture.js";

type Colors = ReturnType<typeof pc.createColors>;

function colorDiffLine(line: string, c: Colors): string {
  if (line.startsWith("+++") || line.startsWith("---")) return c.bold(line);
  if (line.startsWith("+")) return c.green(line);
  if (line.startsWith("-")) return c.red(line);
  if (line.startsWith("@@")) return c.cyan(line);
  return line;
}

/** Drops the "Index:" and "====" lines that `diff` puts above the headers. */
function diffBody(diff: string): string[] {
  return diff
    .split("\n")
    .filter((line, i) => !(i < 2 && (line.startsWith("Index:") || line.startsWith("===="))))
    .filter((line, i, all) => !(i === all.length - 1 && line === ""));
}

export function optimizationLine(o: Optimization, c: Colors): string {
  const status = o.status === "applied" ? c.green("applied") : c.yellow("skipped");
  const estimate = o.estimate ? `\n           ${c.dim(`effect: ${describeEstimate(o.estimate)}`)}` : "";
  return `  ${status}  ${o.kind.padEnd(9)} ${o.operation.padEnd(14)} ${c.dim(o.site)}\n           ${o.reason}${estimate}`;
}

/**
 * One line per optimization; skips with the same operation and reason that repeat in a file are grouped
 * into one line listing their sites, so a report stays readable on large files.
 */
function optimizationLines(optimizations: readonly Optimization[], c: Colors): string[] {
  const groups = new Map<string, Optimization[]>();
  for (const o of optimizations) {
    const key = o.status === "skipped" ? `${o.kind}|${o.operation}|${o.reason}` : `${o.site}|${groups.size}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  return [...groups.values()].map((group) => {
    if (group.length < 3) return group.map((o) => optimizationLine(o, c)).join("\n");
    const first = group[0];
    const sites = group.map((o) => `${o.line}:${o.column}`).join(", ");
    return `  ${c.yellow("skipped")}  ${first.kind.padEnd(9)} ${first.operation.padEnd(14)} ${c.dim(`${group.length} sites: ${sites}`)}\n           ${first.reason}`;
  });
}

export function renderText(report: Report, useColor: boolean): string {
  const c = pc.createColors(useColor);
  const out: string[] = [];
  for (const file of filesToShow(report)) {
    out.push(c.bold(file.changed ? file.file : `${file.file} (unchanged)`));
    if (file.changed) out.push(...diffBody(file.diff).map((l) => colorDiffLine(l, c)));
    const optimizations = file.optimizations.filter((o) => o.kind !== "capture");
    if (optimizations.length > 0) {
      out.push("", "  optimizations:");
      out.push(...optimizationLines(optimizations, c));
    }
    out.push(...captureLines(file.optimizations, c));
    if (file.warnings.length > 0) {
      out.push("", "  warnings:");
      out.push(...file.warnings.map((w) => `  ${c.yellow(`TS${w.code}`)}  ${w.message}`));
    }
    out.push("");
  }
  out.push(c.bold(`rddopt: ${summaryLine(report.summary)}`));
  return out.join("\n") + "\n";
}
