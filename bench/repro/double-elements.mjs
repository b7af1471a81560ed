// Whether encoding the program's rows leaves their arrays of doubles alone (docs/performance.md, "Arrays of
// doubles stay doubles"). Before the fix, after 10-20 encodes of the same 100,000 rows of [int, 22 doubles], V8
// reported the value arrays no longer had double elements: every double had become a heap number (about 40 MiB
// more heap here, and more GC for the rest of the process). test/runtime/double-elements.test.ts runs this.
//   npm run build && node --allow-natives-syntax bench/repro/double-elements.mjs [path/to/dist]
const dist = process.argv[2] ?? new URL("../../dist", import.meta.url).pathname;
const { Context } = await import(`${dist}/runtime/index.js`);

let seed = 7;
const rnd = () => ((seed = (seed * 16807) % 2147483647) % 1024) / 256;
const rows = Array.from({ length: 100_000 }, (_, i) => [i % 25_000, Array.from({ length: 22 }, rnd)]);
const hasDoubles = new Function("a", "return %HasDoubleElements(a)");
const ctx = new Context({ progress: false, workers: 0 });
for (let round = 0; round < 40; round++) {
  for (let k = 0; k < 8; k++) ctx.codec.encode(rows.slice(k * 12_500, (k + 1) * 12_500));
  if (round % 10 === 9) console.log(`after ${round + 1} rounds: value arrays hold unboxed doubles: ${hasDoubles(rows[5][1])}`);
}
const boxed = rows.filter((r) => !hasDoubles(r[1])).length;
console.log(`RESULT ${JSON.stringify({ boxed, rows: rows.length })}`);
await ctx.stop();
