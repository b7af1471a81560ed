// npm run bench:runtime: every (variant, case) in a fresh child process, side by side in one run,
// results written to bench/RESULTS-runtime.md. Knobs (for development; the defaults are the reported run):
//   BENCH_N (2000000) BENCH_RUNS (5) BENCH_SLOW_RUNS (4, used when the warm-up takes > 2 s) BENCH_ROUNDS (2 processes each)
//   BENCH_CASES / BENCH_VARIANTS (comma-separated names) BENCH_OUT (output file) RDDOPT_DIST (built dist/ dir)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { variants, BENCH_SHUFFLE_MEMORY } from "./variants.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const env = process.env;
const N = Number(env.BENCH_N ?? 2_000_000);
const RUNS = Number(env.BENCH_RUNS ?? 5);
const SLOW_RUNS = Number(env.BENCH_SLOW_RUNS ?? 4);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 2);
const OUT = path.resolve(root, env.BENCH_OUT ?? "bench/RESULTS-runtime.md");
const NODE_FLAGS = ["--expose-gc", "--max-old-space-size=16384"];

const allCases = [
  { name: "big-small-C5", title: "big⋈small, C=5", m: 10_000, c: 5 },
  { name: "big-small-C22", title: "big⋈small, C=22", m: 10_000, c: 22 },
  { name: "big-big-C5", title: "big⋈big, C=5", m: N, c: 5 },
  { name: "big-big-C22", title: "big⋈big, C=22", m: N, c: 22 },
];
const pick = (all, list, key) => (list ? all.filter((x) => list.split(",").includes(key(x))) : all);
const cases = pick(allCases, env.BENCH_CASES, (c) => c.name);
const variantNames = pick(Object.keys(variants), env.BENCH_VARIANTS, (v) => v);

// Workers import a snapshot of the built runtime taken now, so that another process rebuilding dist/ meanwhile
// (this machine is shared) cannot pull it out from under a run. RDDOPT_DIST points elsewhere for development.
if (!env.RDDOPT_DIST) {
  const snapshot = path.join(here, ".dist-snapshot");
  fs.rmSync(snapshot, { recursive: true, force: true });
  fs.cpSync(path.join(root, "dist", "runtime"), path.join(snapshot, "runtime"), { recursive: true });
  env.RDDOPT_DIST = snapshot;
}

const commitAtStart = gitCommit(); // what the snapshot was built from
const loadStart = os.loadavg();
const started = new Date();
const t0 = performance.now();
const results = [];
for (const kase of cases) {
  // Each (variant, case) runs in ROUNDS fresh processes, the variant order reversed every other round (A B C, C B A),
  // so that load from other users of the machine drifting over time is spread over the variants being compared.
  const names = variantNames.filter((v) => !variants[v].cases || variants[v].cases.includes(kase.name));
  const perVariant = new Map(names.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const variant of order) {
      const runs = Math.ceil(RUNS / ROUNDS);
      const slowRuns = Math.ceil(SLOW_RUNS / ROUNDS);
      const args = [...NODE_FLAGS, path.join(here, "worker.mjs"), variant, N, kase.m, kase.c, runs, slowRuns];
      process.stderr.write(`${kase.name} ${variant} round ${round + 1}/${ROUNDS} ... `);
      try {
        const out = execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env, maxBuffer: 1 << 24 });
        const r = JSON.parse(out.split("\n").find((l) => l.startsWith("RESULT ")).slice(7));
        perVariant.get(variant).push(r);
        process.stderr.write(`${fmt(r.medianMs)} ms (${r.runs} runs)${r.strategy ? ` [${r.strategy}]` : ""}\n`);
      } catch (e) {
        process.stderr.write(`FAILED: ${e.message}\n`);
        perVariant.get(variant).push({ error: String(e.message).split("\n")[0] });
      }
    }
  }
  for (const [variant, parts] of perVariant) results.push({ case: kase.name, variant, ...merge(parts) });
}

/** One row per (variant, case) from its processes: timed runs pooled, peak RSS the largest. */
function merge(parts) {
  const failed = parts.find((p) => p.error);
  if (failed) return { error: failed.error };
  const ms = parts.flatMap((p) => p.allMs).sort((a, b) => a - b);
  const cpu = parts.flatMap((p) => p.allCpuMs).sort((a, b) => a - b);
  const median = (xs) => (xs.length % 2 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2);
  const last = parts[parts.length - 1];
  return {
    ...last,
    processes: parts.length,
    runs: ms.length,
    medianMs: median(ms),
    minMs: ms[0],
    maxMs: ms[ms.length - 1],
    allMs: parts.flatMap((p) => p.allMs),
    medianCpuMs: median(cpu),
    allCpuMs: parts.flatMap((p) => p.allCpuMs),
    warmupMs: parts.map((p) => p.warmupMs),
    peakRssBytes: Math.max(...parts.map((p) => p.peakRssBytes)),
    rssAfterSetupBytes: Math.max(...parts.map((p) => p.rssAfterSetupBytes)),
  };
}

