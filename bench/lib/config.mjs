// Command line and sizes. The full profile is sized to finish in about 15 minutes on 2 shared cores;
// --quick is a smoke run (small data, fewer runs). Every size can be overridden from the command line.
import { Command, Option } from "commander";

export const EXPERIMENTS = ["grid", "objects", "broadcast", "compile", "peers"];

const MiB = 2 ** 20;

const PROFILES = {
  full: {
    warmups: 1,
    runs: 5,
    gridRows: 100_000, // left rows of the pruning grid; the right side has gridRows / 4
    bigRows: 2_000_000, // big side of big⋈small
    smallRows: 10_000,
    bigBigRows: 1_000_000, // both sides of big⋈big
    broadcastColumns: 5,
    sweepBigRows: 500_000,
    sweepMiB: [1, 4, 16, 32],
    raisedThresholdMiB: 64,
    compileFiles: 200,
    compileRuns: 5,
  },
  quick: {
    warmups: 1,
    runs: 2,
    gridRows: 20_000,
    bigRows: 100_000,
    smallRows: 1_000,
    bigBigRows: 100_000,
    broadcastColumns: 5,
    sweepBigRows: 100_000,
    sweepMiB: [1, 4, 16],
    raisedThresholdMiB: 64,
    compileFiles: 20,
    compileRuns: 2,
  },
};

const int = (v) => {
  const n = Number(v.replace(/_/g, ""));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`not a positive integer: ${v}`);
  return n;
};

export function parseConfig(argv) {
  const cmd = new Command("bench")
    .description("rddopt benchmark: reproduces the seed article's experiments and writes bench/RESULTS.md + SVGs")
    .option("--quick", "small smoke run (same experiments, small data, 2 timed runs)")
    .option("--peers", "also run the optional peers group (installs bench/peers on demand)")
    .addOption(new Option("--only <list>", `comma-separated experiments (${EXPERIMENTS.join(",")})`))
    .option("--grid-rows <n>", "left rows of the pruning grid", int)
    .option("--grid-subset", "only the grid cells C = 1, 5, 22 x U = 0, 1, C (issue 11's 2M-row subset; see npm run bench:grid-2m)")
    .option("--big-rows <n>", "big side rows of big⋈small", int)
    .option("--big-big-rows <n>", "rows of each side of big⋈big", int)
    .option("--sweep-big-rows <n>", "big side rows of the small-side sweep", int)
    .option("--sweep-mib <list>", "small side sizes of the sweep, MiB, comma-separated")
    .option("--runs <n>", "timed runs per variant (after 1 warm-up)", int)
    .option("--compile-files <n>", "files in the generated compile-overhead project", int)
    .option("--out <file>", "results file", "bench/RESULTS.md")
    .option("--report-only", "rewrite the report and charts from the last run's results.json (no measuring)")
    .parse(argv, { from: "user" });
  const o = cmd.opts();
  const profile = o.quick ? "quick" : "full";
  const base = PROFILES[profile];
  const only = o.only ? o.only.split(",").map((s) => s.trim()) : EXPERIMENTS.filter((e) => e !== "peers" || o.peers);
  for (const e of only) if (!EXPERIMENTS.includes(e)) throw new Error(`unknown experiment ${e}; pick from ${EXPERIMENTS.join(", ")}`);
  return {
    profile,
    experiments: only,
    out: o.out,
    argv,
    ...base,
    runs: o.runs ?? base.runs,
    gridRows: o.gridRows ?? base.gridRows,
    gridSubset: !!o.gridSubset,
    bigRows: o.bigRows ?? base.bigRows,
    bigBigRows: o.bigBigRows ?? base.bigBigRows,
    reportOnly: !!o.reportOnly,
    sweepBigRows: o.sweepBigRows ?? base.sweepBigRows,
    sweepMiB: o.sweepMib ? o.sweepMib.split(",").map(Number) : base.sweepMiB,
    compileFiles: o.compileFiles ?? base.compileFiles,
    raisedThreshold: base.raisedThresholdMiB * MiB,
  };
}

export const gridRightRows = (config) => Math.max(1, Math.floor(config.gridRows / 4));
