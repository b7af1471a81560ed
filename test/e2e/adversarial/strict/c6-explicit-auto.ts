// A join written with `strategy: "auto"` by the user: pruning shrinks the small side below the broadcast
// threshold (whole, it is above; the big side is above either way), so the join's decision, and with it
// the output partitioning that glom, take and mapPartitionsWithIndex observe, may differ between the builds.
import { Context } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 4, broadcastThreshold: 4096 });
const out = new Report(ctx);
const facts = ctx.parallelize(Array.from({ length: 2000 }, (_, i): [number, [number, string]] => [i % 30, [i, `fact-${i}`]]), 3);
const dims = ctx.parallelize(Array.from({ length: 30 }, (_, i): [number, { name: string; blob: string }] => [i, { name: `d${i}`, blob: "b".repeat(400) }]), 2);

const joined = facts.join(dims, { strategy: "auto" }).mapValues(([f, d]) => `${f[0]}:${d.name}`);

await out.ordered("glomSizes", () =>
  joined
    .glom()
    .map((p) => p.length)
    .collect(),
);
await out.ordered("take4", () => joined.take(4));
await out.rows("byIndex", () => joined.mapPartitionsWithIndex((index, rows) => [`${index}:${rows.length}`]).collect());
await out.value("count", () => joined.count());
await out.value("partitionsAfterJob", async () => {
  const counted = facts.join(dims, { strategy: "auto" });
  await counted.count();
  return counted.getNumPartitions();
});
await out.done();
