/**
 * A small dimension table joined to a large fact table (seed 004): inner, left outer and right
 * outer joins. Written without a strategy, each join shuffles both sides; with the transformer
 * each gets `strategy: "auto"` and the runtime broadcasts the side the join type allows
 * (inner: the smaller, left outer: the right, right outer: the left) when it is small enough.
 */
import { Context } from "rddopt";
import { finish, randomInt, randomWord, seededRandom } from "./kit.js";

interface Store {
  name: string;
  region: string;
  manager: string;
  address: string;
  openedYear: number;
}
/** amount, customer id, sku, note, timestamp */
type Sale = [number, number, string, string, number];

const REGIONS = ["north", "south", "east", "west"];
const random = seededRandom(4);
const stores: [number, Store][] = Array.from({ length: 40 }, (_, id) => [
  id,
  { name: `store-${id}`, region: REGIONS[id % REGIONS.length]!, manager: randomWord(random, 10), address: randomWord(random, 30), openedYear: 1990 + randomInt(random, 30) },
]);
// Store ids 40..44 are in the facts but not in the dimension: the outer joins keep those sales.
const sales: [number, Sale][] = Array.from({ length: 40_000 }, () => [
  randomInt(random, 45),
  [randomInt(random, 500), randomInt(random, 10_000), randomWord(random, 8), randomWord(random, 20), 1_700_000_000 + randomInt(random, 1e7)],
]);

const ctx = new Context({ defaultParallelism: 4, progress: false });
const storeRdd = ctx.parallelize(stores, 2);
const saleRdd = ctx.parallelize(sales);

// inner: revenue per region
const revenueByRegion = await saleRdd
  .join(storeRdd)
  .map(([, [sale, store]]): [string, number] => [store.region, sale[0]])
  .reduceByKey((a, b) => a + b)
  .collect();

// left outer: sales of stores missing from the dimension
const unmatched = await saleRdd
  .leftOuterJoin(storeRdd)
  .filter(([, [, store]]) => store === undefined)
  .mapValues(([sale]) => sale[0])
  .reduceByKey((a, b) => a + b)
  .collect();

// right outer (dimension on the left): every sale with its store's name, if any
const namedSales = await storeRdd
  .rightOuterJoin(saleRdd)
  .map(([id, [store, sale]]): [string, number] => [store?.name ?? `unknown-${id}`, sale[1]])
  .reduceByKey((a, b) => Math.max(a, b))
  .collect();

const rows = [...revenueByRegion.map((r) => ["revenue", ...r]), ...unmatched.map((r) => ["unmatched", ...r]), ...namedSales.map((r) => ["max-customer", ...r])];
await finish("broadcast-dimension (seed 004)", ctx, rows, [
  `revenue by region: ${revenueByRegion.sort().map(([r, v]) => `${r}=${v}`).join(" ")}`,
  `sales at stores missing from the dimension: ${unmatched.length} stores`,
  `stores named in the right outer join: ${namedSales.length}`,
]);