// ---------------------------------------------------------------- report

function fmt(x, digits = 3) {
  if (x === undefined || x === null || Number.isNaN(x)) return "";
  if (x >= 100) return Math.round(x).toLocaleString("en-US");
  return x.toPrecision(digits);
}
const mb = (b) => (b === undefined ? "" : fmt(b / 2 ** 20));
const find = (kase, variant) => results.find((r) => r.case === kase && r.variant === variant && !r.error);

function pkgVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

function gitCommit() {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "runtime"], { cwd: root, encoding: "utf8" }).trim();
    return head + (dirty ? " (runtime/ with uncommitted changes)" : "");
  } catch {
    return "?";
  }
}

function targets() {
  const rows = [];
  const ratio = (a, b) => (a && b ? a.medianMs / b.medianMs : undefined);
  const cpuRatio = (a, b) => `CPU ${fmt(a.medianCpuMs / b.medianCpuMs)}x`;
  for (const c of cases) {
    const shuffle = find(c.name, "rddopt-shuffle");
    const naive = find(c.name, "naive-msgpackr");
    const auto = find(c.name, "rddopt-auto");
    const broadcast = find(c.name, "rddopt-broadcast");
    const hand = find(c.name, "hand-map");
    const small = c.m < N;
    if (small) {
      const r = ratio(broadcast, hand);
      if (r !== undefined) rows.push([`broadcast within 2x of hand-written Map join`, c.title, `${fmt(r)}x (${fmt(broadcast.medianMs)} vs ${fmt(hand.medianMs)} ms; ${cpuRatio(broadcast, hand)})`, r <= 2]);
      const a = ratio(auto, broadcast);
      if (a !== undefined) rows.push([`"auto" within 10% of "broadcast"`, c.title, `${pct(a)} (${fmt(auto.medianMs)} vs ${fmt(broadcast.medianMs)} ms; ${cpuRatio(auto, broadcast)}; auto chose ${auto.strategy})`, a <= 1.1]);
    } else {
      const a = ratio(auto, shuffle);
      if (a !== undefined) rows.push([`"auto" at most 5% slower than "shuffle"`, c.title, `${pct(a)} (${fmt(auto.medianMs)} vs ${fmt(shuffle.medianMs)} ms; ${cpuRatio(auto, shuffle)}; auto chose ${auto.strategy})`, a <= 1.05]);
    }
    const s = ratio(naive, shuffle);
    if (s !== undefined) rows.push([`"shuffle" at least 2x faster than naive msgpackr shuffle`, c.title, `${fmt(s)}x faster (${fmt(shuffle.medianMs)} vs ${fmt(naive.medianMs)} ms; ${cpuRatio(naive, shuffle)})`, s >= 2]);
  }
  return rows;
}

function pct(r) {
  const d = (r - 1) * 100;
  return `${d >= 0 ? "+" : ""}${d.toFixed(1)}%`;
}

