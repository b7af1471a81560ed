import type { RDD } from "rddopt";
const factor = 3;
let offset = 1; // never written again: captured like a const
const weights = [0.5, 1, 2];
const config = { label: "total", limit: 10 } as const;
enum Unit {
    Meter = "m",
    Foot = "ft"
}
const enum Inlined {
    Two = 2
}
export function values(rows: RDD<[
    string,
    number
]>): unknown[] {
    const out: unknown[] = [];
    out.push(rows.map(Object.defineProperty(([k, v]) => v * factor + offset, Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ factor, offset }) }, configurable: true })));
    out.push(rows.map(Object.defineProperty(([k, v]) => v * weights[v % 3], Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ weights }) }, configurable: true })));
    out.push(rows.filter(Object.defineProperty(([k, v]) => v < config.limit && k !== config.label, Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ config }) }, configurable: true })));
    out.push(rows.mapValues(Object.defineProperty((v) => `${v}${Unit.Meter}` + Inlined.Two, Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ Unit }) }, configurable: true })));
    out.push(rows.map(Object.defineProperty((p, scale = factor) => p[1] * scale, Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ factor }) }, configurable: true })));
    for (const step of [1, 2])
        out.push(rows.mapValues(Object.defineProperty((v) => v + step, Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ step }) }, configurable: true })));
    return out;
}
