// Fuzz regression (mismatch), hand-minimised from mismatch-778bdfd4ab.ts.
// A value that passes two inserted projections (the right side before leftOuterJoin, then [V, W] -> [W]
// before subtractByKey): accesses into the nullable side after `?.` keep their old inner index
// (v[1][1]?.[1]?.[1] became v[1][0]?.[1]?.[1], should be v[1][0]?.[0]?.[1]).
export const FUZZ_SEED = 1;
import { Context } from "rddopt";

export async function main(seed: number): Promise<unknown[][]> {
  const ctx = new Context({ progress: false, defaultParallelism: 2 });
  try {
    const s0 = ctx.parallelize<[number, [number, [string, boolean], [number]]]>([[1, [seed, ["x", true], [2]]], [2, [3, ["y", false], [4]]]]);
    const other = ctx.parallelize<[number, boolean]>([[3, false]]);
    const out = s0
      .leftOuterJoin(s0)
      .subtractByKey(other)
      .filter((v) => v[1][1]?.[1]?.[1] !== undefined)
      .mapValues((rec) => [rec[1]?.[1]])
      .distinct()
      .map(([, v]) => v);
    return [await out.collect()];
  } finally {
    await ctx.stop();
  }
}
