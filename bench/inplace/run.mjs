// What `inPlace: true` saves: an "auto" join that broadcasts its small side, streaming object values through
// read-only consumers, with the streamed values copied (no inPlace: what the plugin writes when it cannot prove
// the consumers only read) and in place (inPlace: true), side by side in ONE process, alternating A B B A per
// round. Medians of wall and CPU time (process.cpuUsage: user + system).
//
//   node --expose-gc bench/inplace/run.mjs [--dist dist] [--rows 1000000] [--rounds 7]
import path from "node:path";
import { pathToFileURL } from "node:url";
import { collectGarbage } from "../lib/settle.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const rows = Number(args.rows ?? 1_000_000);
const rounds = Number(args.rounds ?? 7);
const rt = await import(pathToFileURL(path.resolve(args.dist ?? "dist", "runtime/index.js")).href);
const gc = globalThis.gc ?? (() => {});
const P = 4;

const KEYS = 1000;
/** Object values of several shapes: a tuple of numbers and strings, and a plain object with an array. */
const shapes = {
  "tuple [number, string, number]": (i) => [i * 0.5, `s${i % 97}`, i % 13],
  "object {id, name, tags[3]}": (i) => ({ id: i, name: `n${i % 89}`, tags: [i % 3, i % 5, i % 7] }),
};

async function run(make, inPlace) {
  const ctx = new rt.Context({ defaultParallelism: P, progress: false });
  const big = ctx.parallelize(Array.from({ length: rows }, (_, i) => [i % KEYS, make(i)]), P);
  const small = ctx.parallelize(Array.from({ length: KEYS }, (_, k) => [k, k * 2]), 2);
  const options = inPlace ? { strategy: "auto", inPlace: true } : { strategy: "auto" };
  const joined = big.join(small, options).mapValues(([, r]) => r + 1);
  await collectGarbage();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await joined.values().fold(0, (a, b) => a + b);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const decision = ctx.lastJob?.joins[0]?.strategy;
  await ctx.stop();
  return { wall, cpu: (cpu.user + cpu.system) / 1000, result, decision };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`rows ${rows}, ${KEYS} keys on the broadcast side, rounds ${rounds}, node ${process.version}`);
console.log("| streamed values | copies (wall / CPU ms) | inPlace: true (wall / CPU ms) | in place / copies (wall, CPU) |");
console.log("|---|---|---|---|");
for (const [name, make] of Object.entries(shapes)) {
  const times = { copies: [], inPlace: [] };
  let expected;
  for (let r = 0; r < rounds; r++) {
    for (const inPlace of r % 2 ? [true, false] : [false, true]) {
      const m = await run(make, inPlace);
      expected ??= m.result;
      if (m.result !== expected) throw new Error(`results differ: ${m.result} vs ${expected}`);
      if (!String(m.decision).startsWith("broadcast")) throw new Error(`the join did not broadcast: ${m.decision}`);
      times[inPlace ? "inPlace" : "copies"].push(m);
    }
  }
  const med = (list, key) => median(list.map((m) => m[key]));
  const [cw, cc, iw, ic] = [med(times.copies, "wall"), med(times.copies, "cpu"), med(times.inPlace, "wall"), med(times.inPlace, "cpu")];
  console.log(`| ${name} | ${cw.toFixed(0)} / ${cc.toFixed(0)} | ${iw.toFixed(0)} / ${ic.toFixed(0)} | ${(iw / cw).toFixed(2)}x, ${(ic / cc).toFixed(2)}x |`);
}
