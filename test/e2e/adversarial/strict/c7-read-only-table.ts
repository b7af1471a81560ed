// Read-only consumers let a broadcast table hand each joined row its own copy of a build value (`readOnly: true`);
// a consumer that writes the build value must see what a shuffle gives: the rows of one key share one copy, so a
// write shows in that key's later rows. The streamed sides hold primitives (`inPlace: true` regardless).
import { Context } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 2 });
const out = new Report(ctx);
// several stream rows per key, one partition per side, so one task sees them in order
const counts = ctx.parallelize<[number, number]>([[1, 5], [1, 6], [2, 7], [1, 8]], 1);
const small = ctx.parallelize<[number, number[]]>([[1, [10, 20]], [2, [30, 40]]], 1);

// writes into the table's value: each row sees the running total of its key's earlier rows
await out.rows("writing consumer, left outer", () => counts.leftOuterJoin(small).mapValues(([n, r]) => (r ? (r[0] = r[0]! + n) : n)).collect());
await out.rows("writing consumer, inner", () => counts.join(small).mapValues(([n, r]) => { r.push(n); return r.length; }).collect());
// identity of the table's values across rows
await out.value("identity across rows", async () => {
  const seen: number[][] = [];
  return counts.join(small).filter(([, [, r]]) => { const again = seen.includes(r); seen.push(r); return again; }).count();
});
// read-only consumers: same results with fresh copies
await out.rows("read-only sums", () => counts.join(small).mapValues(([n, r]) => n + (r[0] ?? 0) + (r[1] ?? 0)).collect());
await out.rows("read-only left outer", () => counts.leftOuterJoin(small).mapValues(([n, r]) => n * (r ? r.length : -1)).collect());
await out.done();
