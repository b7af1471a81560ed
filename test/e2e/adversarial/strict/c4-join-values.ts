// Two modules: a join's value `[V, W]` is a pair; `.values()` makes it the row, and only its key half is
// read after another shuffle (`.values().partitionBy(...)`, `.values().keys()`).
import { HashPartitioner } from "rddopt";
import { ctx, links, weights } from "./c4-pairs.lib.js";
import { Report } from "./kit.js";

const out = new Report(ctx);
const repartitioned = links.join(weights).values().partitionBy(new HashPartitioner(2)).keys();
const dsts = links.partitionBy(new HashPartitioner(3)).values().partitionBy(new HashPartitioner(2)).keys();
const hopsOnly = links
  .join(weights)
  .values()
  .mapValues((w) => w.w)
  .keys()
  .map(([dst]) => dst);

await out.rows("repartitioned", () => repartitioned.collect());
await out.rows("dsts", () => dsts.collect());
await out.rows("hopsOnly", () => hopsOnly.collect());
await out.done();
