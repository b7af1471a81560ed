import { Context } from "rddopt";
declare const ctx: Context;
const a = ctx.parallelize<[number, [number, number, number]]>([]);
const b = ctx.parallelize<[number, [number, number, number]]>([]);
export const out = a.join(b).mapValues(function (pair) {
  if (pair[0][2] > 10) {
    return pair[1][2];
  }
  return 0;
});
