import type { RDD } from "rddopt";

const factor = 3;
let offset = 1; // never written again: captured like a const
const weights = [0.5, 1, 2];
const config = { label: "total", limit: 10 } as const;
enum Unit { Meter = "m", Foot = "ft" }
const enum Inlined { Two = 2 }

export function values(rows: RDD<[string, number]>): unknown[] {
  const out: unknown[] = [];
  out.push(rows.map(([k, v]) => v * factor + offset));
  out.push(rows.map(([k, v]) => v * weights[v % 3]));
  out.push(rows.filter(([k, v]) => v < config.limit && k !== config.label));
  out.push(rows.mapValues((v) => `${v}${Unit.Meter}` + Inlined.Two));
  out.push(rows.map((p, scale = factor) => p[1] * scale));
  for (const step of [1, 2]) out.push(rows.mapValues((v) => v + step));
  return out;
}
