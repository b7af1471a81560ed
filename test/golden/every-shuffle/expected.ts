import { Context, HashPartitioner } from "rddopt";
declare const ctx: Context;
type V = [
    number,
    string,
    number,
    string
];
const a = ctx.parallelize<[
    string,
    V
]>([]);
const b = ctx.parallelize<[
    string,
    V
]>([]);
export const grouped = a.projectValues([2]).groupByKey().mapValues((vs) => vs.map((v) => v[0]));
export const reduced = a.projectValues([0]).reduceByKey((x, y): V => [x[0] + y[0]]).mapValues((v) => v[0]);
export const aggregated = a.projectValues([2]).aggregateByKey(0, (acc, v) => acc + v[0], (x, y) => x + y);
export const folded = a.foldByKey([0, "", 0, ""], (x, y) => x).mapValues((v) => v[1]);
export const combined = a.projectValues([0]).combineByKey((v) => v[0], (c, v) => c + v[0], (c1, c2) => c1 + c2);
export const partitioned = a.projectValues([1]).partitionBy(new HashPartitioner(4)).mapValues((v) => v[0]);
export const repartitioned = a.projectValues([3]).repartition(3).map(([k, v]) => k + v[0]);
export const distinct = a.distinct().mapValues((v) => v[0]);
export const sorted = a.projectValues([2]).sortByKey().values().map((v) => v[0]);
export const sortedBy = a.projectValues([1, 3]).sortBy(([, v]) => v[1]).mapValues((v) => v[0]);
export const subtracted = a.projectValues([3]).subtractByKey(b.projectValues(null)).mapValues((v) => v[0]);
export const cogrouped = a.projectValues(null).cogroup(b.projectValues([2])).mapValues(([xs, ys]) => xs.length + ys.reduce((s, y) => s + y[0], 0));
export const rightOuter = a.projectValues([1]).rightOuterJoin(b.projectValues([1]), { strategy: "shuffle" }).mapValues(([x, y]) => (x ? x[0] : "") + y[0]);
export const fullOuter = a.projectValues([0]).fullOuterJoin(b.projectValues([2])).mapValues(([x, y]) => (x?.[0] ?? 0) + (y?.[0] ?? 0));
export const firstOfGroup = a.projectValues([1]).groupByKey().mapValues((vs) => vs[0][0] + vs.length);
export const destructuredGroup = a.projectValues([1, 3]).groupByKey().mapValues(([first, second]) => first[1] + (second ? second[0] : ""));
