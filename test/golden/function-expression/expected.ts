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
        number,
        number,
        number
    ]
]>([]);
export const out = a.projectValues([2]).join(b.projectValues([2])).mapValues(function (pair) {
    if (pair[0][0] > 10) {
        return pair[1][0];
    }
    return 0;
});
