import type { RDD } from "rddopt";
const bonus = 2;
export function pruned(a: RDD<[
    string,
    [
        number,
        string,
        boolean
    ]
]>, b: RDD<[
    string,
    number
]>): unknown {
    return a
        .mapValues(Object.defineProperty((v) => [v[0] + bonus, v[1], v[2]] as [
        number,
        string,
        boolean
    ], Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ bonus }) }, configurable: true })).projectValues([0])
        .join(b)
        .mapValues(Object.defineProperty(([left, right]) => left[0] * right + bonus, Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ bonus }) }, configurable: true }));
}
export function fused(a: RDD<[
    string,
    [
        number,
        string
    ]
]>, b: RDD<[
    string,
    number
]>): unknown {
    return a
        .mapValues(Object.defineProperty((v): [
        number,
        string
    ] => [v[0] * bonus], Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ bonus }) }, configurable: true }))
        .join(b.projectValues(null))
        .mapValues(Object.defineProperty(([left]) => left[0], Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true }));
}
