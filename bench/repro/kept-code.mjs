// Whether the engine's hot functions keep their optimised code from one job to the next (docs/performance.md,
// "Hidden classes that outlive jobs"). Runs a read-only broadcast join (its table in columns) and a shuffle join,
// 8 jobs each with a full collection between jobs, as a program running jobs back to back gets from any major GC.
// Run with --trace-deopt --expose-gc: V8 prints "marking dependent code ... (<SharedFunctionInfo NAME>) for
// deoptimization, reason: weak objects" each time optimised code is thrown away because an object it embedded
// died. test/runtime/kept-code.test.ts runs this and counts those lines for the engine's functions.
//   npm run build && node --expose-gc --trace-deopt bench/repro/kept-code.mjs [path/to/dist]
const dist = process.argv[2] ?? new URL("../../dist", import.meta.url).pathname;
const { Context } = await import(`${dist}/runtime/index.js`);

let seed = 11;
const rnd = () => ((seed = (seed * 16807) % 2147483647) % 1024) / 256;
const left = Array.from({ length: 100_000 }, (_, i) => [i % 25_000, [rnd(), rnd(), rnd()]]);
const right = Array.from({ length: 25_000 }, (_, i) => [i, [rnd(), rnd()]]);

const jobs = {
  broadcast: (ctx) =>
    ctx.parallelize(left).projectValues([0]).join(ctx.parallelize(right).projectValues([0]), { strategy: "broadcast", inPlace: true, readOnly: true })
      .mapValues(([l, r]) => l[0] + r[0]).values().fold(0, (a, b) => a + b),
  shuffle: (ctx) =>
    ctx.parallelize(left).projectValues([0, 1]).join(ctx.parallelize(right).projectValues([0]), { strategy: "shuffle" })
      .mapValues(([l, r]) => l[0] + l[1] + r[0]).values().fold(0, (a, b) => a + b),
};
const sums = {};
for (const [name, job] of Object.entries(jobs)) {
  for (let i = 0; i < 8; i++) {
    globalThis.gc?.();
    const ctx = new Context({ progress: false, workers: 0 });
    const sum = await job(ctx);
    if (sums[name] !== undefined && sums[name] !== sum) throw new Error(`${name}: ${sum} != ${sums[name]}`);
    sums[name] = sum;
    await ctx.stop();
  }
}
console.log(`RESULT ${JSON.stringify(sums)}`);
