// One (variant, cell) in a fresh process: build the data (untimed), then 1+ warm-up and N timed runs
// of the compiled job, each in a fresh Context, gc between runs (untimed). Prints one RESULT line.
//   node --expose-gc bench/lib/worker.mjs '<json spec>'
// spec: { runtime: path of rddopt's runtime index.js, module, data: {...}, warmups, runs, context: ContextOptions }
import { pathToFileURL } from "node:url";
import { PerformanceObserver } from "node:perf_hooks";
import { buildData } from "./data.mjs";
import { collectGarbage } from "./settle.mjs";

const spec = JSON.parse(process.argv[2]);
const { Context } = await import(pathToFileURL(spec.runtime).href);
const gc = globalThis.gc ?? (() => {});

let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
gcObserver.observe({ entryTypes: ["gc"] });

async function runOnce(job, data) {
  await collectGarbage();
  const ctx = new Context({ progress: false, ...spec.context });
  const gcBefore = gcMs;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await job(ctx, ...data.args);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((resolve) => setImmediate(resolve)); // let the gc observer report
  const totals = ctx.totals;
  const run = {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    gcMs: gcMs - gcBefore,
    result,
    shuffleBytes: totals.shuffleBytesWritten,
    shuffleRecords: totals.shuffleRecordsWritten,
    broadcastBytes: totals.broadcastBytes,
    joins: totals.joins.map((j) => ({ strategy: j.strategy, reason: j.reason, estimatedBytes: j.estimatedBytes, site: j.site })),
  };
  await ctx.stop();
  return run;
}

async function main() {
  const { job } = await import(pathToFileURL(spec.module).href);
  const data = buildData(spec.data);
  gc();
  const rssAfterSetup = process.memoryUsage().rss;
  const warm = [];
  for (let i = 0; i < spec.warmups; i++) warm.push(await runOnce(job, data));
  const runs = [];
  for (let i = 0; i < spec.runs; i++) runs.push(await runOnce(job, data));
  const wrong = [...warm, ...runs].find((r) => r.result !== data.expected);
  const out = {
    ok: !wrong,
    error: wrong ? `result ${wrong.result} != reference ${data.expected}` : undefined,
    expected: data.expected,
    times: runs.map((r) => r.ms),
    cpuTimes: runs.map((r) => r.cpuMs),
    gcMs: runs.map((r) => r.gcMs),
    warmupMs: warm.map((r) => r.ms),
    last: { ...runs[runs.length - 1], ms: undefined, cpuMs: undefined },
    shuffleBytes: runs.map((r) => r.shuffleBytes),
    rssAfterSetup,
    peakRss: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  gcObserver.disconnect();
}

main().catch((e) => {
  process.stdout.write(`RESULT ${JSON.stringify({ ok: false, error: String(e?.stack ?? e).split("\n").slice(0, 3).join(" | ") })}\n`);
  process.exitCode = 1;
});
