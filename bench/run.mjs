// npm run bench [-- --quick] [-- --peers] [-- --only grid,objects,broadcast,compile,peers]
// Reproduces the seed article's experiments on rddopt and writes bench/RESULTS.md with SVG charts.
// Every "after" variant is the generated source compiled with the real transformer (dist/cjs/transformer).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "./lib/config.mjs";
import { compileFiles, loadTransformer, writeSources, changedByTransformer } from "./lib/compile.mjs";
import { createProgress } from "./lib/progress.mjs";
import { gridSources, gridProgramNames, gridTaskCount, runGrid, GRID_PLUGIN } from "./grid/experiment.mjs";
import { useGridSubset } from "./grid/source.mjs";
import { broadcastSources, broadcastTaskCount, runBroadcast, BROADCAST_PLUGIN, BROADCAST_PROGRAM } from "./broadcast/experiment.mjs";
import { compileTaskCount, runCompileOverhead } from "./lib/compile-overhead.mjs";
import { peersTaskCount, runPeers, PEER_PROGRAM } from "./peers/experiment.mjs";
import { machineInfo } from "./lib/machine.mjs";
import { writeReport } from "./lib/report.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);

/**
 * Scratch space under bench/.out (git-ignored). The package is snapshotted first (package.json +
 * dist/ copied to out/pkg) and the scratch space is its own package scope whose node_modules/rddopt
 * links to the snapshot: `import "rddopt"` and the plugin entry "rddopt/transformer" resolve as after
 * `npm install rddopt`, and other people rebuilding the tree during a long run cannot pull the runtime
 * or the transformer out from under the workers and compilers.
 */
function workspace(profile, { fresh = true } = {}) {
  const out = path.join(here, ".out", `join-bench-${profile}`);
  const ws = paths(out);
  if (!fresh) return ws;
  fs.rmSync(out, { recursive: true, force: true });
  const pkg = path.join(out, "pkg");
  fs.cpSync(path.join(root, "dist"), path.join(pkg, "dist"), { recursive: true });
  fs.copyFileSync(path.join(root, "package.json"), path.join(pkg, "package.json"));
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify({ name: "rddopt-bench-scratch", private: true, type: "module" }) + "\n");
  fs.mkdirSync(path.join(out, "node_modules"));
  fs.symlinkSync(pkg, path.join(out, "node_modules", "rddopt"), "dir");
  return ws;
}

function paths(out) {
  const dist = path.join(out, "pkg", "dist");
  return {
    dist,
    runtime: path.join(dist, "runtime", "index.js"),
    root,
    out,
    src: path.join(out, "src"),
    before: path.join(out, "before"),
    after: path.join(out, "after"),
    afterDefault: path.join(out, "after-default"),
    worker: path.join(here, "lib", "worker.mjs"),
    changed: new Set(),
    transformerDiagnostics: [],
  };
}

/** Generates every source the selected experiments need and compiles it before/after the transformer. */
function prepareSources(config, ws) {
  const has = (e) => config.experiments.includes(e);
  const sources = {};
  const transformed = []; // [names, plugin config]
  for (const [exp, shape] of [["grid", "tuple"], ["objects", "object"]]) {
    if (!has(exp)) continue;
    Object.assign(sources, gridSources(shape));
    transformed.push([gridProgramNames(shape), GRID_PLUGIN]);
  }
  if (has("broadcast")) {
    Object.assign(sources, broadcastSources(config.broadcastColumns));
    transformed.push([[BROADCAST_PROGRAM], BROADCAST_PLUGIN]);
  }
  if (!Object.keys(sources).length) return;
  const files = writeSources(ws.src, sources);
  compileFiles({ files, rootDir: ws.src, outDir: ws.before });
  const transformer = loadTransformer(ws.dist);
  for (const [names, pluginConfig] of transformed) {
    const { diagnostics } = compileFiles({
      files: names.map((n) => path.join(ws.src, `${n}.ts`)),
      rootDir: ws.src,
      outDir: ws.after,
      transformer,
      pluginConfig,
    });
    ws.transformerDiagnostics.push(...diagnostics);
    for (const n of names) if (changedByTransformer(ws.before, ws.after, n)) ws.changed.add(n);
  }
  if (has("peers") && has("grid")) {
    // The peers' cell as a user builds it: the plugin's default options (pruning and "auto" broadcast).
    const { diagnostics } = compileFiles({ files: [path.join(ws.src, `${PEER_PROGRAM}.ts`)], rootDir: ws.src, outDir: ws.afterDefault, transformer, pluginConfig: {} });
    ws.transformerDiagnostics.push(...diagnostics);
  }
}

/** --report-only: the report and charts again from the last run's raw results (report code changes need no rerun). */
function reportOnly(config) {
  const ws = workspace(config.profile, { fresh: false });
  const saved = JSON.parse(fs.readFileSync(path.join(ws.out, "results.json"), "utf8"));
  const written = writeReport({ ...saved, config: { ...saved.config, out: config.out }, ws, root });
  process.stderr.write(`bench: rewrote ${written.map((f) => path.relative(root, f)).join(", ")} from ${path.relative(root, ws.out)}/results.json\n`);
}

async function main() {
  const config = parseConfig(process.argv.slice(2));
  useGridSubset(config.gridSubset);
  if (config.reportOnly) return reportOnly(config);
  const started = new Date();
  const loadBefore = os.loadavg();
  // read before the snapshot is taken: the run measures that snapshot, whatever the tree holds by its end
  const machine = machineInfo(root);
  const t0 = performance.now();
  const ws = workspace(config.profile);
  process.stderr.write(`bench: ${config.profile} run of ${config.experiments.join(", ")}; compiling variants...\n`);
  prepareSources(config, ws);

  const has = (e) => config.experiments.includes(e);
  const total =
    (has("grid") ? gridTaskCount() : 0) +
    (has("objects") ? gridTaskCount() : 0) +
    (has("broadcast") ? broadcastTaskCount(config, ws) : 0) +
    (has("compile") ? compileTaskCount(config) : 0) +
    (has("peers") ? peersTaskCount(config) : 0);
  const progress = createProgress(total);
  const results = {};
  try {
    if (has("grid")) results.grid = await runGrid({ shape: "tuple", config, ws, progress });
    if (has("objects")) results.objects = await runGrid({ shape: "object", config, ws, progress });
    if (has("broadcast")) results.broadcast = await runBroadcast({ config, ws, progress });
    if (has("compile")) results.compile = await runCompileOverhead({ config, ws, progress });
    if (has("peers")) results.peers = await runPeers({ config, ws, progress, grid: results.grid });
  } finally {
    progress.stop();
  }
  const run = {
    started: started.toISOString(),
    wallSeconds: (performance.now() - t0) / 1000,
    loadBefore,
    loadAfter: os.loadavg(),
    machine,
    transformerChanged: [...ws.changed],
    transformerDiagnostics: ws.transformerDiagnostics,
  };
  fs.writeFileSync(path.join(ws.out, "results.json"), JSON.stringify({ config, run, results }, null, 2));
  const written = writeReport({ config, run, results, ws, root });
  process.stderr.write(`bench: wrote ${written.map((f) => path.relative(root, f)).join(", ")} in ${run.wallSeconds.toFixed(0)} s\n`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
