// A seeded sample downstream of a join without a strategy (small side broadcastable): which rows are
// sampled depends on the partition each row is in.
import { Context } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 4, broadcastThreshold: 1 << 20 });
const out = new Report(ctx);
const clicks = ctx.parallelize(Array.from({ length: 120 }, (_, i): [number, { ad: number; ms: number }] => [i % 8, { ad: i, ms: (i * 17) % 90 }]));
const ads = ctx.parallelize(Array.from({ length: 8 }, (_, i): [number, { title: string }] => [i, { title: `ad${i}` }]));

const sampled = clicks
  .join(ads)
  .mapValues(([c, a]) => `${a.title}#${c.ad}`)
  .sample(false, 0.5, 42);

await out.rows("sampled", () => sampled.collect());
await out.value("sampledCount", () => sampled.count());
await out.rows("rightSampled", () =>
  clicks
    .rightOuterJoin(ads)
    .sample(false, 0.3, 7)
    .mapValues(([c]) => c?.ms ?? -1)
    .collect(),
);
await out.done();
