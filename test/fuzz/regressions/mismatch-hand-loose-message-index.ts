// Fuzz regression (mismatch, error message only), found by test/fuzz under `strict: false`, hand-minimised.
// Replayed by test/fuzz/regressions.test.ts under FUZZ_TS_VARIANT: compiled without the plugin, with prune only
// and with everything, run with FUZZ_SEED, results compared as multisets (errors by class and message).
// prune: output 0: plain has <error ... Cannot read properties of undefined (reading '2')>, got <error ...
// (reading '0')>: the right side is pruned to `a.projectValues([2])` and `t[2]` renumbered to `t[0]`; for the
// missing side (typed as present under strict: false) the TypeError names the renumbered index.
export const FUZZ_SEED = 1;
export const FUZZ_TS_VARIANT = "loose";
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
    const a = ctx.parallelize<[number, [string, number, string]]>([[1, ["x", seed, "y"]]], 2);
    const b = ctx.parallelize<[number, number]>([[2, 5]], 2);
    // strict: false: the right side of a left outer join is typed as present; it is missing for key 2.
    const r1 = b.leftOuterJoin(a).mapValues(([, t]) => t[2].length);
    return [await attempt(() => r1.collect())];
  } finally {
    await ctx.stop();
  }
}
