// Map lambdas build `{ a: o.a, b: o.b }` from class instances typed as an interface; downstream reads
// only `a`. Dropping `b: o.b` from the literal skips a getter call, which is counted.
import { Context } from "rddopt";
import { Account, getterReads, type Money } from "./c3-class-getter.lib.js";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const accounts = ctx.parallelize(Array.from({ length: 20 }, (_, i): [string, Money] => [`acct${i % 4}`, new Account(i, 2 * i)]));

const sums = accounts
  .map(([k, o]): [string, Money] => [k, { a: o.a, b: o.b }])
  .groupByKey()
  .mapValues((ms) => ms.reduce((s, m) => s + m.a, 0));
const moved = accounts
  .mapValues((o) => {
    const copy = { a: o.a, b: o.b };
    return copy;
  })
  .sortByKey()
  .mapValues((m) => m.a);

await out.rows("sums", () => sums.collect());
await out.rows("moved", () => moved.collect());
await out.value("getterReads", () => getterReads());
await out.done();
