// Object destructuring of a group (`const { 0: first, length } = group`): index 0 is an element read.
import { Context } from "rddopt";
import { Report } from "./kit.js";

interface Stay {
  guest: string;
  nights: number;
  city: string;
  notes: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
// one stay per key first, so that `first` does not depend on the order inside a group
const single = ctx.parallelize(Array.from({ length: 8 }, (_, i): [string, Stay] => [`h${i}`, { guest: `g${i}`, nights: 1 + (i % 3), city: `c${i % 2}`, notes: `n${i}` }]));
const many = ctx.parallelize(Array.from({ length: 24 }, (_, i): [string, Stay] => [`h${i % 4}`, { guest: "same", nights: 2, city: "same-city", notes: "" }]));

const summary = single.groupByKey().mapValues((group) => {
  const { 0: first, length } = group;
  return `${first.guest}/${first.city}:${length}`;
});
const sizes = many.groupByKey().mapValues(({ length, 0: head }) => `${length}:${head.city}`);
const viaIndex = single.groupByKey().mapValues((g) => g["0"].notes);

await out.rows("summary", () => summary.collect());
await out.rows("sizes", () => sizes.collect());
await out.rows("viaIndex", () => viaIndex.collect());
await out.done();
