import type { RDD } from "rddopt";
import negate, { scale, RATE as rate } from "./helper.js";
import * as helper from "./helper.js";
export function imports(rows: RDD<[
    string,
    number
]>): unknown[] {
    return [
        rows.mapValues(Object.defineProperty((v) => scale(v) + rate, Symbol.for("rddopt.closure"), { value: { v: 1, imports: { scale: { from: new URL("./helper.js", import.meta.url).href, name: "scale" }, rate: { from: new URL("./helper.js", import.meta.url).href, name: "RATE" } } }, configurable: true })),
        rows.mapValues(Object.defineProperty((v) => negate(v), Symbol.for("rddopt.closure"), { value: { v: 1, imports: { negate: { from: new URL("./helper.js", import.meta.url).href, name: "default" } } }, configurable: true })),
        rows.mapValues(Object.defineProperty((v) => helper.scale(v) + helper.RATE, Symbol.for("rddopt.closure"), { value: { v: 1, imports: { helper: { from: new URL("./helper.js", import.meta.url).href, name: "*" } } }, configurable: true })),
    ];
}
