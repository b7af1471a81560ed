// Fuzz regression (mismatch: how often user code runs), found by test/fuzz (long run, seed 20261202, strict, data
// seed 1477801833: a counting getter read upstream of a join collected twice), hand-minimised. Replayed by
// test/fuzz/regressions.test.ts: compiled without the plugin, with prune only and with everything, run with
// FUZZ_SEED, results compared as multisets.
// all: output 2: plain has 3, got 6: without the plugin the join shuffles, and the second job reuses the shuffle's
// map output (the mapValues upstream runs once per row); the broadcast rewrite (strategy auto) broadcasts the small
// side and streams the big one in place, recomputing it, and its user function, in every job.
export const FUZZ_SEED = 1;
import { Context } from "rddopt";

let calls = 0;
const tick = (): number => ++calls;

export async function main(seed: number): Promise<unknown[][]> {
  const ctx = new Context({ defaultParallelism: 2, progress: false });
  try {
    const big = ctx.parallelize<[number, number]>([[1, seed], [2, 2], [3, 3]], 2).mapValues((v) => v + tick() * 0);
    const small = ctx.parallelize<[number, string]>([[1, "x"], [2, "y"]], 1);
    const joined = big.join(small);
    // Two jobs on one join: the shuffle's map output is computed once and reused by the second job.
    const first = await joined.collect();
    const second = await joined.count();
    return [first, [second], [calls]];
  } finally {
    await ctx.stop();
  }
}
