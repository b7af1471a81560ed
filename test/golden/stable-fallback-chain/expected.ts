// A shuffle whose compacted value meets code the rewrite cannot follow (union) falls back to positions kept;
// when its values arrive compacted by an earlier projection even that cannot be followed: it is left unpruned.
import { Context } from "rddopt";
declare const ctx: Context;
const a = ctx.parallelize<[
    number,
    [
        number,
        number,
        number
    ]
]>([]);
const b = ctx.parallelize<[
    number,
    [
        string,
        string
    ]
]>([]);
const c = ctx.parallelize<[
    number,
    [
        boolean,
        number
    ]
]>([]);
const joined = a.join(b.projectValues(null)).join(c);
export const out = joined.union(joined).mapValues((v) => v[0][0][2] + v[1][1]);
