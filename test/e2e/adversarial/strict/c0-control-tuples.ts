// Control: wide tuples joined, only two fields read afterwards. Pruning obviously applies here, so the
// prune build must shuffle fewer bytes than plain (asserted by the test) and print the same rows.
import { Context } from "rddopt";
import { Report } from "./kit.js";

type Sale = [id: number, sku: string, qty: number, note: string, region: string];
type Shop = [name: string, city: string, blurb: string];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const sales = ctx.parallelize(
  Array.from({ length: 400 }, (_, i): [number, Sale] => [i % 20, [i, `sku${i % 13}`, (i * 7) % 5, "n".repeat(40 + (i % 7)), `r${i % 3}`]]),
);
const shops = ctx.parallelize(Array.from({ length: 20 }, (_, i): [number, Shop] => [i, [`shop${i}`, `city${i % 4}`, "b".repeat(60)]]));

const qtyByCity = sales
  .join(shops)
  .map(([, [sale, shop]]): [string, number] => [shop[1], sale[2]])
  .reduceByKey((a, b) => a + b);

await out.rows("qtyByCity", () => qtyByCity.collect());
await out.done();
