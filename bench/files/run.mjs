// npm run bench:files [-- --rows 400000] [-- --repeats 5] [-- --stream-mb 200] [-- --no-stream]
// The file workload of issue 13: generates a Parquet fact table (wide rows) and a CSV dimension table, then runs
// read -> filter -> join -> aggregate with and without column pruning at the source, alternating the variants in
// one process. Reports bytes read, wall and CPU time (medians), and writes bench/files/RESULTS.md.
// Then the streaming check: a JSON Lines file larger than the heap limit given to a child process is counted
// through readJsonLines, which only works if the reader streams split by split.
// Peers (DuckDB, polars, arquero) are not installable on the machine this was written on: not compared here.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(path.dirname(here));
const { Context } = await import(path.join(root, "dist", "runtime", "index.js"));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const ROWS = arg("rows", 400_000);
const REPEATS = arg("repeats", 5);
const STREAM_MB = arg("stream-mb", 200);
const STREAM = !process.argv.includes("--no-stream");

function seeded(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const word = (r, n) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join("");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-bench-files-"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function generate(ctx) {
  const r = seeded(7);
  const STORES = 500;
  const facts = Array.from({ length: ROWS }, (_, i) => ({
    id: i,
    storeId: Math.floor(r() * STORES),
    quantity: 1 + Math.floor(r() * 9),
    price: Math.floor(r() * 100_000) / 100,
    sku: word(r, 10),
    customer: word(r, 16),
    coupon: word(r, 12),
    comment: word(r, 40),
    channel: ["web", "app", "store"][i % 3],
    flagged: r() < 0.1,
  }));
  const stores = Array.from({ length: STORES }, (_, storeId) => ({ storeId, region: `region-${storeId % 12}`, manager: word(r, 12), address: word(r, 40) }));
  await ctx.parallelize(facts, 8).saveAsParquet(path.join(dir, "facts.parquet"), { rowGroupSize: 25_000 });
  await ctx.parallelize(facts, 8).saveAsCsv(path.join(dir, "facts.csv"));
  await ctx.parallelize(stores, 1).saveAsCsv(path.join(dir, "stores.csv"));
}

/** read -> filter -> join -> aggregate; `columns` prunes the fact table at the source. */
async function pipeline(ctx, format, pruned) {
  const columns = pruned ? ["storeId", "quantity", "price", "flagged"] : undefined;
  const facts =
    format === "parquet"
      ? ctx.readParquet(path.join(dir, "facts.parquet"), { columns })
      : ctx.readCsv(path.join(dir, "facts.csv"), { schema: { storeId: "number", quantity: "number", price: "number", flagged: "boolean" }, columns, multiLine: false, maxSplitBytes: 16 * 2 ** 20 });
  const stores = ctx.readCsv(path.join(dir, "stores.csv"), { schema: { storeId: "number" } });
  const result = await facts
    .filter((f) => !f.flagged && f.quantity > 2)
    .map((f) => [f.storeId, f.quantity * f.price])
    .join(stores.map((s) => [s.storeId, s.region]))
    .map(([, [revenue, region]]) => [region, revenue])
    .reduceByKey((a, b) => a + b)
    .collect();
  return result.length;
}

async function measure() {
  const ctx = new Context({ defaultParallelism: 8, progress: false });
  await generate(ctx);
  const sizes = { parquet: dirBytes(path.join(dir, "facts.parquet")), csv: dirBytes(path.join(dir, "facts.csv")) };
  const variants = [];
  for (const format of ["parquet", "csv"]) for (const pruned of [false, true]) variants.push({ format, pruned, wall: [], cpu: [], bytes: 0, rows: 0 });
  for (let rep = 0; rep < REPEATS + 1; rep++) {
    for (const v of rep % 2 ? [...variants].reverse() : variants) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      v.rows = await pipeline(ctx, v.format, v.pruned);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (rep === 0) continue; // warm-up
      v.wall.push(wall);
      v.cpu.push((cpu.user + cpu.system) / 1000);
      v.bytes = ctx.lastJob.bytesRead;
    }
  }
  await ctx.stop();
  return { sizes, variants };
}

function dirBytes(d) {
  return fs.readdirSync(d).reduce((a, f) => a + fs.statSync(path.join(d, f)).size, 0);
}

