// Fuzz regression (mismatch), found by test/fuzz (issue-10 region: functions reaching a shuffle), hand-minimised.
// Replayed by test/fuzz/regressions.test.ts: compiled without the plugin, with prune only and with everything,
// run with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has <error JobFailedError: Job failed: Cannot serialize [1][1]: it is a function. ...>,
// got ["a",1] ["b",2]: prune inserts `.projectValues([0])` before partitionBy, which drops the (unread) function,
// so the program that fails without the plugin succeeds with it.
export const FUZZ_SEED = 1;
import { Context, HashPartitioner } from "rddopt";

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
    const s0 = ctx.parallelize<[string, number]>([["a", seed], ["b", 2]], 2);
    const r1 = s0
      .mapValues((v): [number, () => number] => [v, () => 1])
      .partitionBy(new HashPartitioner(2))
      .mapValues((p) => p[0]);
    return [await attempt(() => r1.collect())];
  } finally {
    await ctx.stop();
  }
}
