// `npm run demo`: compiles samples/ with plain tsc and with tspc + the rddopt plugin, runs every
// sample from both builds, and prints per sample what the transformer changed, whether the
// results match as multisets, and shuffled bytes / broadcast bytes / time side by side.
// Exits 1 if any result differs or any step fails.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import cliProgress from "cli-progress";
import pc from "picocolors";

const run = promisify(execFile);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const samplesDir = path.join(root, "samples");
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
const tspc = path.join(root, "node_modules", "ts-patch", "bin", "tspc.js");
const cli = path.join(root, "dist", "cli", "index.js");
const color = pc.createColors(process.stdout.isTTY === true && !process.env.NO_COLOR);

/** Samples are the programs in samples/ (kit.ts is their shared helper, not a sample). */
function sampleNames() {
  return fs
    .readdirSync(samplesDir)
    .filter((f) => f.endsWith(".ts") && f !== "kit.ts" && !f.endsWith(".d.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * A scratch project shaped like a user's: samples/ copied in, and node_modules/rddopt linking to
 * this checkout, so that `import "rddopt"` and the tsconfig's `"transform": "rddopt/transformer"`
 * resolve exactly as they would after `npm install rddopt`.
 */
function makeWorkspace(names) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-demo-"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(root, path.join(dir, "node_modules", "rddopt"), "dir");
  fs.mkdirSync(path.join(dir, "node_modules", "@types"));
  fs.symlinkSync(path.join(root, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"), "dir");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }) + "\n");
  fs.mkdirSync(path.join(dir, "samples"));
  for (const file of ["tsconfig.json", "kit.ts", ...names.map((n) => `${n}.ts`)]) {
    fs.copyFileSync(path.join(samplesDir, file), path.join(dir, "samples", file));
  }
  return dir;
}

async function compile(compiler, workspace, outDir) {
  await run(process.execPath, [compiler, "-p", path.join(workspace, "samples", "tsconfig.json"), "--outDir", outDir], { cwd: workspace });
}

async function report(workspace) {
  const { stdout } = await run(process.execPath, [cli, "report", "-p", path.join(workspace, "samples"), "--json"], { cwd: workspace, maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout);
}

function markedJson(stdout, marker) {
  const line = stdout.split("\n").find((l) => l.startsWith(marker + " "));
  if (!line) throw new Error(`no ${marker} line in the sample's output`);
  return JSON.parse(line.slice(marker.length + 1));
}

async function runSample(buildDir, name, workspace, label) {
  const resultFile = path.join(workspace, `${name}.${label}.rows`);
  const started = process.hrtime.bigint();
  const { stdout } = await run(process.execPath, [path.join(buildDir, `${name}.js`)], {
    cwd: workspace,
    env: { ...process.env, RDDOPT_RESULT_FILE: resultFile },
    maxBuffer: 64 * 2 ** 20,
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    stdout,
    processMs,
    result: markedJson(stdout, "RDDOPT_RESULT"),
    metrics: markedJson(stdout, "RDDOPT_METRICS"),
    rows: fs.readFileSync(resultFile, "utf8"),
  };
}

const number = (n) => Math.round(n).toLocaleString("en-US");

function change(before, after) {
  if (before === 0 && after === 0) return "";
  if (before === 0) return "new";
  const pct = ((after - before) / before) * 100;
  const text = `${pct > 0 ? "+" : ""}${pct.toFixed(1)}%`;
  return pct < 0 ? color.green(text) : pct > 0 ? color.red(text) : text;
}

function table(plain, optimized) {
  const joins = (m) => m.joins.map((j) => j.strategy).join(", ") || "-";
  const rows = [
    ["", "plain tsc", "tspc + rddopt", "change"],
    ["shuffled bytes", number(plain.metrics.shuffleBytesWritten), number(optimized.metrics.shuffleBytesWritten), change(plain.metrics.shuffleBytesWritten, optimized.metrics.shuffleBytesWritten)],
    ["shuffled records", number(plain.metrics.shuffleRecordsWritten), number(optimized.metrics.shuffleRecordsWritten), change(plain.metrics.shuffleRecordsWritten, optimized.metrics.shuffleRecordsWritten)],
    ["broadcast bytes", number(plain.metrics.broadcastBytes), number(optimized.metrics.broadcastBytes), change(plain.metrics.broadcastBytes, optimized.metrics.broadcastBytes)],
    ["job time (ms)", number(plain.metrics.wallMs), number(optimized.metrics.wallMs), change(plain.metrics.wallMs, optimized.metrics.wallMs)],
    ["process time (ms)", number(plain.processMs), number(optimized.processMs), change(plain.processMs, optimized.processMs)],
  ];
  const widths = [18, 14, 14, 10];
  const lines = rows.map((r) => "  " + r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" "));
  lines.push(`  joins, plain:  ${joins(plain.metrics)}`, `  joins, rddopt: ${joins(optimized.metrics)}`);
  return lines;
}

function diffLines(file) {
  if (!file) return ["  (not in the report)"];
  const out = [];
  if (!file.changed) out.push(color.dim("  rddopt left this file as written."));
  const diff = file.diff.split("\n");
  for (const line of diff.slice(diff.findIndex((l) => l.startsWith("@@")))) {
    if (line === "" || !file.changed) continue;
    const shown = line.startsWith("+") && !line.startsWith("+++") ? color.green(line) : line.startsWith("-") && !line.startsWith("---") ? color.red(line) : line.startsWith("@@") ? color.cyan(line) : line;
    out.push("  " + shown);
  }
  for (const o of file.optimizations) {
    const status = o.status === "applied" ? color.green("applied") : color.yellow("skipped");
    out.push(`  ${status} ${o.kind} ${o.operation} ${color.dim(o.site)}: ${o.reason}`);
  }
  return out;
}

async function main() {
  const names = sampleNames();
  const workspace = makeWorkspace(names);
  const plainDir = path.join(workspace, "plain");
  const optimizedDir = path.join(workspace, "optimized");
  const bar = new cliProgress.SingleBar(
    { format: "rddopt demo [{bar}] {value}/{total} {step}", stream: process.stderr, hideCursor: true, clearOnComplete: true, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  const outcomes = [];
  let failed = false;
  bar.start(3 + names.length * 2, 0, { step: "compiling with tsc" });
  try {
    await compile(tsc, workspace, plainDir);
    bar.increment({ step: "compiling with tspc + rddopt" });
    await compile(tspc, workspace, optimizedDir);
    bar.increment({ step: "rddopt report" });
    const byFile = new Map((await report(workspace)).files.map((f) => [path.basename(f.file, ".ts"), f]));
    bar.increment();
    for (const name of names) {
      bar.update({ step: `${name} (plain)` });
      const plain = await runSample(plainDir, name, workspace, "plain");
      bar.increment({ step: `${name} (rddopt)` });
      const optimized = await runSample(optimizedDir, name, workspace, "rddopt");
      bar.increment();
      outcomes.push({ name, plain, optimized, file: byFile.get(name), same: plain.rows === optimized.rows });
    }
  } catch (error) {
    failed = true;
    bar.stop();
    const output = error && typeof error === "object" && "stdout" in error ? String(error.stdout) : "";
    console.error(color.red(`demo failed: ${error instanceof Error ? error.message : String(error)}${output}`));
  } finally {
    bar.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }

  for (const { name, plain, optimized, file, same } of outcomes) {
    console.log(color.bold(`\n━━ ${name} ${"━".repeat(Math.max(0, 60 - name.length))}`));
    console.log(plain.stdout.split("\n").filter((l) => l && !l.startsWith("RDDOPT_")).map((l) => "  " + l).join("\n"));
    console.log(color.bold("\n  what the transformer changed"));
    console.log(diffLines(file).join("\n"));
    const verdict = same
      ? color.green(`identical: ${plain.result.rows} rows, equal as multisets`)
      : color.red(`DIFFERENT: plain ${plain.result.rows} rows (${plain.result.digest}), rddopt ${optimized.result.rows} rows (${optimized.result.digest})`);
    console.log(`\n  results: ${verdict}\n`);
    console.log(table(plain, optimized).join("\n"));
  }
  const differing = outcomes.filter((o) => !o.same).map((o) => o.name);
  console.log("");
  if (differing.length > 0) console.log(color.red(`Results differ for: ${differing.join(", ")}`));
  else if (!failed) console.log(color.green(`All ${outcomes.length} samples give the same results with and without rddopt.`));
  process.exitCode = failed || differing.length > 0 ? 1 : 0;
}

await main();
