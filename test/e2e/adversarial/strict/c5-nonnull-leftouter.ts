// `w!` after a leftOuterJoin tells the checker a missing right side is there; downstream code still
// handles it (`w?.amount ?? 0`). A projection of `w` must not dereference the missing value.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Payment {
  amount: number;
  method: string;
  ref: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const orders = ctx.parallelize(Array.from({ length: 20 }, (_, i): [number, { total: number; memo: string }] => [i % 10, { total: 10 + i, memo: `m${i}` }]));
// payments only for even keys
const payments = ctx.parallelize(Array.from({ length: 5 }, (_, i): [number, Payment] => [2 * i, { amount: 5 * i, method: i % 2 ? "card" : "cash", ref: `r${i}` }]));

const paid = orders
  .leftOuterJoin(payments)
  .mapValues(([o, w]) => ({ total: o.total, p: w! }))
  .groupByKey()
  .mapValues((xs) => xs.reduce((s, x) => s + (x.p?.amount ?? 0), 0));

const methods = orders
  .leftOuterJoin(payments)
  .map(([k, [, w]]): [number, Payment] => {
    const pay = w!;
    return [k, pay];
  })
  .partitionBy(new HashPartitioner(3))
  .mapValues((pay) => pay?.method ?? "none");

const refs = orders
  .leftOuterJoin(payments)
  .mapValues(([, w]) => w as Payment)
  .sortByKey()
  .mapValues((p) => (p === undefined ? "-" : p.ref));

await out.rows("paid", () => paid.collect());
await out.rows("methods", () => methods.collect());
await out.rows("refs", () => refs.collect());
await out.done();
