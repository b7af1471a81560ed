import { Context } from "rddopt";
declare const ctx: Context;
type Wide = [
    number,
    number,
    number,
    number,
    number,
    number
];
const a = ctx.parallelize<[
    number,
    Wide
]>([]);
const b = ctx.parallelize<[
    number,
    number
]>([]);
export const out = a.projectValues([1, 3])
    .join(b.projectValues(null))
    .mapValues(([wide]) => wide)
    .mapValues((wide) => wide[0] + wide[1]);
