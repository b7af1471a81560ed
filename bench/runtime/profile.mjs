// Profiling helper (development only): runs one variant on one case a few times in this process.
//   node --cpu-prof bench/runtime/profile.mjs <variant> <n> <m> <c> [runs]
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generate, referenceSum } from "./data.mjs";
import { variants } from "./variants.mjs";

const [variant, n, m, c, runs = "3"] = process.argv.slice(2);
const distDir = process.env.RDDOPT_DIST ?? new URL("../../dist", import.meta.url).pathname;
const { Context } = await import(pathToFileURL(path.join(distDir, "runtime", "index.js")).href);
const data = generate({ n: Number(n), m: Number(m), c: Number(c) });
const expected = referenceSum(data.left, data.right);
const run = variants[variant].prepare({ ...data, Context });
for (let i = 0; i < Number(runs); i++) {
  const t = performance.now();
  const out = await run();
  console.log(`${variant} ${(performance.now() - t).toFixed(1)} ms`, out.sum === expected ? "ok" : `WRONG ${out.sum} vs ${expected}`, out.strategy ?? "");
}