function report() {
  const cpus = os.cpus();
  const lines = [];
  lines.push("# rddopt runtime benchmark", "");
  lines.push("Generated by `npm run bench:runtime` (bench/runtime/run.mjs); every figure below comes from that command's run. Raw data: `RESULTS-runtime.json`.", "");
  lines.push("## Machine and method", "");
  lines.push(`- Date: ${started.toISOString()}; total benchmark wall time ${wallS.toFixed(0)} s; runtime built from the working tree at commit ${commitAtStart}`);
  lines.push(`- CPU: ${cpus[0]?.model ?? "?"} x ${cpus.length} logical cores; RAM ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; ${os.type()} ${os.release()} ${os.arch()}`);
  lines.push(
    `- Load average (1/5/15 min) at start ${loadStart.map((x) => x.toFixed(2)).join("/")}, at end ${loadEnd.map((x) => x.toFixed(2)).join("/")}. ` +
      `**The machine is shared** with other sessions that build and run tests, so figures are noisy; variants of a case ran back to back.`,
  );
  lines.push(`- Node ${process.version} (V8 ${process.versions.v8}); child flags \`${NODE_FLAGS.join(" ")}\``);
  lines.push(`- Packages: rddopt ${JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version} (built dist/), msgpackr ${pkgVersion("msgpackr")}, typescript ${pkgVersion("typescript")}`);
  lines.push(
    `- Data (bench/runtime/data.mjs, seeded mulberry32): left N=${N.toLocaleString("en-US")} rows \`[key, [c0..c(C-1)]]\`, key = perm[i] % M (seeded random permutation); ` +
      `right M rows \`[key, [r0..r4]]\`, keys 0..M-1 unique. Values k/256, k in [0, 2^20), so every sum is exact: each run's total is checked bit-for-bit against a reference loop (a mismatch fails the run).`,
  );
  lines.push("- Query: inner equi-join on key, per joined row left c0 + right r1, summed to one number. rddopt: `left.join(right, {strategy}).mapValues(([l, r]) => l[0] + r[1]).values().fold(0, (a, b) => a + b)`.");
  lines.push(
    `- rddopt runs use a fresh \`Context({ defaultParallelism: 8, shuffleMemoryBytes: ${BENCH_SHUFFLE_MEMORY / 2 ** 30} GiB })\` and fresh RDDs per run (no shuffle output or join decision reused). ` +
      `The shuffle budget is raised so that nothing spills: these runs measure the codec and the engine, not the disk. ` +
      "`rddopt-shuffle-default-budget` is the same shuffle join with the default budget (256 MiB), spilling what does not fit.",
  );
  lines.push(
    `- Each (variant, case) runs in ${ROUNDS} fresh \`node\` processes, in rounds whose variant order alternates (A B C, then C B A) so that drifting load from other users of the machine is spread evenly over the variants compared. ` +
      `In each process: data generation and setup untimed, then 1 warm-up and ${Math.ceil(RUNS / ROUNDS)} timed runs (${Math.ceil(SLOW_RUNS / ROUNDS)} when the warm-up took over 2 s), ` +
      `so ${Math.ceil(RUNS / ROUNDS) * ROUNDS} timed runs per (variant, case), ${Math.ceil(SLOW_RUNS / ROUNDS) * ROUNDS} for slow ones (the \`runs\` column says which); \`gc()\` and a 50 ms pause for the sweeper threads between runs (untimed, bench/lib/settle.mjs), GC inside a run is charged to it. ` +
      "Reported: median, min–max of the timed runs (wall clock); CPU ms = median process CPU time (user + system, all threads, so GC helper threads count) of a run, less sensitive than wall time to other load on the machine; peak RSS = `process.resourceUsage().maxRSS` of that process (includes the generated rows, ~0.5-1.5 GB); shuffle MB = `ctx.lastJob.shuffleBytesWritten` (naive: packed bytes of both sides).",
  );
  lines.push("", "Variants:", "");
  for (const v of variantNames) lines.push(`- \`${v}\`: ${variants[v].describe}`);
  lines.push("", "## Targets (issue 3)", "");
  lines.push("Met/missed is judged on the wall-clock medians; the CPU-time ratio is given beside it because the machine was shared.", "");
  lines.push("| target | case | measured | met |", "|---|---|---|---|");
  for (const [t, c, m, ok] of targets()) lines.push(`| ${t} | ${c} | ${m} | ${ok ? "met" : "**missed**"} |`);
  for (const c of cases) {
    lines.push("", `## ${c.title}: N=${N.toLocaleString("en-US")}, M=${c.m.toLocaleString("en-US")}, C=${c.c}`, "");
    lines.push("| variant | median ms | min–max ms | runs | vs hand-map | CPU ms | shuffle MB | spill MB | peak RSS MB | RSS after setup MB | join strategy |");
    lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    const hand = find(c.name, "hand-map");
    for (const r of results.filter((x) => x.case === c.name)) {
      if (r.error) {
        lines.push(`| ${r.variant} | failed: ${r.error} ||||||||||`);
        continue;
      }
      const vs = hand ? `${fmt(r.medianMs / hand.medianMs)}x` : "";
      lines.push(
        `| ${r.variant} | ${fmt(r.medianMs)} | ${fmt(r.minMs)}–${fmt(r.maxMs)} | ${r.runs} | ${vs} | ${fmt(r.medianCpuMs)} | ${mb(r.shuffleBytes)} | ${mb(r.spillBytes)} | ${mb(r.peakRssBytes)} | ${mb(r.rssAfterSetupBytes)} | ${r.strategy ?? ""} |`,
      );
    }
  }
  const notes = path.join(here, "notes.md");
  if (fs.existsSync(notes)) lines.push("", fs.readFileSync(notes, "utf8").trimEnd());
  return lines.join("\n") + "\n";
}

const wallS = (performance.now() - t0) / 1000;
const loadEnd = os.loadavg();
fs.writeFileSync(OUT, report());
fs.writeFileSync(OUT.replace(/\.md$/, ".json"), JSON.stringify({ date: started.toISOString(), n: N, results }, null, 2) + "\n");
process.stderr.write(`wrote ${path.relative(process.cwd(), OUT)} (${wallS.toFixed(0)} s)\n`);
