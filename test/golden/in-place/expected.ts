import { Context, type RDD } from "rddopt";
declare const ctx: Context;
const rows: [
    number,
    number[]
][] = [[1, [1, 2]], [2, [3, 4]]];
const big = ctx.parallelize(rows);
const small = ctx.parallelize<[
    number,
    number[]
]>([[1, [10, 20]], [2, [30, 40]]]);
const nums = ctx.parallelize<[
    number,
    number
]>([[1, 1]]);
// in place: the streamed sides hold primitives only (copies of primitives are the primitives)
export const primitive = await nums.join(nums, { strategy: "auto", site: "test/golden/in-place/input.ts:8:37", inPlace: true, readOnly: true }).collect();
// in place, not read-only: the streamed left side holds primitives, but the consumer writes the table's value
// (a broadcast table's rows of one key share one copy, as a shuffle's do)
const counts = ctx.parallelize<[
    number,
    number
]>([[1, 5], [1, 6]]);
export const written2 = await counts.leftOuterJoin(small, { strategy: "auto", site: "test/golden/in-place/input.ts:12:38", inPlace: true }).mapValues(([n, r]) => (r ? (r[0] = r[0]! + n) : n)).collect();
// in place and read-only: the consumers only read, and what leaves the job holds no object
export const sums = await big.join(small, { strategy: "auto", site: "test/golden/in-place/input.ts:14:31", inPlace: true, readOnly: true }).mapValues(([l, r]) => (l[0] ?? 0) + (r[0] ?? 0)).collect();
export const sizes = await big.join(small, { numPartitions: 2, strategy: "auto", site: "test/golden/in-place/input.ts:15:32", inPlace: true, readOnly: true }).values().map(([l, r]) => l.length + r.length).reduce((a, b) => a + b);
// copies: the consumer writes the streamed value (the program's own rows would change)
export const mutated = await big.join(small, { strategy: "auto", site: "test/golden/in-place/input.ts:17:34" }).mapValues(([l, r]) => { l[0] = l[0]! + r[0]!; return l[0]; }).collect();
// copies: the objects leave the job
export const objects = await big.join(small, { strategy: "auto", site: "test/golden/in-place/input.ts:19:34" }).values().collect();
// copies: identity against an object the program holds
const probe = rows[0]![1];
export const same = await big.join(small.projectValues(null), { strategy: "auto", site: "test/golden/in-place/input.ts:22:31" }).filter(([, [l]]) => l === probe).count();
// left as written (shuffle): a helper with several callers (the analysis cannot follow the rows into it)
function total(r: RDD<[
    number,
    [
        number[],
        number[]
    ]
]>) { return r.mapValues(([l]) => l.length).count(); }
export const once = await total(big.join(small.projectValues(null)));
export const twice = await total(small.join(big.projectValues(null)));
// copies: kept for later jobs
const kept = big.projectValues(null).join(small.projectValues(null), { strategy: "auto", site: "test/golden/in-place/input.ts:28:18" }).cache();
export const keptCount = await kept.count();
// left as written: an explicit strategy, and a written inPlace
export const explicit = await big.projectValues(null).join(small.projectValues(null), { strategy: "auto" }).count();
export const written = await big.projectValues(null).join(small.projectValues(null), { inPlace: false, strategy: "auto", site: "test/golden/in-place/input.ts:32:34" }).count();
