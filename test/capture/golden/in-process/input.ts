import type { RDD } from "rddopt";

let count = 0;
let threshold = 1;
export function raise(): void { threshold++; }
const seen: string[] = [];
const lookup = new Map<string, number>();
class Counter { n = 0; }

export function inProcess(rows: RDD<[string, number]>): unknown[] {
  return [
    rows.map((p) => { count += p[1]; return p; }),
    rows.filter((p) => p[1] > threshold),
    rows.map((p) => { seen.push(p[0]); return p; }),
    rows.map((p) => { p[1] = 0; return p; }),
    rows.mapValues((v) => lookup.get(String(v)) ?? 0),
    rows.mapValues((v) => new Counter().n + v),
    rows.map(function (p) { return arguments.length + p[1]; }),
    rows.mapValues((v) => v.toString(16).localeCompare("a") + Date.now()),
    rows.foreach((p) => console.log(p)),
  ];
}
