// A user's program for `rddopt rewrite`: its pruned reads change static types (a renumbered index that now
// names a number where the type says string; a fused literal under an annotation; a renumbered pattern).
import { Context } from "rddopt";
import { digest } from "./helper.js";
import { tagLengths } from "./tags.js";

type Order = [amount: number, sku: string, qty: number, currency: string, ts: number];
type User = [name: string, city: string, age: number, email: string, plan: string];

const ctx = new Context({ defaultParallelism: 2, progress: false });
const orders = ctx.parallelize<[number, Order]>(
  Array.from({ length: 3000 }, (_, i): [number, Order] => [i % 60, [i, `sku${i % 7}`, i % 3, "EUR", i]]),
);
const users = ctx.parallelize<[number, User]>(
  Array.from({ length: 60 }, (_, i): [number, User] => [i, [`u${i}`, `city${i % 5}`, 20 + i, `u${i}@example.org`, i % 2 ? "pro" : "free"]]),
);

const byCity = await orders
  .join(users)
  .map(([, [order, user]]): [string, number] => [user[1], order[0] * user[3].length])
  .reduceByKey((a, b) => a + b)
  .collect();

const scores = await orders
  .map(([k, [amount, sku, qty]]): [number, [string, number, number]] => [k, [sku, qty, amount]])
  .groupByKey()
  .mapValues((vs) => vs.map(([, q, a]) => (q * a).toFixed(0)).join(",").length)
  .collect();

console.log(`RESULT ${digest(byCity)} ${digest(scores)} ${digest(await tagLengths(ctx))}`);
console.log(`METRICS ${JSON.stringify(ctx.totals)}`);
await ctx.stop();
