// One grid cell's before/after programs side by side in ONE process, alternating, after `npm run bench`
// (which compiles them into bench/.out/join-bench-full). For a cell the report flags "worse" at small sizes:
//   node --expose-gc bench/grid/ab-cell.mjs tup-c20-u20 [rounds]      (RDDOPT_WORKERS=0: in process)
// Caveat: both builds share one JIT here, so code both run (the codec's writers and pair readers) sees the
// shapes of both, and one variant can pay for the other's: tuples C=20,U=20 reads 1.27x after/before here
// but equal in separate processes (99 vs 92 ms, 104 vs 112 ms), which is how `npm run bench` measures.
// Use it to find candidates, and confirm a regression in separate processes.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", ".out", "join-bench-full");
const cell = process.argv[2] ?? "tup-c1-u1";
const rounds = Number(process.argv[3] ?? 24);
const { Context } = await import(pathToFileURL(path.join(out, "pkg", "dist", "runtime", "index.js")).href);
const load = (variant) => import(pathToFileURL(path.join(out, variant, `${cell}.js`)).href);
const modules = { before: await load("before"), after: await load("after") };
const columns = Number(/c(\d+)/.exec(cell)[1]);
let seed = 7;
const rnd = () => ((seed = (seed * 16807) % 2147483647) % 1024) / 256;
const left = Array.from({ length: 100_000 }, (_, i) => [i % 25_000, Array.from({ length: columns }, rnd)]);
const right = Array.from({ length: 25_000 }, (_, i) => [i, Array.from({ length: columns }, rnd)]);
const times = { before: [], after: [] };
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 ? ["before", "after"] : ["after", "before"]) {
    const ctx = new Context({ progress: false });
    globalThis.gc?.();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await modules[name].job(ctx, left, right);
    const cpu = process.cpuUsage(cpu0);
    if (r >= 4) times[name].push([performance.now() - wall0, (cpu.user + cpu.system) / 1000]);
  }
}
const median = (rows, i) => rows.map((x) => x[i]).sort((a, b) => a - b)[rows.length >> 1];
const [bw, bc, aw, ac] = [median(times.before, 0), median(times.before, 1), median(times.after, 0), median(times.after, 1)];
console.log(`${cell}: before ${bw.toFixed(1)} ms (cpu ${bc.toFixed(1)}), after ${aw.toFixed(1)} ms (cpu ${ac.toFixed(1)}): after/before wall ${(aw / bw).toFixed(2)}x cpu ${(ac / bc).toFixed(2)}x`);
