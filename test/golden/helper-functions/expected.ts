import { Context, type RDD } from "rddopt";
declare const ctx: Context;
type Wide = [
    number,
    number,
    number,
    number,
    number,
    number
];
function withNames(rows: RDD<[
    number,
    Wide
]>, names: RDD<[
    number,
    [
        string,
        string
    ]
]>) {
    return rows.projectValues([5]).join(names.projectValues([0]));
}
function firstAndName(joined: RDD<[
    number,
    [
        Wide,
        [
            string,
            string
        ]
    ]
]>) {
    return joined.mapValues(([wide, [first]]) => `${first}:${wide[0]}`);
}
const rows = ctx.parallelize<[
    number,
    Wide
]>([]);
const names = ctx.parallelize<[
    number,
    [
        string,
        string
    ]
]>([]);
export const out = firstAndName(withNames(rows, names));
