// One peer engine in a fresh process: data (the grid cell's, same seed) and engine setup untimed,
// then warm-up + timed runs; engines with a `load` step time it separately. Prints one RESULT line.
import { buildData } from "../lib/data.mjs";
import { ENGINES } from "./engines.mjs";
import { AGGREGATE_ENGINES } from "./aggregate-engines.mjs";
import { collectGarbage } from "../lib/settle.mjs";

const spec = JSON.parse(process.argv[2]);

async function main() {
  const aggregate = spec.data.kind === "aggregate";
  const engine = (aggregate ? AGGREGATE_ENGINES : ENGINES)[spec.engine];
  const { args, expected } = buildData(spec.data);
  const state = await engine.setup(aggregate ? { rows: args[0], runtime: spec.runtime } : { left: args[0], right: args[1], columns: spec.data.columns });
  const times = [];
  const loads = [];
  let wrong;
  for (let i = 0; i < spec.warmups + spec.runs; i++) {
    await collectGarbage();
    let loadMs = 0;
    if (engine.load) {
      const l0 = performance.now();
      await engine.loadData(state);
      loadMs = performance.now() - l0;
    }
    const t0 = performance.now();
    const result = await engine.run(state);
    const ms = performance.now() - t0;
    if (result !== expected) wrong = `result ${result} != reference ${expected}`;
    await engine.cleanup?.(state);
    if (i >= spec.warmups) {
      times.push(ms);
      loads.push(loadMs);
    }
  }
  const out = { ok: !wrong, error: wrong, times, loadMs: engine.load ? loads : undefined, peakRss: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stdout.write(`RESULT ${JSON.stringify({ ok: false, error: String(e?.stack ?? e).split("\n").slice(0, 3).join(" | ") })}\n`);
  process.exitCode = 1;
});
