import { Context } from "rddopt";
declare const ctx: Context;
const a = ctx.parallelize<[string, [number, number, number, number]]>([]);
const b = ctx.parallelize<[string, [string, string, number]]>([]);
export const out = a.join(b).mapValues((pair) => {
  const left = pair[0];
  const right = pair[1];
  const total = left[3];
  return total + right[2];
});
