// A field-wise combiner whose values are class instances behind a plain interface: a dropped field's
// computation reads a getter, which counts. The instances are combined map-side (one partition, two values
// per key), so the shuffle only sees the plain objects the combiner returns, and the count is printed.
import { Context } from "rddopt";
import { Report } from "./kit.js";

interface Sums { readonly s: number; readonly t: number }
let reads = 0;
class Counted implements Sums {
  constructor(readonly s: number, private readonly hidden: number) {}
  get t(): number {
    reads++;
    return this.hidden;
  }
}
const ctx = new Context({ defaultParallelism: 1, executor: "in-process" });
const out = new Report(ctx);
const values = ctx.parallelize(Array.from({ length: 8 }, (_, i): [number, Sums] => [i % 4, new Counted(i, i * 2)]), 1);

await out.rows("sums", () => values.reduceByKey((a, b) => ({ s: a.s + b.s, t: a.t + b.t })).mapValues((o) => o.s).collect());
await out.value("reads", () => reads);
await out.done();
