// glom / mapPartitionsWithIndex / getNumPartitions downstream of joins without a strategy.
// (There is no zipWithIndex in rddopt's RDD.)
import { Context } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 4, broadcastThreshold: 1 << 20 });
const out = new Report(ctx);
const big = ctx.parallelize(Array.from({ length: 90 }, (_, i): [number, number] => [i % 9, i]), 3);
const small = ctx.parallelize(Array.from({ length: 9 }, (_, i): [number, string] => [i, `s${i}`]));

const joined = big.join(small);

await out.value("numPartitions", async () => {
  const rows = await joined.glom().collect();
  return rows.length;
});
await out.ordered("glomSizes", () =>
  joined
    .glom()
    .map((p) => p.length)
    .collect(),
);
await out.rows("byIndex", () => joined.mapPartitionsWithIndex((index, rows) => rows.map(([k]): [number, number] => [index, k])).collect());
await out.ordered("firstPerPartition", () =>
  big
    .leftOuterJoin(small)
    .mapPartitionsWithIndex((index, rows) => (rows.length ? [`${index}:${rows.length}`] : []))
    .collect(),
);
await out.done();
