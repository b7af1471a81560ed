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
const joined = a.mapValues(v => [v[0], v[2]]).join(b.mapValues(v => [v[3]]));
export const first = joined.mapValues(([l]) => l[0]);
export const second = joined.mapValues(([l, r]) => l[1] + r[0]);
