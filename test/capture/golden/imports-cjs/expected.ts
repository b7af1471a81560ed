import type { RDD } from "rddopt";
import * as helper from "./helper";
import { scale } from "./helper";
export const exported = 4;
const local = 5;
export function imports(rows: RDD<[
    string,
    number
]>): unknown[] {
    return [
        // namespace imports keep their name in CommonJS output
        rows.mapValues(Object.defineProperty((v) => helper.scale(v) + local, Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ local }), imports: { helper: { from: require("node:url").pathToFileURL(require.resolve("./helper")).href, name: "*" } } }, configurable: true })),
        // named imports become `helper_1.scale`, exported variables `exports.exported`
        rows.mapValues(Object.defineProperty((v) => scale(v), Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it uses `scale` imported from \"./helper\": CommonJS output renames imported bindings (`mod_1.scale`), so a worker cannot rebuild the function from its source" }, configurable: true })),
        rows.mapValues(Object.defineProperty((v) => v + exported, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it uses `exported`, an exported variable that CommonJS output reads as `exports.exported`, which a worker cannot rebuild" }, configurable: true })),
    ];
}
