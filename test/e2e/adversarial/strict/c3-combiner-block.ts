// A field-wise reduceByKey after a mapValues with a block body: its fields are dropped before the shuffle only
// when every return is a literal of data members. A return of the original (a class instance whose getter
// counts) or a literal with a getter must keep the combiner's reads as written, and the count is printed.
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
const combine = (a: Sums, b: Sums): Sums => ({ s: a.s + b.s, t: a.t + b.t });

// every path returns a fresh literal (reading t there counts as written, pruned or not)
await out.rows("literals on every path", () =>
  values
    .mapValues((v): Sums => {
      if (v.s % 2 === 0) return { s: v.s, t: 0 };
      return { s: -v.s, t: 1 };
    })
    .reduceByKey((a, b) => ({ s: a.s + b.s, t: a.t + b.t }))
    .mapValues((o) => o.s)
    .collect(),
);
await out.value("reads after literals", () => reads);
// one path hands on the instance: the combiner reads its getter on that path
await out.rows("instance on one path", () =>
  values
    .mapValues((v): Sums => {
      if (v.s % 2 === 0) return v;
      return { s: v.s, t: 7 };
    })
    .reduceByKey((a, b) => ({ s: a.s + b.s, t: a.t + b.t }))
    .mapValues((o) => o.s)
    .collect(),
);
await out.value("reads after instance", () => reads);
// a literal whose dropped member is a getter
await out.rows("getter in the literal", () =>
  values
    .mapValues((v): Sums => {
      return {
        s: v.s,
        get t() {
          reads++;
          return 3;
        },
      };
    })
    .reduceByKey((a, b) => ({ s: a.s + b.s, t: a.t + b.t }))
    .mapValues((o) => o.s)
    .collect(),
);
await out.value("reads after getter", () => reads);
// a named combiner, same shape
await out.rows("named combiner", () => values.mapValues((v): Sums => ({ s: v.s, t: v.s })).reduceByKey(combine).mapValues((o) => o.t).collect());
await out.done();
