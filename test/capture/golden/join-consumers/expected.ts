import type { RDD } from "rddopt";
const scale = 3;
/**
 * mapValues and map right on a join, with a pruned left side (the body reads the renumbered index): each function
 * gets its closure annotation only, nothing else (no joined-row twin: the runtime builds the `[l, r]` it reads).
 */
export function onJoins(a: RDD<[
    string,
    [
        number,
        string,
        number
    ]
]>, b: RDD<[
    string,
    number
]>): unknown {
    const joined = a.join(b);
    return [
        a.projectValues([2]).join(b).mapValues(Object.defineProperty(([l, r]) => l[0] * r + scale, Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ scale }) }, configurable: true })),
        a.projectValues(null).leftOuterJoin(b).mapValues(Object.defineProperty(([, r]) => r ?? 0, Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })).values(),
        a.projectValues([0]).rightOuterJoin(b).map(Object.defineProperty(([k, [l, r]]) => `${k}:${l?.[0] ?? 0}:${r}`, Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
        a.fullOuterJoin(b.projectValues(null)).map(Object.defineProperty(([, [l]]) => l, Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
        joined.mapValues(Object.defineProperty(([l, r]) => [l, r], Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
    ];
}
/** Other patterns, a `function`, an async arrow, one not on a join: closure annotations only, as above. */
export function left(a: RDD<[
    string,
    [
        number,
        number
    ]
]>, b: RDD<[
    string,
    number
]>): unknown {
    return [
        a.projectValues([0]).join(b).mapValues(Object.defineProperty(([l, r = 1]) => l[0] + r, Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
        a.join(b).mapValues(Object.defineProperty(([l, ...rest]) => l[0] + rest.length, Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
        a.projectValues([0]).join(b).mapValues(Object.defineProperty(([[x], r]) => x + r, Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
        a.projectValues([0]).join(b).mapValues(Object.defineProperty((lr) => lr[0][0] + lr[1], Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
        a.join(b).mapValues(Object.defineProperty(function ([l, r]) {
            return l[1] + r + arguments.length;
        }, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it uses `arguments`" }, configurable: true })),
        a.join(b).mapValues(Object.defineProperty(async ([l, r]) => l[0] + r, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it is an async or generator function" }, configurable: true })),
        a.join(b).map(Object.defineProperty(([k, v]) => [k, v], Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
        a.mapValues(Object.defineProperty(([l, r]) => l + r, Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
    ];
}
