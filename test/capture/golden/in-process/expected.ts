import type { RDD } from "rddopt";
let count = 0;
let threshold = 1;
export function raise(): void { threshold++; }
const seen: string[] = [];
const lookup = new Map<string, number>();
class Counter {
    n = 0;
}
export function inProcess(rows: RDD<[
    string,
    number
]>): unknown[] {
    return [
        rows.map(Object.defineProperty((p) => { count += p[1]; return p; }, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it assigns `count`, a variable outside the function" }, configurable: true })),
        rows.filter(Object.defineProperty((p) => p[1] > threshold, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it captures `threshold`, a `let` that is assigned at 5:33" }, configurable: true })),
        rows.map(Object.defineProperty((p) => { seen.push(p[0]); return p; }, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it calls `push` on `seen`, a value the function did not create" }, configurable: true })),
        rows.map(Object.defineProperty((p) => { p[1] = 0; return p; }, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it writes `p[1]`, a property of a value the function did not create" }, configurable: true })),
        rows.mapValues(Object.defineProperty((v) => lookup.get(String(v)) ?? 0, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it captures `lookup` of type `Map<string, number>`, which is not plain data (class instances, Map, Set and functions stay in process)" }, configurable: true })),
        rows.mapValues(Object.defineProperty((v) => new Counter().n + v, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it constructs `Counter` with `new`" }, configurable: true })),
        rows.map(Object.defineProperty(function (p) { return arguments.length + p[1]; }, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it uses `arguments`" }, configurable: true })),
        rows.mapValues(Object.defineProperty((v) => v.toString(16).localeCompare("a") + Date.now(), Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it calls `Date.now`, whose effects are unknown" }, configurable: true })),
        rows.foreach(Object.defineProperty((p) => console.log(p), Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it writes to the console (output stays in process, in order)" }, configurable: true })),
    ];
}
