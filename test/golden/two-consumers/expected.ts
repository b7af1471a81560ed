import { Context } from "rddopt";
declare const ctx: Context;
const a = ctx.parallelize<[
    number,
    [
        number,
        number,
        number,
        number
    ]
]>([]);
const b = ctx.parallelize<[
    number,
    [
        number,
        number,
        number,
        number
    ]
]>([]);
const joined = a.projectValues([0, 2]).join(b.projectValues([3]));
export const first = joined.mapValues(([l]) => l[0]);
export const second = joined.mapValues(([l, r]) => l[1] + r[0]);
