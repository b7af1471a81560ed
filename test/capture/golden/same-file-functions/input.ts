import type { RDD } from "rddopt";

const base = 10;
function square(x: number): number { return x * x; }
const shift = (x: number): number => x + base;
function both(x: number): number { return shift(square(x)) + square(base); }
function label(pair: [string, number]): string { return `${pair[0]}=${both(pair[1])}`; }

export function functions(rows: RDD<[string, number]>): unknown[] {
  return [
    rows.map((p) => both(p[1])),
    rows.map(label),
    rows.mapValues(square),
  ];
}