/** Counts a JSON Lines file bigger than the child's heap: only a streaming reader can. */
function streamingCheck() {
  const file = path.join(dir, "big.jsonl");
  const fd = fs.openSync(file, "w");
  const line = (i) => JSON.stringify({ id: i, text: "x".repeat(80), n: i % 97 }) + "\n";
  let bytes = 0;
  let rows = 0;
  while (bytes < STREAM_MB * 2 ** 20) {
    const chunk = Array.from({ length: 10_000 }, (_, k) => line(rows + k)).join("");
    fs.writeSync(fd, chunk);
    bytes += Buffer.byteLength(chunk);
    rows += 10_000;
  }
  fs.closeSync(fd);
  const heapMb = Math.max(32, Math.floor(STREAM_MB / 4));
  const script = `
    const { Context } = await import(${JSON.stringify(path.join(root, "dist", "runtime", "index.js"))});
    const ctx = new Context({ progress: false, defaultParallelism: 2 });
    const n = await ctx.readJsonLines(${JSON.stringify(file)}, { columns: ["n"] }).filter((r) => r.n === 3).count();
    const total = await ctx.readJsonLines(${JSON.stringify(file)}).count();
    console.log(JSON.stringify({ n, total, bytesRead: ctx.lastJob.bytesRead, partitions: ctx.readJsonLines(${JSON.stringify(file)}).getNumPartitions(), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
    await ctx.stop();`;
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [`--max-old-space-size=${heapMb}`, "--input-type=module", "-e", script], { encoding: "utf8" });
  const result = JSON.parse(out.trim().split("\n").pop());
  return { fileBytes: bytes, rows, heapMb, ms: performance.now() - t0, ...result, ok: result.total === rows };
}

try {
  console.log(`generating ${ROWS} fact rows (Parquet + CSV) and a CSV store table in ${dir}`);
  const { sizes, variants } = await measure();
  const lines = [
    "# File workload: read -> filter -> join -> aggregate (issue 13)",
    "",
    `\`npm run bench:files -- --rows ${ROWS} --repeats ${REPEATS}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}.`,
    `Fact table: ${ROWS} rows x 10 columns (Parquet ${mib(sizes.parquet)}, CSV ${mib(sizes.csv)}); store table 500 rows (CSV). Pruned = \`columns: [storeId, quantity, price, flagged]\` (4 of 10).`,
    "Medians of the repeats after one warm-up round; variants alternate in one process. CPU = user + system of the whole process.",
    `Load average at the end of the run: ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")} (1/5/15 min): on a busy machine wall time is far above CPU time; compare the CPU column and the ratios.`,
    "",
    "| format | source pruning | bytes read | wall ms | CPU ms | result rows |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  for (const v of variants) lines.push(`| ${v.format} | ${v.pruned ? "columns (4/10)" : "none"} | ${mib(v.bytes)} | ${median(v.wall).toFixed(0)} | ${median(v.cpu).toFixed(0)} | ${v.rows} |`);
  for (const format of ["parquet", "csv"]) {
    const [full, pruned] = variants.filter((v) => v.format === format);
    lines.push("", `${format}: pruning reads ${((1 - pruned.bytes / full.bytes) * 100).toFixed(0)}% fewer bytes, wall ${(median(pruned.wall) / median(full.wall)).toFixed(2)}x, CPU ${(median(pruned.cpu) / median(full.cpu)).toFixed(2)}x of the unpruned run.`);
  }
  if (STREAM) {
    console.log(`streaming check: writing a ${STREAM_MB} MiB JSON Lines file`);
    const s = streamingCheck();
    lines.push(
      "",
      "## Streaming check",
      "",
      `A ${mib(s.fileBytes)} JSON Lines file (${s.rows} rows, ${s.partitions} splits) counted by readJsonLines in a child process with \`--max-old-space-size=${s.heapMb}\` (heap limit below the file size): ` +
        `${s.ok ? "ok" : "FAILED"}, total ${s.total} rows, peak RSS ${s.peakRssMb} MB, ${(s.ms / 1000).toFixed(1)} s for two passes.`,
    );
  }
  lines.push("", "Peers (DuckDB, polars, arquero) could not be installed on this machine, so they are not compared here.", "");
  fs.writeFileSync(path.join(here, "RESULTS.md"), lines.join("\n"));
  console.log(lines.join("\n"));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
