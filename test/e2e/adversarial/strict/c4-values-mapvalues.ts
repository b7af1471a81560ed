// The value half of `[k, [a, b]]` rows used as a pair RDD after the shuffle: `.values().mapValues(...)`.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

type Edge = [from: string, weight: number];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const edges = ctx.parallelize(Array.from({ length: 24 }, (_, i): [number, Edge] => [i % 5, [`n${i % 6}`, (i * 7) % 10]]));

const degree = edges
  .partitionBy(new HashPartitioner(2))
  .values()
  .mapValues(() => 1)
  .reduceByKey((a, b) => a + b);
const marked = edges.sortByKey(false).values().mapValues((w) => w > 4);
const heavyFrom = edges
  .groupByKey()
  .flatMapValues((es) => es)
  .values()
  .filter(([from]) => from !== "n0")
  .keys();

await out.rows("degree", () => degree.collect());
await out.rows("marked", () => marked.collect());
await out.rows("heavyFrom", () => heavyFrom.collect());
await out.done();
