// Experiment 5 (optional, --peers): the grid's C=22, U=1 workload (same data, same seed) in other
// engines, each in a fresh process. The peers are installed on demand into bench/peers/node_modules
// from this directory's own package.json and lock; npm test never needs them.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { pooledResults, runWorker } from "../lib/child.mjs";
import { summarize, median } from "../lib/stats.mjs";
import { gridRightRows } from "../lib/config.mjs";
import { ENGINES } from "./engines.mjs";
import { AGGREGATE_ENGINES } from "./aggregate-engines.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const PEER_CELL = { columns: 22, used: 1, shape: "tuple" };
/** The grid's program for that cell, which prepareSources also compiles with the plugin's default options. */
export const PEER_PROGRAM = "tup-c22-u1";

/**
 * Each engine runs in PEER_PROCESSES fresh processes, round by round (every engine once per round, the order
 * reversed every other round), and is summarized over all their timed runs: one process's JIT or a load burst
 * on a shared machine moved one engine's median by half (the default-options cell: 26.9 and 36.2 ms in two
 * processes a minute apart).
 */
const PEER_PROCESSES = 3;

export const peersTaskCount = () => PEER_PROCESSES * (Object.keys(ENGINES).length + 1 + Object.keys(AGGREGATE_ENGINES).length);

/** Runs `tasks` PEER_PROCESSES times each, interleaved, and pools each one's runs. */
async function runRounds(tasks, progress) {
  const runs = tasks.map(() => []);
  for (let round = 0; round < PEER_PROCESSES; round++) {
    const order = tasks.map((_, i) => i);
    for (const i of round % 2 ? order.reverse() : order) {
      progress.label(tasks[i].label);
      runs[i].push(await tasks[i].spawn());
      progress.tick();
    }
  }
  return tasks.map((task, i) => {
    const r = pooledResults(runs[i]);
    return {
      name: task.name,
      title: task.title,
      ok: r.ok,
      error: r.error,
      time: r.ok ? summarize(r.times) : undefined,
      loadMs: r.loadMs ? median(r.loadMs) : undefined,
      peakRss: r.peakRss,
      processes: runs[i].length,
      ...(task.name === "rddopt-default" && r.ok ? { strategy: r.last?.joins?.[0]?.strategy } : {}),
    };
  });
}

/** The aggregation workload (the reference benchmark's "aggregate, K=1,000, C=5"): 2M rows in the full profile. */
export const aggregateSpec = (config) => ({ kind: "aggregate", n: config.gridRows * 20, k: 1_000, columns: 5 });

function installPeers() {
  const installed = ["arquero", "nodejs-polars", "nodejs-polars-linux-x64-gnu", "@duckdb/node-api"].every((p) => fs.existsSync(path.join(here, "node_modules", p, "package.json")));
  if (installed) return;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  try {
    execFileSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: here, stdio: ["ignore", "ignore", "pipe"] });
  } catch {
    // nodejs-polars lists its other platforms' packages as optional dependencies without versions, which npm
    // leaves out of the lock; some npm versions' `ci` then calls the lock out of sync. `install` keeps the lock.
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "--no-save"], { cwd: here, stdio: ["ignore", "ignore", "inherit"] });
  }
}

export function peerVersions() {
  const v = (name) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(here, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      return undefined;
    }
  };
  return Object.fromEntries(["arquero", "@uwdata/flechette", "nodejs-polars", "nodejs-polars-linux-x64-gnu", "@duckdb/node-api", "@duckdb/node-bindings-linux-x64"].map((n) => [n, v(n)]));
}

export async function runPeers({ config, ws, progress }) {
  progress.label("peers: installing bench/peers (npm ci)");
  try {
    installPeers();
  } catch (e) {
    return { error: `could not install bench/peers: ${e.message}`, engines: [] };
  }
  const data = { kind: "grid", n: config.gridRows, m: gridRightRows(config), ...PEER_CELL };
  const program = path.join(ws.afterDefault, `${PEER_PROGRAM}.js`);
  const joinTasks = [];
  if (fs.existsSync(program)) {
    // What a user gets: the cell built with the plugin's default options, run as the grid runs its variants.
    joinTasks.push({
      name: "rddopt-default",
      title: 'rddopt, with the transformer\'s default options (pruned, "auto" broadcast)',
      label: "peers rddopt (default plugin options)",
      spawn: () => runWorker(ws.worker, { runtime: ws.runtime, module: program, data, warmups: config.warmups, runs: config.runs, context: {} }),
    });
  }
  /** Each engine of `list` on `workload` in a fresh process (worker.mjs). */
  const engineTasks = (list, workload, label) =>
    Object.entries(list).map(([name, engine]) => ({
      name,
      title: engine.title,
      label: `${label} ${name}`,
      spawn: () => runWorker(path.join(here, "worker.mjs"), { engine: name, runtime: ws.runtime, data: workload, warmups: config.warmups, runs: config.runs }),
    }));
  joinTasks.push(...engineTasks(ENGINES, data, "peers"));
  const engines = await runRounds(joinTasks, progress);
  const aggregateData = aggregateSpec(config);
  const aggregate = await runRounds(engineTasks(AGGREGATE_ENGINES, aggregateData, "peers aggregate"), progress);
  return { data, versions: peerVersions(), engines, aggregate: { data: aggregateData, engines: aggregate } };
}
