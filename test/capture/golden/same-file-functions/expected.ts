import type { RDD } from "rddopt";
const base = 10;
function square(x: number): number { return x * x; }
const shift = (x: number): number => x + base;
function both(x: number): number { return shift(square(x)) + square(base); }
function label(pair: [
    string,
    number
]): string { return `${pair[0]}=${both(pair[1])}`; }
export function functions(rows: RDD<[
    string,
    number
]>): unknown[] {
    return [
        rows.map(Object.defineProperty((p) => both(p[1]), Symbol.for("rddopt.closure"), { value: { v: 1, functions: { both: { fn: () => both, info: { v: 1, values: () => ({ base }), functions: { shift: { fn: () => shift, info: { v: 1, values: () => ({ base }) } }, square: { fn: () => square, info: { v: 1 } } } } } } }, configurable: true })),
        rows.map(Object.defineProperty(label, Symbol.for("rddopt.closure"), { value: { v: 1, functions: { both: { fn: () => both, info: { v: 1, values: () => ({ base }), functions: { shift: { fn: () => shift, info: { v: 1, values: () => ({ base }) } }, square: { fn: () => square, info: { v: 1 } } } } } } }, configurable: true })),
        rows.mapValues(Object.defineProperty(square, Symbol.for("rddopt.closure"), { value: { v: 1 }, configurable: true })),
    ];
}
