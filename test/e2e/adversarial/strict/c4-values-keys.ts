// Rows `[k, [a, b]]` whose value is itself a pair; after the shuffle only the pair's key half is used.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const stores = ctx.parallelize(Array.from({ length: 20 }, (_, i): [string, [number, string]] => [`region${i % 3}`, [i % 7, `store-name-${i}`]]));

const storeIds = stores.partitionBy(new HashPartitioner(3)).values().keys();
const distinctIds = stores
  .groupByKey()
  .flatMapValues((vs) => vs)
  .values()
  .keys()
  .distinct();
const idCounts = stores.sortByKey().values();

await out.rows("storeIds", () => storeIds.collect());
await out.rows("distinctIds", () => distinctIds.collect());
await out.rows("idCounts", async () => [...(await idCounts.countByKey())]);
await out.done();
