// Tuples handed to same-file functions whose parameter is `readonly unknown[]`: `.length` and `forEach`
// observe every position of the tuple.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

type Packet = [src: string, bytes: number, proto: string, flags: number];

function arity(xs: readonly unknown[]): number {
  return xs.length;
}
function definedCount(xs: readonly unknown[]): number {
  let n = 0;
  xs.forEach((x) => {
    if (x !== undefined) n++;
  });
  return n;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const packets = ctx.parallelize(Array.from({ length: 40 }, (_, i): [string, Packet] => [`h${i % 5}`, [`10.0.0.${i}`, 64 * (1 + (i % 6)), i % 2 ? "tcp" : "udp", i % 8]]));

const widths = packets.partitionBy(new HashPartitioner(3)).mapValues((p) => arity(p));
const defined = packets.groupByKey().mapValues((ps) => ps.map(definedCount).reduce((s, n) => s + n, 0));
const mixed = packets.sortByKey().mapValues((p) => arity(p) * 1000 + p[1]);

await out.rows("widths", () => widths.collect());
await out.rows("defined", () => defined.collect());
await out.rows("mixed", () => mixed.collect());
await out.done();
