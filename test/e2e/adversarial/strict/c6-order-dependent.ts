// Order- and partition-dependent actions downstream of joins without a strategy (small side broadcastable).
// Each result has a join of its own, so that one partition-dependent consumer does not protect the others:
// mapPartitions without an index, coalesce + glom, collectAsMap with duplicate keys (the last value wins),
// and getNumPartitions after a job (partition counts settle when a job starts).
// Not here, by contract (README, "Runtime semantics"; as in Spark): a non-commutative `reduce` and the order
// in which `foreach` visits rows. A broadcast may reorder rows, and those depend on order.
import { Context } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 4, broadcastThreshold: 1 << 20 });
const out = new Report(ctx);
const events = ctx.parallelize(Array.from({ length: 60 }, (_, i): [number, { n: number; tag: string }] => [i % 6, { n: i, tag: `t${i % 3}` }]), 3);
const kinds = ctx.parallelize(Array.from({ length: 6 }, (_, i): [number, string] => [i, `k${i}`]));

await out.ordered("perPartition", () =>
  events
    .join(kinds)
    .mapPartitions((rows) => [rows.length])
    .collect(),
);
await out.ordered("coalesced", () =>
  events
    .join(kinds)
    .coalesce(2)
    .glom()
    .map((p) => p.length)
    .collect(),
);
await out.value("lastWins", async () => {
  const map = await events
    .join(kinds)
    .mapValues(([e]) => e.n)
    .collectAsMap();
  return [...map].sort((a, b) => a[0] - b[0]);
});
await out.value("partitionsAfterJob", async () => {
  const left = events.leftOuterJoin(kinds);
  await left.count();
  return left.getNumPartitions();
});
await out.done();
