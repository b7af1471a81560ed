// `npm run demo`: compiles samples/ with plain tsc, with tspc + rddopt pruning only, and with
// tspc + rddopt pruning and broadcast; runs every sample from each build, and prints per sample
// what the transformer changed, whether the results match as multisets, and shuffled bytes /
// broadcast bytes / time side by side.
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

/** The builds compared, in column order: the compiler and the rddopt plugin options (none: plain tsc). */
const BUILDS = [
  { label: "plain tsc", dir: "plain", compiler: tsc, plugin: undefined },
  { label: "prune only", dir: "prune", compiler: tspc, plugin: { prune: true, broadcast: false } },
  { label: "prune+broadcast", dir: "rddopt", compiler: tspc, plugin: { prune: true, broadcast: true } },
];

/**
 * A scratch project shaped like a user's: samples/ copied in, and node_modules/rddopt linking to
 * this checkout, so that `import "rddopt"` and the tsconfig's `"transform": "rddopt/transformer"`
 * resolve exactly as they would after `npm install rddopt`. One tsconfig per build.
 */
function makeWorkspace(names) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-demo-"));
  fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(root, path.join(dir, "node_modules", "rddopt"), "dir");
  fs.symlinkSync(path.join(root, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"), "dir");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }) + "\n");
  fs.mkdirSync(path.join(dir, "samples"));
  for (const file of ["tsconfig.json", "kit.ts", ...names.map((n) => `${n}.ts`)]) {
    fs.copyFileSync(path.join(samplesDir, file), path.join(dir, "samples", file));
  }
  for (const build of BUILDS) {
    const plugins = build.plugin ? [{ transform: "rddopt/transformer", ...build.plugin }] : [];
    const config = { extends: "./tsconfig.json", compilerOptions: { outDir: `../${build.dir}`, plugins } };
    fs.writeFileSync(path.join(dir, "samples", `tsconfig.${build.dir}.json`), JSON.stringify(config, null, 2));
  }
  return dir;
}

async function compile(build, workspace) {
  await run(process.execPath, [build.compiler, "-p", path.join(workspace, "samples", `tsconfig.${build.dir}.json`)], { cwd: workspace });
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

async function runSample(workspace, build, name) {
  const resultFile = path.join(workspace, `${name}.${build.dir}.rows`);
  const started = process.hrtime.bigint();
  const { stdout } = await run(process.execPath, [path.join(workspace, build.dir, `${name}.js`)], {
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

/** Change against the plain build, coloured (green: less). */
function change(before, after) {
  if (before === 0 && after === 0) return "";
  if (before === 0) return "";
  const pct = ((after - before) / before) * 100;
  const text = `${pct > 0 ? "+" : ""}${pct.toFixed(1)}%`;
  return pct < 0 ? color.green(text) : pct > 0 ? color.red(text) : text;
}

const visibleLength = (text) => text.replace(/\x1b\[[0-9;]*m/g, "").length;
const padStart = (text, width) => " ".repeat(Math.max(0, width - visibleLength(text))) + text;

/** Figures per build, side by side; under the optimized builds, the change against plain tsc. */
function table(runs) {
  const figures = [
    ["shuffled bytes", (r) => r.metrics.shuffleBytesWritten],
    ["shuffled records", (r) => r.metrics.shuffleRecordsWritten],
    ["broadcast bytes", (r) => r.metrics.broadcastBytes],
    // samples that read files (files-pipeline): what source pruning saved
    ...(runs.some((r) => r.metrics.bytesRead) ? [["bytes read", (r) => r.metrics.bytesRead], ["files read", (r) => r.metrics.filesRead], ["files skipped", (r) => r.metrics.filesSkipped]] : []),
    ["job time (ms)", (r) => r.metrics.wallMs],
    ["process time (ms)", (r) => r.processMs],
  ];
  const cell = 24;
  const lines = ["  " + "".padEnd(18) + BUILDS.map((b) => padStart(b.label, cell)).join("")];
  for (const [label, get] of figures) {
    const base = get(runs[0]);
    const cells = runs.map((r, i) => {
      const value = number(get(r));
      const delta = i === 0 ? "" : change(base, get(r));
      return padStart(delta ? `${value} (${delta})` : value, cell);
    });
    lines.push("  " + label.padEnd(18) + cells.join(""));
  }
  runs.forEach((r, i) => lines.push(`  joins, ${BUILDS[i].label}: ${r.metrics.joins.map((j) => j.strategy).join(", ") || "-"}`));
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
  const bar = new cliProgress.SingleBar(
    { format: "rddopt demo [{bar}] {value}/{total} {step}", stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const outcomes = [];
  let failed = false;
  bar.start(BUILDS.length + 1 + names.length * BUILDS.length, 0, { step: "" });
  try {
    for (const build of BUILDS) {
      bar.update({ step: `compiling: ${build.label}` });
      await compile(build, workspace);
      bar.increment();
    }
    bar.update({ step: "rddopt report" });
    const byFile = new Map((await report(workspace)).files.map((f) => [path.basename(f.file, ".ts"), f]));
    bar.increment();
    for (const name of names) {
      const runs = [];
      for (const build of BUILDS) {
        bar.update({ step: `${name} (${build.label})` });
        runs.push(await runSample(workspace, build, name));
        bar.increment();
      }
      outcomes.push({ name, runs, file: byFile.get(name), same: runs.every((r) => r.rows === runs[0].rows) });
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

  for (const { name, runs, file, same } of outcomes) {
    console.log(color.bold(`\n━━ ${name} ${"━".repeat(Math.max(0, 60 - name.length))}`));
    console.log(runs[0].stdout.split("\n").filter((l) => l && !l.startsWith("RDDOPT_")).map((l) => "  " + l).join("\n"));
    console.log(color.bold("\n  what the transformer changed (prune + broadcast)"));
    console.log(diffLines(file).join("\n"));
    const verdict = same
      ? color.green(`identical in all ${runs.length} builds: ${runs[0].result.rows} rows, equal as multisets`)
      : color.red(`DIFFERENT: ${runs.map((r, i) => `${BUILDS[i].label} ${r.result.rows} rows (${r.result.digest})`).join(", ")}`);
    console.log(`\n  results: ${verdict}\n`);
    console.log(table(runs).join("\n"));
  }
  const differing = outcomes.filter((o) => !o.same).map((o) => o.name);
  console.log("");
  if (differing.length > 0) console.log(color.red(`Results differ for: ${differing.join(", ")}`));
  else if (!failed) console.log(color.green(`All ${outcomes.length} samples give the same results with and without rddopt.`));
  process.exitCode = failed || differing.length > 0 ? 1 : 0;
}

await main();
