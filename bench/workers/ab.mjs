// Before/after of the join cases: node bench/workers/ab.mjs [jobs] [rounds] [rows], with BEFORE=<dir of another build> (default /tmp/jw-base).
// Each round runs every (job, executor, build) once in its own process, the order alternating; medians.
const builds = { before: process.env.BEFORE ?? "/tmp/jw-base", after: new URL("../..", import.meta.url).pathname.replace(/\/$/, "") };
const jobs = (process.argv[2] ?? "join-small-auto,join-small-shuffle,join-small-broadcast,join-big-auto,join-big-shuffle,join-big-broadcast").split(",");
const rounds = Number(process.argv[3] ?? 5);
const rows = process.argv[4] ?? "1000000";
const configs = { "in-process": ["in-process"], "2 workers (always)": ["2", "always"], "default (auto, 2 workers)": ["2", "auto"] };
const runs = {};
const cells = [];
for (const job of jobs) for (const c of Object.keys(configs)) for (const b of Object.keys(builds)) cells.push([job, c, b]);
for (let r = 0; r < rounds; r++) {
  for (const [job, c, b] of r % 2 ? [...cells].reverse() : cells) {
    const [w, d] = configs[c];
    const out = execFileSync(process.execPath, [`${builds[b]}/bench/workers/job.mjs`, w, job, rows, ...(d ? [d] : [])], { encoding: "utf8" });
    const m = JSON.parse(out.trim().split("\n").pop());
    (runs[`${job}|${c}|${b}`] ??= []).push(m);
  }
  process.stderr.write(`round ${r + 1}/${rounds} done\n`);
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`| job | executor | build | wall ms (median) | CPU ms (median) | peak RSS MiB | join strategy | stages in workers | digest |`);
console.log(`|---|---|---|---:|---:|---:|---|---|---|`);
for (const job of jobs) for (const c of Object.keys(configs)) for (const b of Object.keys(builds)) {
  const ms = runs[`${job}|${c}|${b}`];
  const strategies = [...new Set(ms.flatMap((m) => m.strategies))].join(", ");
  const last = ms[ms.length - 1];
  console.log(`| ${job} | ${c} | ${b} | ${med(ms.map((m) => m.wallMs)).toFixed(0)} | ${med(ms.map((m) => m.cpuMs)).toFixed(0)} | ${med(ms.map((m) => m.maxRssMiB)).toFixed(0)} | ${strategies} | ${last.placements.filter((p) => p === "workers").length}/${last.placements.length} | ${[...new Set(ms.map((m) => m.digest))].join(",")} |`);
}
