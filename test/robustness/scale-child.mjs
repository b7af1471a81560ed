// A join whose shuffle is several times larger than shuffleMemoryBytes, run in its
// own process so that peak RSS belongs to it alone. Prints one JSON line.
// Usage: node scale-child.mjs <rowsPerSide> <shuffleMemoryBytes> [spill|memory]
import { Context } from "rddopt";

const rows = Number(process.argv[2] ?? 100_000);
const budget = Number(process.argv[3] ?? 2 * 2 ** 20);
const keys = Math.floor(rows / 2);
const ctx = new Context({ defaultParallelism: 8, shuffleMemoryBytes: process.argv[4] === "memory" ? 2 ** 40 : budget, progress: false });
const baseRss = process.memoryUsage().rss;

// Left: [key, [id, label, amount]] with two rows per key; right: [key, { name, city }] with one.
const left = ctx.range(0, rows, 1, 8).map((i) => [i % keys, [i, `order-${i}`, i % 97]]);
const right = ctx.range(0, keys, 1, 8).map((k) => [k, { name: `customer-${k}`, city: `city-${k % 50}` }]);
let count = 0;
let checksum = 0;
await left
  .join(right)
  .mapValues(([o, c]) => o[2] + c.city.length)
  .foreach(([k, v]) => {
    count++;
    checksum = (checksum + k * 31 + v) % 1_000_000_007;
  });
let expected = 0;
for (let i = 0; i < rows; i++) expected = (expected + (i % keys) * 31 + (i % 97) + `city-${(i % keys) % 50}`.length) % 1_000_000_007;
const m = ctx.lastJob;
console.log(
  JSON.stringify({
    rows,
    budget,
    count,
    checksum,
    expected,
    shuffleBytesWritten: m.shuffleBytesWritten,
    spillBytes: m.spillBytes,
    strategy: m.joins[0]?.strategy,
    baseRssMB: Math.round(baseRss / 2 ** 20),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
await ctx.stop();
