// `strict: false`: same-file helpers with untyped (implicitly `any`) parameters observe the tuple.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

type Row = [id: number, a: string, b: string, c: number];

function width(xs) {
  return xs.length;
}
function last(xs) {
  return xs[xs.length - 1];
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const rows = ctx.parallelize(Array.from({ length: 20 }, (_, i): [number, Row] => [i % 4, [i, `a${i}`, `b${i}`, i * 2]]));

const widths = rows.partitionBy(new HashPartitioner(3)).mapValues((r) => width(r) * 100 + r[0]);
const lasts = rows.sortByKey().mapValues((r) => String(last(r)) + r[1]);

await out.rows("widths", () => widths.collect());
await out.rows("lasts", () => lasts.collect());
await out.done();
