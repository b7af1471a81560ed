// Fuzz regression (mismatch), found by test/fuzz (long run, seed 20261201, strict, data seed 344692095; reproduces on
// the build of 10:22 UTC, after be59ee6), hand-minimised. Replayed by test/fuzz/regressions.test.ts: compiled without
// the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has 40, got <error ... Cannot serialize [1][1]: it is a function ...>: without the plugin the
// user's `strategy: "auto"` join shuffles (the right side is over broadcastThreshold; the left side is already
// hash-partitioned, so only the right side moves and the functions are never serialized). Prune projects the right
// side to `{}`, which brings it under the threshold: the join broadcasts it and streams the left side, and the
// check of streamed rows ("as a shuffle's codec would") rejects the functions a shuffle of this plan never serialized.
export const FUZZ_SEED = 1;
import { Context } from "rddopt";

async function attempt(f: () => Promise<unknown[]>): Promise<unknown[]> {
  try {
    return await f();
  } catch (e) {
    const err = e as { name?: unknown; message?: unknown } | undefined;
    return [{ "!error": `${String(err?.name)}: ${String(err?.message ?? e)}` }];
  }
}

export async function main(seed: number): Promise<unknown[][]> {
  const ctx = new Context({ defaultParallelism: 1, broadcastThreshold: 1024, progress: false });
  try {
    // Already hash-partitioned (reduceByKey; mapValues keeps the partitioner): a shuffle join does not move it.
    const left = ctx
      .parallelize<[number, number]>([[0, seed], [1, 2]], 1)
      .reduceByKey((a, b) => a + b)
      .mapValues((v): [number, () => number] => [v, () => 1]);
    // 40 rows of ~50 bytes (over broadcastThreshold whole; a few bytes once pruned to {}).
    const right = ctx.parallelize<[number, { pad: string; n: number }]>(Array.from({ length: 40 }, (_, i): [number, { pad: string; n: number }] => [i % 2, { pad: "x".repeat(40), n: i }]), 1);
    const r1 = left.leftOuterJoin(right, { strategy: "auto" }).mapValues((p) => p[0][0]);
    return [await attempt(() => r1.count().then((n) => [n]))];
  } finally {
    await ctx.stop();
  }
}
