// One measured run in its own process (so that peak RSS belongs to this worker count):
//   node bench/workers/job.mjs <workers> <job> <rows> [always|auto]
// Prints one JSON line: wall and CPU time (main thread + workers: process.cpuUsage counts every thread), peak RSS, and a
// digest of the result (compared across worker counts by run.mjs).
import { createHash } from "node:crypto";
import { Context } from "../../dist/runtime/index.js";

const [workers, job, rowsArg, dispatch = "always"] = process.argv.slice(2);
const rows = Number(rowsArg);
const ctx = new Context({ progress: false, ...(workers === "in-process" ? { executor: "in-process" } : { workers: Number(workers), workerDispatch: dispatch }) });

// A CPU-bound row function: self-contained (no free variables), so acorn proves it shippable without the transformer.
const scored = (i) => {
  let s = 0;
  for (let j = 1; j <= 60; j++) s += Math.sqrt(i * j) % 7;
  return [i % 1000, Math.round(s * 1000)];
};

// Rows of a parallelized array (built before the clock starts): shipping them costs an encode per row.
const records = job === "cheap" ? Array.from({ length: rows }, (_, i) => [i % 1000, { id: i, amount: i % 97, tag: `t${i % 13}` }]) : [];

// Joins: a big side of `rows` pairs with distinct keys (range -> a cheap map) with a small side (20,000 pairs, each
// matching one big row: broadcast should win) or with another big side (the same keys permuted: one match each),
// by strategy; the sum of the joined values.
const sumJoined = (joined) => joined.map(([, [a, b]]) => a + b).reduce((x, y) => x + y);
const bigSide = () => ctx.range(0, rows, 1, 16).map((i) => [i, i]);
// "auto" as the transformer writes it (with a site): only such a join prices the executor it runs on.
const joinCase = (other, strategy) => () => sumJoined(bigSide().join(other(), { strategy, ...(strategy === "auto" ? { site: "bench" } : {}) }));
// (functions self-contained, as acorn must prove them to ship: the sizes come in through the ranges)
const smallSide = () => ctx.range(0, rows, Math.ceil(rows / 20000), 4).map((i) => [i, i * 2]);
const otherBig = () => ctx.range(rows - 1, -1, -1, 16).map((i) => [i, i * 3]);
const joinJobs = {};
for (const strategy of ["shuffle", "broadcast", "auto"]) {
  joinJobs[`join-small-${strategy}`] = joinCase(smallSide, strategy);
  joinJobs[`join-big-${strategy}`] = joinCase(otherBig, strategy);
}

const jobs = {
  ...joinJobs,
  // parallelize (object rows) -> a cheap mapValues -> reduceByKey -> count: too little work per row to pay for
  // shipping; "auto" should keep it in process and so cost no more than in process.
  cheap: () => ctx.parallelize(records, 16).mapValues((v) => v.amount).reduceByKey((a, b) => a + b, 8).count(),
  // range -> map (CPU-bound) -> filter -> sum: one stage, all in workers.
  narrow: () => ctx.range(0, rows, 1, 16).map(scored).filter((p) => p[1] % 3 !== 0).map((p) => p[1]).reduce((a, b) => a + b),
  // range -> pairs (CPU-bound) -> reduceByKey -> collect: the map side (and its combine) in workers, the reduce side in process.
  shuffle: async () => {
    const out = await ctx.range(0, rows, 1, 16).map(scored).reduceByKey((a, b) => a + b, 8).collect();
    return out.sort((a, b) => a[0] - b[0]);
  },
};

// Warm-up outside the measurement: compiles the code and (workers) starts the pool's threads, as in a long-running job.
const warm = workers === "in-process" ? ctx : new Context({ progress: false, workers: Number(workers), workerDispatch: "always" });
await warm.range(0, 60_000, 1, 4).map(scored).count();
// A join case also compiles the join's code (in process and, shipped, in the workers) on a small input first.
if (job.startsWith("join-")) {
  for (const strategy of ["shuffle", "broadcast"]) {
    const w = warm.range(0, 60_000, 1, 4).map((i) => [i, i]);
    await w.join(warm.range(0, 60_000, 20, 2).map((i) => [i, i]), { strategy }).map(([, [a, b]]) => a + b).reduce((x, y) => x + y);
  }
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = await jobs[job]();
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const digest = createHash("sha1").update(JSON.stringify(result)).digest("hex").slice(0, 12);
const placements = ctx.lastJob.placements.map((p) => p.where);
const strategies = ctx.lastJob.joins.map((j) => j.strategy);
console.log(JSON.stringify({ workers, dispatch, job, rows, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, digest, placements, strategies }));
