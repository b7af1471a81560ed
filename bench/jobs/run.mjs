// npm run bench:jobs: 50 small pipelines (i) each on its own Context, all at once; (ii) all on one Context
// with maxConcurrentJobs; (iii) one after another on one Context; (iv) one Context, no limit. Every variant
// runs in a fresh process (so peak RSS is its own), ROUNDS times in rotating order; medians go to bench/jobs/RESULTS.md.
// Knobs: BENCH_PIPELINES (50) BENCH_ROWS (20000) BENCH_LIMIT (4) BENCH_ROUNDS (3) BENCH_OUT RDDOPT_DIST (built dist/)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const here = import.meta.dirname;
const env = process.env;
const PIPELINES = Number(env.BENCH_PIPELINES ?? 50);
const ROWS = Number(env.BENCH_ROWS ?? 20_000);
const LIMIT = Number(env.BENCH_LIMIT ?? 4);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const OUT = path.resolve(here, env.BENCH_OUT ?? "RESULTS.md");
const variants = [
  ["own", `each pipeline on its own Context, all ${PIPELINES} at once`],
  ["shared", `one Context, maxConcurrentJobs ${LIMIT}`],
  ["sequential", "one Context, one pipeline after another"],
  ["shared-unlimited", "one Context, maxConcurrentJobs Infinity"],
];

const results = new Map(variants.map(([v]) => [v, []]));
const loadBefore = os.loadavg()[0];
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < variants.length; k++) {
    const [variant] = variants[(k + round) % variants.length];
    const out = execFileSync(process.execPath, [path.join(here, "pipeline.mjs"), variant, String(PIPELINES), String(ROWS), String(LIMIT)], { encoding: "utf8", env });
    const r = JSON.parse(out.trim().split("\n").pop());
    results.get(variant).push(r);
    process.stderr.write(`round ${round + 1}/${ROUNDS} ${variant}: ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU, ${r.peakRssMiB.toFixed(0)} MiB peak RSS\n`);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const checksums = new Set([...results.values()].flat().map((r) => r.checksum));
if (checksums.size !== 1) throw new Error(`variants disagree on the results: checksums ${[...checksums].join(", ")}`);
const base = median(results.get("sequential").map((r) => r.wallMs));
const lines = [
  "# Jobs benchmark: many small pipelines, one Context or many",
  "",
  `${PIPELINES} pipelines of ${ROWS} rows each (rows generated in the tasks; filter, map, reduceByKey, shuffle join with a 500-row table, collect);`,
  `each variant in a fresh process, ${ROUNDS} rounds in rotating order, medians shown (all variants computed the same results).`,
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}, in-process executor (one task at a time);`,
  `load average ${loadBefore.toFixed(1)} before and ${os.loadavg()[0].toFixed(1)} after the run. Wall time counts waiting for a core on a`,
  "loaded machine; CPU time (this process's user+system) and peak RSS are the figures to compare.",
  "",
  "| variant | wall | mean time to a pipeline's result | CPU (user+sys) | peak RSS | wall vs sequential |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  ...variants.map(([v, title]) => {
    const rs = results.get(v);
    const wall = median(rs.map((r) => r.wallMs));
    return `| ${title} | ${(wall / 1000).toFixed(2)} s | ${(median(rs.map((r) => r.meanFinishMs)) / 1000).toFixed(2)} s | ${(median(rs.map((r) => r.cpuMs)) / 1000).toFixed(2)} s | ${median(rs.map((r) => r.peakRssMiB)).toFixed(0)} MiB | ${(wall / base).toFixed(2)}× |`;
  }),
  "",
  "Reproduce: `npm run bench:jobs` (knobs: BENCH_PIPELINES, BENCH_ROWS, BENCH_LIMIT, BENCH_ROUNDS).",
  "",
];
fs.writeFileSync(OUT, lines.join("\n"));
process.stdout.write(lines.join("\n"));
