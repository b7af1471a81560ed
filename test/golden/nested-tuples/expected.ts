import { Context } from "rddopt";
declare const ctx: Context;
type Value = [
    [
        number,
        number,
        number
    ],
    [
        string,
        string
    ],
    boolean
];
const a = ctx.parallelize<[
    number,
    Value
]>([]);
const b = ctx.parallelize<[
    number,
    number
]>([]);
export const out = a.projectValues([[0, [2]], [1, [0]]]).join(b).mapValues(([v, w]) => v[0][0] + v[1][0] + w);
