// `eval("v[1]")` inside lambdas. The file is an ES module (strict mode): a direct eval still reads the
// lambda's parameter, so the value is observed although no identifier refers to it.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const rows = ctx.parallelize(Array.from({ length: 16 }, (_, i): [number, [string, number, string]] => [i % 4, [`n${i}`, i * 3, `pad${i}`]]));
const objects = ctx.parallelize(Array.from({ length: 16 }, (_, i): [number, { name: string; size: number }] => [i % 4, { name: `o${i}`, size: i }]));

const second = rows.partitionBy(new HashPartitioner(3)).mapValues((v) => {
  const got: unknown = eval("v[1]");
  return typeof got === "number" ? got : -1;
});
const named = objects
  .groupByKey()
  .mapValues((vs) => vs.length + String(eval("vs.map(o => o.name).sort().join('')")));
const mixed = rows.sortByKey().mapValues((v) => `${v[0]}:${String(eval("v[2]"))}`);

await out.rows("second", () => second.collect());
await out.rows("named", () => named.collect());
await out.rows("mixed", () => mixed.collect());
await out.done();
