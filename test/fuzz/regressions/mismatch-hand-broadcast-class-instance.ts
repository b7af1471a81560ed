// Fuzz regression (mismatch), found by test/fuzz (issue-10 region: class instances reaching a shuffle; seed 8,
// data seed 154571793), hand-minimised. Replayed by test/fuzz/regressions.test.ts: compiled without the plugin,
// with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// all: output 0: plain has <error JobFailedError: Job failed: Cannot serialize [1]: it is an instance of class Box ...>,
// got no row: the broadcast rewrite adds `{ strategy: "auto" }`; the empty side is broadcast and the side of
// class instances is streamed in place, never serialized, so the join that fails without the plugin succeeds.
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

class Box {
  constructor(readonly a: number) {}
}

export async function main(seed: number): Promise<unknown[][]> {
  const ctx = new Context({ defaultParallelism: 2, progress: false });
  try {
    // Class instances behind an object type: they cannot be shuffled (SerializationError).
    const big = ctx.parallelize<[number, { a: number }]>([[1, new Box(seed)], [2, new Box(2)]], 2);
    const small = ctx.parallelize<[number, string]>([], 1);
    const r1 = big.join(small).mapValues(([b, s]) => b.a + s.length);
    return [await attempt(() => r1.collect())];
  } finally {
    await ctx.stop();
  }
}
