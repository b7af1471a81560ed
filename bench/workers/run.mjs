// npm run bench:workers [-- --rows 2000000] [-- --repeats 3] [-- --jobs narrow,shuffle,cheap] [-- --configs in-process,2,auto] [-- --out file]
// Join cases (job.mjs): --jobs join-small-shuffle,join-small-broadcast,join-small-auto,join-big-shuffle,join-big-broadcast,join-big-auto
// A CPU-bound stage in process and with 1, 2 and N workers: wall, CPU, speedup, peak RSS; results checked identical.
// Each measurement is its own process (peak RSS per worker count); configurations are interleaved in every
// round, so a busy neighbour slows them alike; medians over the rounds. Writes bench/workers/RESULTS.md.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const rows = arg("rows", 2_000_000);
const repeats = arg("repeats", 3);
const cores = os.availableParallelism();
// Worker counts run with workerDispatch "always" (the executor itself); "auto" is the default Context's own choice.
const configsArg = process.argv.indexOf("--configs");
const configs = configsArg >= 0 ? process.argv[configsArg + 1].split(",") : ["in-process", "1", "2", ...(cores > 2 ? [String(cores)] : []), "auto"];
const outArg = process.argv.indexOf("--out");
const outFile = outArg >= 0 ? path.resolve(process.argv[outArg + 1]) : path.join(here, "RESULTS.md");
const jobArgs = (c, job) =>
  c === "in-process" ? [c, job, String(rows)] : c === "auto" ? [String(cores), job, String(rows), "auto"] : [c, job, String(rows), "always"];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * How many cores this process can get right now: the same spin loop on 1 thread, then on `cores` threads at
 * once. On an idle machine the second takes as long as the first; on a shared one, longer. A wall speedup
 * above this figure is impossible, whatever the executor does.
 */
async function availableSpeedup() {
  const src = `const t = performance.now(); let s = 0; for (let i = 0; i < 2e8; i++) s += i % 7; require("node:worker_threads").parentPort.postMessage(performance.now() - t + (s & 0));`;
  const spin = () => new Promise((resolve) => new Worker(src, { eval: true }).once("message", resolve));
  let t = performance.now();
  await spin();
  const one = performance.now() - t;
  t = performance.now();
  await Promise.all(Array.from({ length: cores }, spin));
  const all = performance.now() - t;
  return { one, all, speedup: (cores * one) / all };
}

const lines = [];
const before = await availableSpeedup();
lines.push(
  `Cores this process could get at the start (the same spin loop on 1 thread: ${before.one.toFixed(0)} ms, on ${cores} threads at once: ${before.all.toFixed(0)} ms): ` +
    `at most ${before.speedup.toFixed(2)}x wall speedup was possible.`,
  "",
);
console.log(lines[0]);
const jobsArg = process.argv.indexOf("--jobs");
const jobNames = jobsArg >= 0 ? process.argv[jobsArg + 1].split(",") : ["narrow", "shuffle", "cheap"];
for (const job of jobNames) {
  const runs = Object.fromEntries(configs.map((c) => [c, []]));
  for (let r = 0; r < repeats; r++) {
    for (const c of r % 2 ? [...configs].reverse() : configs) {
      const out = execFileSync(process.execPath, [path.join(here, "job.mjs"), ...jobArgs(c, job)], { encoding: "utf8" });
      runs[c].push(JSON.parse(out.trim().split("\n").pop()));
    }
  }
  const digests = new Set(Object.values(runs).flat().map((m) => m.digest));
  const base = median(runs["in-process"].map((m) => m.wallMs));
  const baseCpu = median(runs["in-process"].map((m) => m.cpuMs));
  lines.push(`### ${job}: ${rows.toLocaleString("en")} rows, 16 partitions — results identical: ${digests.size === 1 ? "yes" : `NO (${[...digests].join(", ")})`}`, "");
  lines.push("| executor | wall ms (median) | CPU ms (median) | speedup (wall) | CPU / in-process CPU | peak RSS MiB | stages in workers | join strategy |", "|---|---:|---:|---:|---:|---:|---|---|");
  for (const c of configs) {
    const ms = runs[c];
    const wall = median(ms.map((m) => m.wallMs));
    const cpu = median(ms.map((m) => m.cpuMs));
    const label = c === "in-process" ? "in process" : c === "auto" ? `default (auto, ${cores} workers)` : `${c} worker${c === "1" ? "" : "s"}`;
    lines.push(`| ${label} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} | ${(base / wall).toFixed(2)}x | ${(cpu / baseCpu).toFixed(2)} | ${median(ms.map((m) => m.maxRssMiB)).toFixed(0)} | ${ms[0].placements.filter((p) => p === "workers").length}/${ms[0].placements.length} | ${[...new Set(ms.flatMap((m) => m.strategies ?? []))].join(", ") || "-"} |`);
  }
  lines.push("");
  console.log(lines.slice(-configs.length - 4).join("\n"));
}

const after = await availableSpeedup();
lines.push(`At the end: at most ${after.speedup.toFixed(2)}x (1 thread ${after.one.toFixed(0)} ms, ${cores} threads ${after.all.toFixed(0)} ms).`, "");
console.log(lines[lines.length - 2]);
const load = os.loadavg().map((l) => l.toFixed(2)).join(", ");
const report = [
  "# Workers benchmark",
  "",
  `\`npm run bench:workers\` — ${new Date().toISOString()}, node ${process.version}, ${cores} cores (availableParallelism), ${os.cpus()[0]?.model ?? "unknown CPU"}, load average at the end ${load}, ${repeats} rounds.`,
  "",
  "CPU is process.cpuUsage() of the whole process (main thread and workers). Wall speedup needs idle cores: on a shared machine compare CPU too.",
  "",
  ...lines,
].join("\n");
fs.writeFileSync(outFile, report + "\n");
console.log(`wrote ${outFile}`);
