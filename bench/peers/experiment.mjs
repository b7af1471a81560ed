// Experiment 5 (optional, --peers): the grid's C=22, U=1 workload (same data, same seed) in other
// engines, each in a fresh process. The peers are installed on demand into bench/peers/node_modules
// from this directory's own package.json and lock; npm test never needs them.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runWorker } from "../lib/child.mjs";
import { summarize, median } from "../lib/stats.mjs";
import { gridRightRows } from "../lib/config.mjs";
import { ENGINES } from "./engines.mjs";
import { AGGREGATE_ENGINES } from "./aggregate-engines.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const PEER_CELL = { columns: 22, used: 1, shape: "tuple" };
/** The grid's program for that cell, which prepareSources also compiles with the plugin's default options. */
export const PEER_PROGRAM = "tup-c22-u1";

export const peersTaskCount = () => Object.keys(ENGINES).length + 1 + Object.keys(AGGREGATE_ENGINES).length;

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
  const engines = [];
  const program = path.join(ws.afterDefault, `${PEER_PROGRAM}.js`);
  if (fs.existsSync(program)) {
    // What a user gets: the cell built with the plugin's default options, run as the grid runs its variants.
    progress.label("peers rddopt (default plugin options)");
    const r = await runWorker(ws.worker, { runtime: ws.runtime, module: program, data, warmups: config.warmups, runs: config.runs, context: {} });
    engines.push({ name: "rddopt-default", title: 'rddopt, with the transformer\'s default options (pruned, "auto" broadcast)', ok: r.ok, error: r.error, time: r.ok ? summarize(r.times) : undefined, peakRss: r.peakRss, strategy: r.ok ? r.last?.joins?.[0]?.strategy : undefined });
  }
  progress.tick();
  /** Each engine of `list` on `workload` in a fresh process (worker.mjs), its summary added to `into`. */
  const runEngines = async (list, workload, label, into) => {
    for (const [name, engine] of Object.entries(list)) {
      progress.label(`${label} ${name}`);
      const r = await runWorker(path.join(here, "worker.mjs"), { engine: name, runtime: ws.runtime, data: workload, warmups: config.warmups, runs: config.runs });
      into.push({
        name,
        title: engine.title,
        ok: r.ok,
        error: r.error,
        time: r.ok ? summarize(r.times) : undefined,
        loadMs: r.loadMs ? median(r.loadMs) : undefined,
        peakRss: r.peakRss,
      });
      progress.tick();
    }
  };
  await runEngines(ENGINES, data, "peers", engines);
  const aggregateData = aggregateSpec(config);
  const aggregate = [];
  await runEngines(AGGREGATE_ENGINES, aggregateData, "peers aggregate", aggregate);
  return { data, versions: peerVersions(), engines, aggregate: { data: aggregateData, engines: aggregate } };
}
