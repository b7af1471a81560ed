// A value pruned before one shuffle and again before the next: code after the second reads what the second
// projection really outputs (its shape composed with the first), also after `?.` and in combineByKey.
import { Context } from "rddopt";
declare const ctx: Context;
const left = ctx.parallelize<[
    number,
    [
        number,
        [
            string,
            boolean
        ],
        [
            number
        ]
    ]
]>([]);
const right = ctx.parallelize<[
    number,
    {
        a: number;
        b: [
            number,
            number
        ];
        c: string;
    }
]>([]);
const other = ctx.parallelize<[
    number,
    boolean
]>([]);
export const filtered = left.projectValues(null)
    .leftOuterJoin(left.projectValues([1])).projectValues([1])
    .subtractByKey(other.projectValues(null))
    .filter((v) => v[1][0]?.[0]?.[1] !== undefined)
    .mapValues((rec) => rec[0]?.[0][0]);
export const combined = left.projectValues([])
    .fullOuterJoin(right.projectValues({ b: [1] }))
    .mapValues((v) => [v[1], v[0]?.[2]] as const).projectValues([0])
    .combineByKey((v) => v[0]?.b[0] ?? 0, (acc: number, v) => acc + (v[0]?.b[0] ?? 0), (x, y) => x + y);
