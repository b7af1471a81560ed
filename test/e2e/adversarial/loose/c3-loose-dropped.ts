// Non-strict: values typed loosely (implicit any, unions with functions) are never dropped, since they may
// not be data; values that are data are dropped when unread, with the same counts.
import { Context } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 3 });
const out = new Report(ctx);
function make(i) {
  return i % 4 === 0 ? () => i : i;
}
const loose = ctx.parallelize(Array.from({ length: 16 }, (_, i) => [i % 4, make(i)] as [number, any]));
const maybeFn = ctx.parallelize(Array.from({ length: 12 }, (_, i): [number, number | (() => number)] => [i % 3, i % 5 === 0 ? () => i : i]));
const data = ctx.parallelize(Array.from({ length: 12 }, (_, i): [number, number] => [i % 3, i]));

await out.value("looseCount", () => loose.join(data).count());
await out.value("fnUnionCount", () => maybeFn.join(data).count());
await out.value("dataCount", () => data.join(data).count());
await out.rows("dataKeys", () => data.leftOuterJoin(data).keys().collect());
await out.done();
