import { Context } from "rddopt";
declare const ctx: Context;
const a = ctx.parallelize<[
    string,
    [
        number,
        number,
        number,
        number
    ]
]>([]);
const b = ctx.parallelize<[
    string,
    [
        string,
        string,
        number
    ]
]>([]);
export const out = a.projectValues([3]).join(b.projectValues([2])).mapValues((pair) => {
    const left = pair[0];
    const right = pair[1];
    const total = left[0];
    return total + right[0];
});
