// Fuzz regression (mismatch, wrong result), found by test/fuzz (long run, seed 20261201, tsconfig
// exactOptionalPropertyTypes, data seed 327626729: null-prototype values through a fullOuterJoin), hand-minimised.
// Replayed by test/fuzz/regressions.test.ts: compiled without the plugin, with prune only and with everything, run
// with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has [1,20], got [1,1]: prune inserts `.projectValues({ price: [1] })` and renumbers the
// read `v.price[1]` to `v.price[0]`; the projection's guard passes the null-prototype object unchanged (it is not a
// plain object), so the renumbered read takes price[0] of the whole value.
export const FUZZ_SEED = 1;
import { Context, HashPartitioner } from "rddopt";

/** A copy of `o` without a prototype (Object.create(null)). */
function bare<T extends object>(o: T): T {
  return Object.assign(Object.create(null) as T, o);
}

export async function main(seed: number): Promise<unknown[][]> {
  const ctx = new Context({ defaultParallelism: 2, progress: false });
  try {
    const s0 = ctx.parallelize<[number, { price: [number, number]; tag: string }]>([[1, bare({ price: [seed, 20], tag: "a" })], [2, { price: [3, 40], tag: "b" }]], 2);
    const r1 = s0.partitionBy(new HashPartitioner(2)).mapValues((v) => v.price[1]);
    return [await r1.collect()];
  } finally {
    await ctx.stop();
  }
}
