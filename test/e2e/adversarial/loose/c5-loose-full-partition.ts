// `strict: false`: full and right outer joins followed by pruned shuffles; either side may be missing.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

type Left = [name: string, qty: number, pad: string];
type Right = [city: string, zone: number, pad: string];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const left = ctx.parallelize(Array.from({ length: 12 }, (_, i): [number, Left] => [i, [`n${i}`, i % 4, "x"]]));
const right = ctx.parallelize(Array.from({ length: 12 }, (_, i): [number, Right] => [i + 6, [`c${i}`, i % 3, "y"]]));

const both = left
  .fullOuterJoin(right)
  .partitionBy(new HashPartitioner(3))
  .mapValues(([l, r]) => `${l ? l[0] : "?"}/${r ? r[0] : "?"}`);
const zones = left
  .rightOuterJoin(right)
  .sortByKey()
  .mapValues(([l, r]) => (l == null ? r[1] * 100 : l[1]));
const grouped = left
  .fullOuterJoin(right)
  .groupByKey()
  .mapValues((vs) => vs.map(([l, r]) => (l ? l[1] : 0) + (r ? r[1] : 0)).reduce((a, b) => a + b, 0));

await out.rows("both", () => both.collect());
await out.rows("zones", () => zones.collect());
await out.rows("grouped", () => grouped.collect());
await out.done();
