// `this` inside getters of object literals that wrap the value: the getter reads the wrapped value.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Part {
  a: number;
  b: number;
  name: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const parts = ctx.parallelize(Array.from({ length: 24 }, (_, i): [number, Part] => [i % 6, { a: i, b: 10 * (i % 3), name: `part${i}` }]));

const totals = parts
  .partitionBy(new HashPartitioner(3))
  .mapValues((v) => ({
    v,
    get total(): number {
      return this.v.a + this.v.b;
    },
  }))
  .mapValues((w) => w.total);

const labels = parts
  .sortByKey()
  .mapValues((v) => {
    const box = {
      inner: v,
      get label(): string {
        return this.inner.name.toUpperCase();
      },
    };
    return box;
  })
  .mapValues((box) => box.label);

await out.rows("totals", () => totals.collect());
await out.rows("labels", () => labels.collect());
await out.done();
