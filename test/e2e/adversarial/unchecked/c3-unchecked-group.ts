// Groups read by index under noUncheckedIndexedAccess: `{ 0: first, length }`, `g[0]?.x`, `at(-1)`.
import { Context } from "rddopt";
import { Report } from "./kit.js";

interface Ping {
  host: string;
  rtt: number;
  ttl: number;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const single = ctx.parallelize(Array.from({ length: 8 }, (_, i): [number, Ping] => [i, { host: `h${i}`, rtt: i * 3, ttl: 64 - i }]));

const firsts = single.groupByKey().mapValues((group) => {
  const { 0: first, length } = group;
  return `${first?.host ?? "-"}:${length}`;
});
const ttls = single.groupByKey().mapValues((g) => g[0]?.ttl ?? -1);
const lastRtt = single.groupByKey().mapValues((g) => g.at(-1)?.rtt ?? -1);

await out.rows("firsts", () => firsts.collect());
await out.rows("ttls", () => ttls.collect());
await out.rows("lastRtt", () => lastRtt.collect());
await out.done();
