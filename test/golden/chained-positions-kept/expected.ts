// The second projection keeps positions (its value is returned whole to code it cannot renumber), but the
// first already removed an element it keeps for its position only: that element becomes an undefined hole.
import { Context } from "rddopt";
declare const ctx: Context;
type L = [
    [
        number,
        number
    ],
    {
        f0: [
            number,
            number
        ];
    },
    [
        number
    ]
];
const source = ctx.parallelize<[
    string,
    L
]>([]);
const flags = ctx.parallelize<[
    string,
    boolean
]>([]);
function probe(row: {
    whole: [
        L | undefined,
        boolean | undefined
    ];
}): boolean {
    return row.whole[0]?.[1]?.f0 === undefined;
}
export const out = source.projectValues([[1, { f0: [] }]])
    .leftOuterJoin(flags.projectValues(null)).projectValues([[0, [null, [0, { f0: [] }]]]])
    .fullOuterJoin(flags.projectValues(null))
    .map(function (v): [
    string,
    {
        whole: [
            L | undefined,
            boolean | undefined
        ];
    }
] {
    return [v[0], { whole: [v[1][0]?.[0], v[1][0]?.[1]] }];
})
    .mapValues((x) => probe(x));
