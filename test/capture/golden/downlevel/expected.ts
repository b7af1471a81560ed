import type { RDD } from "rddopt";
const extra = { bonus: 1 };
export function downlevel(rows: RDD<[
    string,
    {
        n: number;
    }
]>): unknown[] {
    return [
        // below ES2018 the compiler turns spread and rest into helper calls a worker does not have
        rows.mapValues(Object.defineProperty((v) => ({ ...v, m: extra.bonus }), Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it uses spread or rest syntax, which output below ES2018 turns into calls of compiler helpers a worker does not have" }, configurable: true })),
        rows.mapValues(Object.defineProperty(({ ...rest }) => rest.n, Symbol.for("rddopt.closure"), { value: { v: 1, inProcess: "it uses spread or rest syntax, which output below ES2018 turns into calls of compiler helpers a worker does not have" }, configurable: true })),
        rows.mapValues(Object.defineProperty((v) => v.n + extra.bonus, Symbol.for("rddopt.closure"), { value: { v: 1, values: () => ({ extra }) }, configurable: true })),
    ];
}
