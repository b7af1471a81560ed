// Number formatting for the report.

export const MiB = 2 ** 20;

/** Three significant digits, thousands separators past 1000. */
export function num(x, digits = 3) {
  if (x === undefined || x === null || !Number.isFinite(x)) return "–";
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  if (x === 0) return "0";
  return Number(x.toPrecision(digits)).toString();
}

export const mib = (bytes) => (Number.isFinite(bytes) ? `${num(bytes / MiB)}` : "–");
export const ms = (t) => num(t);
export const seconds = (t) => num(t / 1000);

/** A fraction as a percentage: 0.891 -> "89.1%". */
export function pct(f, digits = 1) {
  if (f === undefined || !Number.isFinite(f)) return "–";
  const v = f * 100;
  return `${Object.is(Math.round(v * 10 ** digits), -0) ? "0" : v.toFixed(digits)}%`;
}

/** A time summary: "123 (110–140)". */
export const timeRange = (t) => (t ? `${ms(t.median)} (${ms(t.min)}–${ms(t.max)})` : "–");

export function table(headers, rows, align) {
  const a = align ?? headers.map((_, i) => (i === 0 ? "---" : "---:"));
  return [`| ${headers.join(" | ")} |`, `|${a.join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}
