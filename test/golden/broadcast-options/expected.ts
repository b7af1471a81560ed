import { Context, type JoinOptions } from "rddopt";
declare const ctx: Context;
declare const opts: JoinOptions;
const a = ctx.parallelize<[
    number,
    number
]>([]);
const b = ctx.parallelize<[
    number,
    string
]>([]);
// consumed only by count(): partitioning is not a result, so every join without a strategy may broadcast
const plain = a.projectValues(null).join(b.projectValues(null), { strategy: "auto", site: "test/golden/broadcast-options/input.ts:7:17", inPlace: true, readOnly: true });
const withPartitions = a.projectValues(null).leftOuterJoin(b.projectValues(null), { numPartitions: 4, strategy: "auto", site: "test/golden/broadcast-options/input.ts:8:26", inPlace: true, readOnly: true });
const explicit = a.projectValues(null).rightOuterJoin(b.projectValues(null), { strategy: "shuffle" });
const fromVariable = a.projectValues(null).join(b.projectValues(null), { strategy: "auto", site: "test/golden/broadcast-options/input.ts:10:24", inPlace: true, readOnly: true, ...opts });
const full = a.projectValues(null).fullOuterJoin(b.projectValues(null));
const spreadLiteral = a.projectValues(null).join(b.projectValues(null), { strategy: "auto", site: "test/golden/broadcast-options/input.ts:12:25", inPlace: true, readOnly: true, ...opts, numPartitions: 2 });
const withSite = a.projectValues(null).join(b.projectValues(null), { site: "mine", strategy: "auto", inPlace: true, readOnly: true });
export const counts = [plain.count(), withPartitions.count(), explicit.count(), fromVariable.count(), full.count(), spreadLiteral.count(), withSite.count()];
// rows that reach take() depend on partitioning: this join is left as written
export const firstRows = a.join(b).take(2);
