import { Context } from "rddopt";
declare const ctx: Context;
type Left = [
    number,
    string,
    number,
    boolean
];
type Right = [
    string,
    number,
    number
];
const a = ctx.parallelize<[
    number,
    Left
]>([]);
const b = ctx.parallelize<[
    number,
    Right
]>([]);
export const out = a.projectValues([0, 2])
    .join(b.projectValues([1]))
    .mapValues(([[id, score = 0], [weight]]) => id * score + weight);
