import { Context } from "rddopt";
declare const ctx: Context;
type Wide = [number, number, number, number, number, number];
const a = ctx.parallelize<[number, Wide]>([]);
const b = ctx.parallelize<[number, number]>([]);
export const out = a
  .join(b)
  .mapValues(([wide]) => wide)
  .mapValues((wide) => wide[1] + wide[3]);
