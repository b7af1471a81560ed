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
export const plain = a.join(b, { strategy: "auto", site: "test/golden/broadcast-options/input.ts:6:24" });
export const withPartitions = a.leftOuterJoin(b, { numPartitions: 4, strategy: "auto", site: "test/golden/broadcast-options/input.ts:7:33" });
export const explicit = a.rightOuterJoin(b, { strategy: "shuffle" });
export const fromVariable = a.join(b, { strategy: "auto", site: "test/golden/broadcast-options/input.ts:9:31", ...opts });
export const full = a.fullOuterJoin(b);
export const spreadLiteral = a.join(b, { strategy: "auto", site: "test/golden/broadcast-options/input.ts:11:32", ...opts, numPartitions: 2 });
export const withSite = a.join(b, { site: "mine", strategy: "auto" });
