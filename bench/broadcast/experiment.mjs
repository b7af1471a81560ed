// Experiment 3: join strategies on big⋈small and big⋈big, and a sweep of the small side's size.
// "shuffle" = the plain program compiled without the transformer (Spark's default strategy);
// "auto"    = the same program compiled with the transformer (default options), which writes strategy "auto";
// "broadcast" / "auto (by hand)" = the strategy written into the source by hand, as reference rows.
import path from "node:path";
import { programSource, hintedSource } from "./source.mjs";
import { encodedRowBytes } from "../lib/data.mjs";
import { runWorker } from "../lib/child.mjs";
import { summarize, median } from "../lib/stats.mjs";

export const BROADCAST_PLUGIN = { prune: true, broadcast: true };
export const BROADCAST_PROGRAM = "bcast-program";

const MiB = 2 ** 20;

export function broadcastSources(columns) {
  return {
    [BROADCAST_PROGRAM]: programSource(columns),
    "bcast-hint-broadcast": hintedSource(columns, "broadcast"),
    "bcast-hint-auto": hintedSource(columns, "auto"),
  };
}

function variants(ws, raisedThreshold) {
  const mod = (dir, name) => path.join(dir, `${name}.js`);
  return {
    shuffle: { title: '"shuffle" (no transformer)', module: mod(ws.before, BROADCAST_PROGRAM), context: {} },
    broadcast: { title: '"broadcast" (hint by hand)', module: mod(ws.before, "bcast-hint-broadcast"), context: {} },
    auto: { title: '"auto" (transformer)', module: mod(ws.after, BROADCAST_PROGRAM), context: {} },
    autoHand: { title: '"auto" (by hand)', module: mod(ws.before, "bcast-hint-auto"), context: {} },
    autoRaised: {
      title: `"auto" (transformer), threshold ${raisedThreshold / MiB} MiB`,
      module: mod(ws.after, BROADCAST_PROGRAM),
      context: { broadcastThreshold: raisedThreshold },
    },
  };
}

const CASE_VARIANTS = ["shuffle", "auto", "broadcast"];
// "auto" written by hand only matters when the transformer did not write it (then it shows what the runtime would do).
const caseVariants = (ws) => (ws.changed.has(BROADCAST_PROGRAM) ? CASE_VARIANTS : [...CASE_VARIANTS, "autoHand"]);
const MiBThreshold = 10;
// Under the default threshold the raised one decides the same way on the same code: measured once, as "auto".
const sweepVariants = (mib) => (mib <= MiBThreshold ? ["shuffle", "broadcast", "auto"] : ["shuffle", "broadcast", "auto", "autoRaised"]);

/** Small side rows whose columnar encoding is about `mib` MiB. */
export const rowsForMiB = (mib, columns) => Math.max(1, Math.round((mib * MiB) / encodedRowBytes(columns)));

export const broadcastTaskCount = (config, ws) =>
  2 * caseVariants(ws).length + config.sweepMiB.reduce((n, mib) => n + sweepVariants(mib).length, 0);

function summary(result) {
  if (!result.ok) return { ok: false, error: result.error };
  const joins = result.last?.joins ?? [];
  return {
    ok: true,
    time: summarize(result.times),
    cpu: summarize(result.cpuTimes),
    shuffleBytes: median(result.shuffleBytes),
    broadcastBytes: result.last.broadcastBytes,
    strategy: joins.map((j) => j.strategy).join(", "),
    reason: joins.map((j) => j.reason).join("; "),
    estimatedBytes: joins[0]?.estimatedBytes,
    peakRss: result.peakRss,
  };
}

async function measure({ ws, config, progress, label, data, names }) {
  const all = variants(ws, config.raisedThreshold);
  const out = {};
  for (const name of names) {
    const v = all[name];
    progress.label(`${label} ${name}`);
    const result = await runWorker(ws.worker, { runtime: ws.runtime, module: v.module, data, warmups: config.warmups, runs: config.runs, context: v.context });
    out[name] = { title: v.title, ...summary(result) };
    progress.tick();
  }
  return out;
}

export async function runBroadcast({ config, ws, progress }) {
  const columns = config.broadcastColumns;
  const cases = [
    { name: "big-small", n: config.bigRows, m: config.smallRows },
    { name: "big-big", n: config.bigBigRows, m: config.bigBigRows },
  ];
  const results = { columns, cases: [], sweep: [] };
  for (const c of cases) {
    const data = { kind: "broadcast", n: c.n, m: c.m, columns };
    results.cases.push({ ...c, variants: await measure({ ws, config, progress, label: c.name, data, names: caseVariants(ws) }) });
  }
  for (const mib of config.sweepMiB) {
    const m = rowsForMiB(mib, columns);
    const data = { kind: "broadcast", n: config.sweepBigRows, m, columns };
    const label = `sweep ${mib} MiB`;
    const measured = await measure({ ws, config, progress, label, data, names: sweepVariants(mib) });
    measured.autoRaised ??= measured.auto; // same decision under the default threshold (see sweepVariants)
    results.sweep.push({ mib, n: config.sweepBigRows, m, variants: measured });
  }
  return results;
}
