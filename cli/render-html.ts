/** The report as one self-contained HTML page: side-by-side diffs (diff2html, CSS inlined), no network. */
import fs from "node:fs";
import { createRequire } from "node:module";
import { html as diffToHtml } from "diff2html";
import type { Optimization } from "../transformer/report/types.js";
import { describeEstimate } from "../transformer/plan/estimate.js";
import { filesToShow, summaryLine, type FileReport, type Report } from "./report.js";

const require = createRequire(import.meta.url);

function diff2htmlCss(): string {
  return fs.readFileSync(require.resolve("diff2html/bundles/css/diff2html.min.css"), "utf8");
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function optimizationRow(o: Optimization): string {
  const effect = o.estimate ? escapeHtml(describeEstimate(o.estimate)) : "";
  return `<tr class="${o.status}"><td>${o.status}</td><td>${escapeHtml(o.kind)}</td><td>${escapeHtml(o.operation)}</td>` +
    `<td><code>${escapeHtml(o.site)}</code></td><td>${escapeHtml(o.reason)}</td><td class="effect">${effect}</td></tr>`;
}

function optimizationTable(file: FileReport): string {
  if (file.optimizations.length === 0) return "";
  return `<table class="optimizations"><thead><tr><th>status</th><th>kind</th><th>operation</th><th>site</th><th>reason</th><th>estimated effect per value</th></tr></thead>` +
    `<tbody>${file.optimizations.map(optimizationRow).join("")}</tbody></table>`;
}

function fileSection(file: FileReport): string {
  const diff = file.changed
    ? diffToHtml(file.diff, { outputFormat: "side-by-side", drawFileList: false, matching: "lines" })
    : `<p class="unchanged">${escapeHtml(file.file)}: unchanged</p>`;
  const warnings = file.warnings.length
    ? `<ul class="warnings">${file.warnings.map((w) => `<li><strong>TS${w.code}</strong> ${escapeHtml(w.message)}</li>`).join("")}</ul>`
    : "";
  return `<section class="file"><h2>${escapeHtml(file.file)}</h2>${warnings}${diff}${optimizationTable(file)}</section>`;
}

const pageCss = `
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.meta { color: #57606a; }
table.optimizations { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
table.optimizations td, table.optimizations th { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
tr.applied td:first-child { color: #1a7f37; font-weight: 600; }
tr.skipped td:first-child { color: #9a6700; font-weight: 600; }
table.optimizations code { white-space: nowrap; }
ul.warnings { color: #9a6700; }
/* long source lines wrap instead of widening the page */
.d2h-code-line, .d2h-code-side-line { white-space: pre-wrap; word-break: break-all; }
.d2h-code-line-ctn { white-space: pre-wrap; word-break: break-all; }
`;

export function renderHtml(report: Report): string {
  const sections = filesToShow(report).map(fileSection).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rddopt report</title>
<style>${diff2htmlCss()}</style><style>${pageCss}</style></head>
<body><h1>rddopt report</h1>
<p class="meta">${escapeHtml(report.project)} · TypeScript ${escapeHtml(report.typescript)} · prune ${report.options.prune ? "on" : "off"}, broadcast ${report.options.broadcast ? "on" : "off"}</p>
<p class="summary">${escapeHtml(summaryLine(report.summary))}</p>
${sections}
</body></html>
`;
}
