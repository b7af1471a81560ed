import type { RDD } from "rddopt";
const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
function isEven(n: number): boolean { return n === 0 ? true : isOdd(n - 1); }
function isOdd(n: number): boolean { return n === 0 ? false : isEven(n - 1); }
function factorial(n: number): number { return n <= 1 ? 1 : n * factorial(n - 1); }
export function recursion(rows: RDD<[
    string,
    number
]>): unknown[] {
    return [
        rows.mapValues(Object.defineProperty(fib, Symbol.for("rddopt.closure"), { value: { v: 1, functions: { fib: { fn: () => fib, info: { v: 1 } } } }, configurable: true })),
        rows.filter(Object.defineProperty((p) => isEven(p[1]), Symbol.for("rddopt.closure"), { value: { v: 1, functions: { isEven: { fn: () => isEven, info: { v: 1, functions: { isOdd: { fn: () => isOdd, info: { v: 1, functions: { isEven: { fn: () => isEven, info: { v: 1 } } } } } } } } } }, configurable: true })),
        rows.mapValues(Object.defineProperty(factorial, Symbol.for("rddopt.closure"), { value: { v: 1, functions: { factorial: { fn: () => factorial, info: { v: 1 } } } }, configurable: true })),
    ];
}
