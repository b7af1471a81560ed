/**
 * The closure-capture part of the text report: the annotations stay out of the diff; instead a file gets a
 * count of its functions that can run on workers and, grouped by reason, the sites of those that run in process.
 */
import type pc from "picocolors";
import type { Optimization } from "../transformer/report/types.js";

type Colors = ReturnType<typeof pc.createColors>;

export function captureLines(optimizations: readonly Optimization[], c: Colors): string[] {
  const captures = optimizations.filter((o) => o.kind === "capture");
  if (captures.length === 0) return [];
  const workers = captures.filter((o) => o.status === "applied").length;
  const byReason = new Map<string, Optimization[]>();
  for (const o of captures.filter((o) => o.status === "skipped")) byReason.set(o.reason, [...(byReason.get(o.reason) ?? []), o]);
  const lines = ["", `  functions: ${c.green(`${workers} can run on workers`)}, ${c.yellow(`${captures.length - workers} in process`)}`];
  for (const [reason, group] of byReason) {
    const sites = group.map((o) => `${o.operation} ${o.line}:${o.column}`).join(", ");
    lines.push(`    ${reason.replace(/^runs in process: /, "")}\n      ${c.dim(`${group.length} site${group.length === 1 ? "" : "s"}: ${sites}`)}`);
  }
  return lines;
}
