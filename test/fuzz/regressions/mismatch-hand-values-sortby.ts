// Fuzz regression (mismatch), found by test/fuzz (long run, seed 20261201, tsconfig exactOptionalPropertyTypes,
// data seed 697600569; also under strict), hand-minimised. Replayed by test/fuzz/regressions.test.ts: compiled
// without the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has 2, got <error JobFailedError: Job failed: the function passed to sortBy threw: Cannot
// read properties of undefined (reading '0')>: prune inserts `.projectValues([[1, [0]]])` before sortByKey (the
// value [string, [number, number]] compacted to [[v[1][0]]]), but after `.values()` the value is the row that
// sortBy's key function reads, and `row[1][0]` is not renumbered (row[1] is now absent).
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
  const ctx = new Context({ defaultParallelism: 2, progress: false });
  try {
    const s0 = ctx.parallelize<[string, [number, number]]>([["a", [seed, 2]], ["b", [3, 4]]], 2);
    const r1 = s0
      .mapValues((v): [string, [number, number]] => ["k" + v[1], v])
      .sortByKey()
      .values()
      .sortBy((row) => "k" + row[1][0]);
    return [await attempt(async () => [await r1.count()])];
  } finally {
    await ctx.stop();
  }
}
