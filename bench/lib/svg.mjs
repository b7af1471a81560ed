// Dependency-free SVG charts: a heatmap (grid cells) and a line chart (sweep).

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

function svgDocument(width, height, body) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">
<rect width="100%" height="100%" fill="white"/>
${body}
</svg>
`;
}

const text = (x, y, s, attrs = "") => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;

/** Green for savings, red for losses, white at zero; |v| = 1 is full colour. */
function divergingColor(v) {
  const t = Math.max(-1, Math.min(1, v));
  const mix = (a, b, f) => Math.round(a + (b - a) * f);
  const [r, g, b] = t >= 0 ? [mix(255, 26, t), mix(255, 152, t), mix(255, 80, t)] : [mix(255, 215, -t), mix(255, 48, -t), mix(255, 39, -t)];
  return `rgb(${r},${g},${b})`;
}

/**
 * cells: [{ x, y, value (fraction, e.g. 0.89), label }]; xs/ys: the axis values in order.
 * The y axis grows upwards (U = 0 at the bottom, as in the seed's heatmaps).
 */
export function heatmap({ title, subtitle, xs, ys, xLabel, yLabel, cells }) {
  const cw = 78;
  const ch = 40;
  const left = 90;
  const top = 64;
  const width = left + xs.length * cw + 30;
  const height = top + ys.length * ch + 70;
  const parts = [text(left, 24, title, 'font-size="16" font-weight="600"')];
  if (subtitle) parts.push(text(left, 44, subtitle, 'fill="#555"'));
  ys.forEach((y, row) => {
    const cy = top + (ys.length - 1 - row) * ch;
    parts.push(text(left - 10, cy + ch / 2 + 4, y, 'text-anchor="end"'));
    xs.forEach((x, colIndex) => {
      const cx = left + colIndex * cw;
      const cell = cells.find((c) => c.x === x && c.y === y);
      const fill = cell && Number.isFinite(cell.value) ? divergingColor(cell.value) : "#f2f2f2";
      parts.push(`<rect x="${cx}" y="${cy}" width="${cw - 2}" height="${ch - 2}" fill="${fill}" stroke="#ddd"/>`);
      if (cell) {
        const dark = Number.isFinite(cell.value) && Math.abs(cell.value) > 0.55;
        parts.push(text(cx + cw / 2 - 1, cy + ch / 2 + 4, cell.label, `text-anchor="middle" fill="${dark ? "white" : "#222"}"`));
      }
    });
  });
  xs.forEach((x, colIndex) => parts.push(text(left + colIndex * cw + cw / 2 - 1, top + ys.length * ch + 16, x, 'text-anchor="middle"')));
  parts.push(text(left + (xs.length * cw) / 2, top + ys.length * ch + 40, xLabel, 'text-anchor="middle" fill="#333"'));
  const my = top + (ys.length * ch) / 2;
  parts.push(`<text x="24" y="${my}" transform="rotate(-90 24 ${my})" text-anchor="middle" fill="#333">${esc(yLabel)}</text>`);
  return svgDocument(width, height, parts.join("\n"));
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

function niceTicks(lo, hi, count = 5) {
  const span = hi - lo || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(v);
  return ticks;
}

/**
 * series: [{ name, points: [{ x, y, hollow? }] }], x on a log2 scale; markers: vertical lines [{ x, label }].
 * A hollow point marks a run where the join did not broadcast (for the "auto" series).
 */
export function lineChart({ title, subtitle, xLabel, yLabel, series, markers = [], xFormat = (x) => x }) {
  const width = 760;
  const height = 440;
  const m = { left: 70, right: 230, top: 60, bottom: 56 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const xsAll = series.flatMap((s) => s.points.map((p) => p.x));
  const ysAll = series.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite);
  const [x0, x1] = [Math.min(...xsAll), Math.max(...xsAll)];
  const yTicks = niceTicks(0, Math.max(...ysAll) * 1.05);
  const yMax = yTicks[yTicks.length - 1];
  const lx = (x) => (x1 === x0 ? 0.5 : (Math.log2(x) - Math.log2(x0)) / (Math.log2(x1) - Math.log2(x0)));
  const sx = (x) => m.left + lx(x) * pw;
  const sy = (y) => m.top + ph - (y / yMax) * ph;
  const parts = [text(m.left, 24, title, 'font-size="16" font-weight="600"')];
  if (subtitle) parts.push(text(m.left, 44, subtitle, 'fill="#555"'));
  for (const t of yTicks) {
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`);
    parts.push(text(m.left - 8, sy(t) + 4, t.toLocaleString("en-US"), 'text-anchor="end" fill="#444"'));
  }
  for (const x of [...new Set(xsAll)]) parts.push(text(sx(x), m.top + ph + 18, xFormat(x), 'text-anchor="middle" fill="#444"'));
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (const mk of markers) {
    if (mk.x < x0 || mk.x > x1) continue;
    parts.push(`<line x1="${sx(mk.x)}" x2="${sx(mk.x)}" y1="${m.top}" y2="${m.top + ph}" stroke="#888" stroke-dasharray="5 4"/>`);
    parts.push(text(sx(mk.x) + 4, m.top + 12, mk.label, 'fill="#666" font-size="11"'));
  }
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = s.points.filter((p) => Number.isFinite(p.y));
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ")}"/>`);
    for (const p of pts) parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="4" fill="${p.hollow ? "white" : color}" stroke="${color}" stroke-width="2"/>`);
    const ly = m.top + 10 + i * 22;
    parts.push(`<line x1="${m.left + pw + 16}" x2="${m.left + pw + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(text(m.left + pw + 46, ly + 4, s.name));
  });
  const ly = m.top + 10 + series.length * 22 + 8;
  parts.push(`<circle cx="${m.left + pw + 28}" cy="${ly}" r="4" fill="white" stroke="#444" stroke-width="2"/>`);
  parts.push(text(m.left + pw + 46, ly + 4, "hollow: join shuffled"));
  parts.push(text(m.left + pw / 2, height - 14, xLabel, 'text-anchor="middle" fill="#333"'));
  const my = m.top + ph / 2;
  parts.push(`<text x="18" y="${my}" transform="rotate(-90 18 ${my})" text-anchor="middle" fill="#333">${esc(yLabel)}</text>`);
  return svgDocument(width, height, parts.join("\n"));
}
