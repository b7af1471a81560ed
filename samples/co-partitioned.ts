/**
 * Composite keys and a co-partitioned join (seeds 004 and 002): visits and purchases keyed by
 * [storeId, customerId]. Both are partitionBy'd with the same HashPartitioner, so their join
 * needs no shuffle at all; a second join of the same data without partitioning shuffles both.
 */
import { Context, HashPartitioner } from "rddopt";
import { finish, randomInt, randomWord, seededRandom } from "./kit.js";

type Key = [number, number];
/** minutes, entrance, device, campaign */
type Visit = [number, string, string, string];
/** amount, sku, payment method, coupon */
type Purchase = [number, string, string, string];

const random = seededRandom(2);
const key = (): Key => [randomInt(random, 20), randomInt(random, 1_500)];
const visits: [Key, Visit][] = Array.from({ length: 30_000 }, () => [key(), [randomInt(random, 90), randomWord(random, 5), randomWord(random, 12), randomWord(random, 18)]]);
const purchases: [Key, Purchase][] = Array.from({ length: 30_000 }, () => [key(), [randomInt(random, 300), randomWord(random, 8), randomWord(random, 6), randomWord(random, 10)]]);

const ctx = new Context({ defaultParallelism: 4, progress: false });
const partitioner = new HashPartitioner(4);
const visitsByKey = ctx.parallelize(visits).partitionBy(partitioner);
const purchasesByKey = ctx.parallelize(purchases).partitionBy(partitioner);

// Same partitioner on both sides: the join reads matching partitions side by side.
const spendPerMinute = await visitsByKey
  .join(purchasesByKey)
  .map(([[store], [visit, purchase]]): [number, number] => [store, Math.floor(purchase[0] / (visit[0] + 1))])
  .reduceByKey((a, b) => a + b)
  .collect();

// The same composite-key join on unpartitioned inputs: both sides are shuffled.
const devices = await ctx
  .parallelize(visits)
  .join(ctx.parallelize(purchases))
  .map(([[store, customer], [visit]]): [string, number] => [`${store}/${customer}/${visit[2]}`, 1])
  .reduceByKey((a, b) => a + b)
  .count();

const rows = [...spendPerMinute, ["device-pairs", devices]];
await finish("co-partitioned (seeds 004, 002)", ctx, rows, [
  `stores: ${spendPerMinute.length}, distinct store/customer/device triples: ${devices}`,
  `join strategies: ${ctx.totals.joins.map((j) => j.strategy).join(", ")}`,
]);
