// What every timed run of the benchmarks starts with: a full collection of the previous run's garbage, then a
// pause while V8's sweeper threads finish behind it. Without the pause, the sweepers (two of them on a 2-core
// machine) compete with the next run for the cores, and that run pays for its predecessor's garbage: measured on
// a 2M x 10k broadcast join, 205 ms wall right after gc(), 167 ms after a 50 ms pause, 154 ms with no gc() at all.
// A run that allocates pays most; one that allocates nothing (the hand-written loops) hardly at all.
const gc = globalThis.gc ?? (() => {});

export const SETTLE_MS = Number(process.env.RDDOPT_BENCH_SETTLE_MS ?? 50);

export async function collectGarbage() {
  gc();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}
