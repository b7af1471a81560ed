// Reproduces an open issue (docs/performance.md, "Not done"): encoding the program's rows turns its arrays of
// doubles into arrays of boxed numbers. After 10-20 encodes of the same 100,000 rows of [int, 22 doubles],
// V8 reports the value arrays no longer have double elements: every double is now a heap number (about
// 40 MiB more heap here, and more GC for the rest of the process). A shuffle of parallelized rows does the
// same (ctx.parallelize(rows).partitionBy(...)); encode + decode in turn does not; a hand-written loop with
// the writer's checks (Array.isArray, length, Object.getPrototypeOf, Object.keys, typeof) does not either.
//   npm run build && node --allow-natives-syntax bench/repro/double-elements.mjs
import { Context } from "../../dist/runtime/index.js";

let seed = 7;
const rnd = () => ((seed = (seed * 16807) % 2147483647) % 1024) / 256;
const rows = Array.from({ length: 100_000 }, (_, i) => [i % 25_000, Array.from({ length: 22 }, rnd)]);
const hasDoubles = new Function("a", "return %HasDoubleElements(a)");
const ctx = new Context({ progress: false, workers: 0 });
for (let round = 0; round < 40; round++) {
  for (let k = 0; k < 8; k++) ctx.codec.encode(rows.slice(k * 12_500, (k + 1) * 12_500));
  if (round % 10 === 9) console.log(`after ${round + 1} rounds: value arrays hold unboxed doubles: ${hasDoubles(rows[5][1])}`);
}
await ctx.stop();
