// Fuzz regression (mismatch, wrong result), found by test/fuzz (long run, seed 20261201, tsconfig
// exactOptionalPropertyTypes, data seed 1895552582: class instances joined with strategy auto), hand-minimised.
// Replayed by test/fuzz/regressions.test.ts: compiled without the plugin, with prune only and with everything, run
// with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has [1,6], got [1,false]: prune inserts `items.projectValues({ total: [2] })` and renumbers
// `p[0].total[2]` to `p[0].total[0]`; the projection's guard passes the class instance unchanged (not a plain
// object), and the broadcast join streams it in place (never serialized), so the renumbered read takes total[0].
export const FUZZ_SEED = 1;
import { Context } from "rddopt";

/** Seen by the program only through the object type { total: [boolean, number, number] }. */
class Item {
  constructor(readonly total: [boolean, number, number]) {}
}

export async function main(seed: number): Promise<unknown[][]> {
  const ctx = new Context({ defaultParallelism: 2, progress: false });
  try {
    const items = ctx.parallelize<[number, { total: [boolean, number, number] }]>([[1, new Item([false, seed, 6])], [2, new Item([true, 3, 7])]], 2);
    const names = ctx.parallelize<[number, string]>([[1, "x"]], 1);
    // The class instances are never serialized: the small side is broadcast, the instances streamed in place.
    const r1 = items.leftOuterJoin(names, { strategy: "auto" }).mapValues((p) => p[0].total[2]);
    return [await r1.collect()];
  } finally {
    await ctx.stop();
  }
}
