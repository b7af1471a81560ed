// `flatMapValues(d => d.tags)` where `tags` is a tuple: the number of rows it makes depends on every position.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Doc {
  title: string;
  tags: [string, string, string];
  body: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const docs = ctx.parallelize(
  Array.from({ length: 30 }, (_, i): [number, Doc] => [i % 6, { title: `t${i}`, tags: [`a${i % 2}`, `b${i % 3}`, `c${i % 5}`], body: "x".repeat(i) }]),
);
const pairs = ctx.parallelize(Array.from({ length: 12 }, (_, i): [number, [string, string]] => [i % 3, [`left${i}`, `right${i}`]]));

const tags = docs.partitionBy(new HashPartitioner(3)).flatMapValues((d) => d.tags);
const perKey = docs
  .groupByKey()
  .flatMapValues((ds) => ds)
  .flatMapValues((d) => d.tags)
  .mapValues(() => 1)
  .reduceByKey((a, b) => a + b);
const pairItems = pairs.sortByKey().flatMapValues((t) => t);

await out.value("tagCount", () => tags.count());
await out.rows("perKey", () => perKey.collect());
await out.value("pairCount", () => pairItems.count());
await out.done();
