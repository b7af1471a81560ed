// One variant of the jobs benchmark, in its own process: node pipeline.mjs <variant> <pipelines> <rows> <limit>
// Prints one JSON line: wall ms, mean time to each pipeline's result, CPU ms (user+system), peak RSS MiB, a checksum of all results.
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [variant, pipelinesArg, rowsArg, limitArg] = process.argv.slice(2);
const PIPELINES = Number(pipelinesArg);
const ROWS = Number(rowsArg);
const LIMIT = Number(limitArg);
const dist = process.env.RDDOPT_DIST ?? path.resolve(import.meta.dirname, "../../dist");
const { Context } = await import(pathToFileURL(path.join(dist, "runtime", "index.js")).href);

/** A small ETL pipeline: filter, project, aggregate, join a dimension table, collect. */
async function pipeline(ctx, i) {
  // rows are made in the tasks (as a file source reads them), so a job waiting for a slot holds no data
  const facts = ctx.range(0, ROWS, 1, 4).map((r) => [(r * 7 + i) % 997, r % 13, r * 0.5, `f${r}`]);
  const dims = ctx.range(0, 500, 1, 2).map((d) => [d, `dim${d}-${i}`, d % 7]);
  const totals = facts
    .filter((row) => row[1] !== 0)
    .map((row) => [row[0], row[2]])
    .reduceByKey((a, b) => a + b, 4);
  const joined = totals.join(dims.map((d) => [d[0], d[2]]), { strategy: "shuffle" });
  const rows = await joined.mapValues(([sum, group]) => sum * group).collect();
  let check = 0;
  for (const [k, v] of rows) check = (check + k * 31 + v) % 1e9;
  finishedAt.push(performance.now() - start);
  return check;
}

const quiet = { progress: false, localDir: os.tmpdir() };
const start = performance.now();
const finishedAt = [];
const cpu0 = process.cpuUsage();
let checks;
if (variant === "own") {
  // each pipeline on its own Context, all at once (a cluster per job)
  checks = await Promise.all(
    Array.from({ length: PIPELINES }, async (_, i) => {
      const ctx = new Context(quiet);
      try {
        return await pipeline(ctx, i);
      } finally {
        await ctx.stop();
      }
    }),
  );
} else {
  const ctx = new Context({ ...quiet, maxConcurrentJobs: variant === "shared-unlimited" ? Infinity : LIMIT });
  if (variant === "sequential") {
    checks = [];
    for (let i = 0; i < PIPELINES; i++) checks.push(await pipeline(ctx, i));
  } else {
    checks = await Promise.all(Array.from({ length: PIPELINES }, (_, i) => pipeline(ctx, i)));
  }
  await ctx.stop();
}
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - start;
const checksum = checks.reduce((a, b) => (a + b) % 1e9, 0);
const meanFinishMs = finishedAt.reduce((a, b) => a + b, 0) / finishedAt.length;
process.stdout.write(JSON.stringify({ variant, wallMs, meanFinishMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMiB: process.resourceUsage().maxRSS / 1024, checksum }) + "\n");
