// One (variant, case) in its own process: generate the data and set up (untimed), then 1 warm-up and
// the timed runs, gc() between runs (untimed). Prints one line `RESULT <json>` for run.mjs.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generate, referenceSum } from "./data.mjs";
import { variants } from "./variants.mjs";
import { collectGarbage } from "../lib/settle.mjs";

const [variantName, n, m, c, runsArg, slowRunsArg] = process.argv.slice(2);
const distDir = process.env.RDDOPT_DIST ?? new URL("../../dist", import.meta.url).pathname;
const { Context } = await import(pathToFileURL(path.join(distDir, "runtime", "index.js")).href);

const gc = globalThis.gc ?? (() => {});
const data = generate({ n: Number(n), m: Number(m), c: Number(c) });
const expected = referenceSum(data.left, data.right);
const run = variants[variantName].prepare({ ...data, Context });
gc();
const rssAfterSetup = process.memoryUsage().rss;

async function timed() {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const out = await run();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  if (!Object.is(out.sum, expected)) throw new Error(`${variantName}: sum ${out.sum} != reference ${expected}`);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, ...out };
}

const warm = await timed();
// Fewer timed runs when one takes over 2 s (said so in the results).
const runs = warm.ms > 2000 ? Number(slowRunsArg) : Number(runsArg);
const results = [];
for (let i = 0; i < runs; i++) {
  await collectGarbage();
  results.push(await timed());
}
const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
const last = results[results.length - 1];
console.log(
  "RESULT " +
    JSON.stringify({
      variant: variantName,
      n: Number(n),
      m: Number(m),
      c: Number(c),
      runs,
      warmupMs: warm.ms,
      medianMs: sorted[Math.floor(sorted.length / 2)],
      minMs: sorted[0],
      maxMs: sorted[sorted.length - 1],
      allMs: results.map((r) => r.ms),
      allCpuMs: results.map((r) => r.cpuMs),
      shuffleBytes: last.shuffleBytes,
      spillBytes: last.spillBytes,
      broadcastBytes: last.broadcastBytes,
      strategy: last.strategy,
      sum: last.sum,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      rssAfterSetupBytes: rssAfterSetup,
    }),
);
