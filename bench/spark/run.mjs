// node bench/spark/run.mjs [rows]   (after npm run build)
// The Spark methods' costs side by side in one process: takeOrdered/top (bounded heaps) against a full
// sortBy(...).take(n), and stats() against the plain map/reduce a user would write. Prints wall and CPU
// time per variant (median of 5 runs after a warm-up) and the ratio to the first variant of each group.
import { Context } from "../../dist/runtime/index.js";

const rows = Number(process.argv[2] ?? 1_000_000);
const ctx = new Context({ progress: false, defaultParallelism: 4 });
let seed = 42;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const data = ctx.parallelize(Array.from({ length: rows }, () => rand() * 1e6), 4).cache();
await data.count();

async function time(label, f) {
  await f();
  const samples = [];
  let result;
  for (let i = 0; i < 5; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    result = await f();
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    samples.push({ wall, cpu: (used.user + used.system) / 1000 });
  }
  samples.sort((a, b) => a.wall - b.wall);
  return { label, ...samples[2], result };
}

function print(group, results) {
  console.log(`\n${group} (${rows.toLocaleString("en")} rows, 4 partitions, cached)`);
  const base = results[0].wall;
  for (const r of results) console.log(`  ${r.label.padEnd(34)} wall ${r.wall.toFixed(1).padStart(8)} ms  cpu ${r.cpu.toFixed(1).padStart(8)} ms  x${(r.wall / base).toFixed(2)}`);
}

const ordered = [
  await time("takeOrdered(10)", () => data.takeOrdered(10)),
  await time("top(10)", () => data.top(10)),
  await time("sortBy(x => x).take(10)", () => data.sortBy((x) => x).take(10)),
];
if (JSON.stringify(ordered[0].result) !== JSON.stringify(ordered[2].result)) throw new Error("takeOrdered and sortBy disagree");
print("n smallest / largest", ordered);

const stats = [
  await time("stats()", () => data.stats()),
  await time("sum()", () => data.sum()),
  await time("map/reduce mean by hand", async () => {
    const [s, n] = await data.map((x) => [x, 1]).reduce((a, b) => [a[0] + b[0], a[1] + b[1]]);
    return s / n;
  }),
];
print("summary statistics", stats);
await ctx.stop();
