import type { RDD } from "rddopt";

const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
function isEven(n: number): boolean { return n === 0 ? true : isOdd(n - 1); }
function isOdd(n: number): boolean { return n === 0 ? false : isEven(n - 1); }
function factorial(n: number): number { return n <= 1 ? 1 : n * factorial(n - 1); }

export function recursion(rows: RDD<[string, number]>): unknown[] {
  return [
    rows.mapValues(fib),
    rows.filter((p) => isEven(p[1])),
    rows.mapValues(factorial),
  ];
}
