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
// the pruned value leaves a block-bodied lambda whole: indices cannot be renumbered, so only the trailing
// unread elements are dropped and every position is kept
export const out = a.projectValues([0, 1, 2, 3])
    .join(b)
    .mapValues(([wide, n]) => {
    if (n > 0)
        return wide;
    return wide;
})
    .mapValues((wide) => wide[1] + wide[3]);
