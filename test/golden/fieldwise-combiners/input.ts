import { Context } from "rddopt";
declare const ctx: Context;
declare function log(x: unknown): number;
type Stats = [count: number, total: number, max: number, label: string];
interface Totals { units: number; revenue: number; note: string }
const s = ctx.parallelize<[string, Stats]>([]);
const t = ctx.parallelize<[string, Totals]>([]);
// field-wise: each result field from the same field of both arguments; only total and max are read
export const summed = s.reduceByKey((a, b): Stats => [a[0] + b[0], a[1] + b[1], Math.max(a[2], b[2]), a[3] < b[3] ? a[3] : b[3]]).mapValues((v) => v[1] / v[2]);
// object values are only pruned when built by a literal: a class instance behind `Totals` may count its reads
export const built = t.mapValues((v) => ({ units: v.units, revenue: v.revenue, note: v.note })).reduceByKey((a, b) => ({ units: a.units + b.units, revenue: a.revenue + b.revenue, note: a.note })).mapValues((v) => v.revenue);
// every return of a block body is such a literal
export const builtInBlock = t.mapValues((v) => {
    if (v.units > 0)
        return { units: v.units, revenue: v.revenue, note: v.note };
    return { units: 0, revenue: -v.revenue, note: "" };
}).reduceByKey((a, b) => ({ units: a.units + b.units, revenue: a.revenue + b.revenue, note: a.note })).mapValues((v) => v.revenue);
export const objects = t.reduceByKey((a, b) => ({ units: a.units + b.units, revenue: a.revenue + b.revenue, note: a.note })).mapValues((v) => v.revenue);
export const folded = s.foldByKey<string, Stats>([0, 0, -Infinity, ""], (a, b): Stats => [a[0] + b[0], a[1] + b[1], Math.max(a[2], b[2]), a[3] + b[3]]).mapValues(([n]) => n);
export const keysOnly = s.reduceByKey((a, b): Stats => [a[0] + b[0], a[1] + b[1], a[2], a[3]]).keys();
// not field-wise: field 0 of the result reads field 1; a dropped field has an effect; the result is a whole argument
export const crossed = s.reduceByKey((a, b): Stats => [a[1] + b[0], a[1] + b[1], a[2], a[3]]).mapValues((v) => v[1]);
export const effect = s.reduceByKey((a, b): Stats => [a[0] + b[0], log(a[1]), a[2], a[3]]).mapValues((v) => v[0]);
export const maxBy = s.reduceByKey((a, b) => (a[1] > b[1] ? a : b)).mapValues((v) => v[1]);
