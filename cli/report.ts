/** The report as data: per file, the unified diff of the printed source and the optimizations. */
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import type { FileResult, Optimization, TransformerWarning } from "../transformer/report/types.js";

export interface FileReport {
  /** Path relative to the working directory, with forward slashes. */
  file: string;
  changed: boolean;
  /** Unified diff of before/after (empty when unchanged). */
  diff: string;
  before: string;
  after: string;
  optimizations: Optimization[];
  /** Why rddopt left (part of) the file alone: type errors, internal errors, no type information. */
  warnings: { code: number; message: string }[];
}

export interface ReportSummary {
  files: number;
  changed: number;
  applied: number;
  skipped: number;
  warnings: number;
  /** Functions passed to RDD methods (closure capture): how many run on workers and how many in process (not counted above). */
  captures?: { workers: number; inProcess: number };
}

export interface Report {
  project: string;
  typescript: string;
  options: { prune: boolean; broadcast: boolean };
  summary: ReportSummary;
  files: FileReport[];
}

export function displayPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  const shown = relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
  return shown.split(path.sep).join("/");
}

function bySourcePosition(a: Optimization, b: Optimization): number {
  return a.line - b.line || a.column - b.column || a.kind.localeCompare(b.kind);
}

export function fileReport(result: FileResult, cwd = process.cwd()): FileReport {
  const file = displayPath(path.resolve(result.fileName), cwd);
  const changed = result.changed && result.before !== result.after;
  const diff = changed ? createTwoFilesPatch(`a/${file}`, `b/${file}`, result.before, result.after, undefined, undefined, { context: 3 }) : "";
  const warnings = (result.warnings ?? []).map((w: TransformerWarning) => ({ code: w.code, message: w.message }));
  return { file, changed, diff, before: result.before, after: result.after, optimizations: [...result.optimizations].sort(bySourcePosition), warnings };
}

export function summarize(files: readonly FileReport[]): ReportSummary {
  const everything = files.flatMap((f) => f.optimizations);
  const all = everything.filter((o) => o.kind !== "capture");
  const captures = everything.filter((o) => o.kind === "capture");
  return {
    files: files.length,
    changed: files.filter((f) => f.changed).length,
    applied: all.filter((o) => o.status === "applied").length,
    skipped: all.filter((o) => o.status === "skipped").length,
    warnings: files.reduce((n, f) => n + f.warnings.length, 0),
    ...(captures.length ? { captures: { workers: captures.filter((o) => o.status === "applied").length, inProcess: captures.filter((o) => o.status === "skipped").length } } : {}),
  };
}

/** Files worth showing: those that change and those with an optimization to explain. */
export function filesToShow(report: Report): FileReport[] {
  return report.files.filter((f) => f.changed || f.optimizations.length > 0 || f.warnings.length > 0);
}

export function summaryLine(s: ReportSummary): string {
  const files = `${s.changed} of ${s.files} file${s.files === 1 ? "" : "s"} would change`;
  const warnings = s.warnings ? `; ${s.warnings} warning${s.warnings === 1 ? "" : "s"}` : "";
  const captures = s.captures ? `; ${s.captures.workers} function${s.captures.workers === 1 ? "" : "s"} can run on workers, ${s.captures.inProcess} in process` : "";
  return `${files}; ${s.applied} optimization${s.applied === 1 ? "" : "s"} applied, ${s.skipped} skipped${captures}${warnings}.`;
}
