// Fuzz regression (mismatch), found by test/fuzz (final run on the build of 10:22 UTC, seed 20261204, e.g. data seed
// 183607 under noUncheckedIndexedAccess), hand-minimised. Replayed by test/fuzz/regressions.test.ts: compiled without
// the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// all: output 0: plain has 4, got <error ... Cannot serialize [1][1]: it is a function ...>: without the plugin the
// join shuffles, and only the right side moves (the left side is already hash-partitioned): its functions are never
// serialized. The broadcast rewrite adds `strategy: "auto"`: the small right side is broadcast, the left side is
// streamed, and the check of streamed rows ("as a shuffle's codec would") rejects the functions.
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
    // A small side (under broadcastThreshold).
    const right = ctx.parallelize<[number, { pad: string; n: number }]>(Array.from({ length: 4 }, (_, i): [number, { pad: string; n: number }] => [i % 2, { pad: "x".repeat(40), n: i }]), 1);
    const r1 = left.leftOuterJoin(right).mapValues((p) => p[0][0]);
    return [await attempt(() => r1.count().then((n) => [n]))];
  } finally {
    await ctx.stop();
  }
}
