import type { RDD } from "rddopt";
import { scale } from "./helper.ts";
import { RATE } from "./helper";
export function extensions(rows: RDD<[
    string,
    number
]>): unknown[] {
    return [
        // written with .ts: the compiler rewrites it to .js (rewriteRelativeImportExtensions), so does the URL
        rows.mapValues(Object.defineProperty((v) => scale(v), Symbol.for("rddopt.closure"), { value: { v: 1, imports: { scale: { from: new URL("./helper.js", import.meta.url).href, name: "scale" } } }, configurable: true })),
        // extensionless (bundler resolution): the emitted file it resolves to
        rows.mapValues(Object.defineProperty((v) => v + RATE, Symbol.for("rddopt.closure"), { value: { v: 1, imports: { RATE: { from: new URL("./helper.js", import.meta.url).href, name: "RATE" } } }, configurable: true })),
    ];
}
