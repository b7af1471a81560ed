// Helpers taking an RDD, each called once with a joined RDD and once with a source already in the
// joined shape: pruning the join must not renumber what the helper reads of the raw source.
import { Context, type RDD } from "rddopt";
import { Report } from "./kit.js";

type Line = [id: number, qty: number, price: number, memo: string];
type Promo = [code: string, pct: number, blurb: string];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const lines = ctx.parallelize(Array.from({ length: 40 }, (_, i): [number, Line] => [i % 6, [i, 1 + (i % 4), 10 + (i % 9), `memo${i % 3}`]]));
const promos = ctx.parallelize(Array.from({ length: 6 }, (_, i): [number, Promo] => [i, [`P${i}`, 5 * i, `blurb ${i}`]]));
// the same shape as the join's output, built directly
const manual = ctx.parallelize(
  Array.from({ length: 10 }, (_, i): [number, [Line, Promo]] => [i % 3, [[100 + i, 2, 7 + i, `hand${i}`], [`H${i}`, 10, `hand blurb ${i}`]]]),
);

function discounted(r: RDD<[number, [Line, Promo]]>): RDD<[number, number]> {
  return r.mapValues(([line, promo]) => (line[1] * line[2] * (100 - promo[1])) / 100);
}

function memoLengths(r: RDD<[number, [Line, Promo]]>) {
  return r.map(function ([key, [line, promo]]): [number, string] {
    const memo = line[3];
    return [key, `${memo}/${promo[2].length}`];
  });
}

const viaJoin = discounted(lines.join(promos));
const viaRaw = discounted(manual);
const memosRaw = memoLengths(manual);
const memosJoin = memoLengths(lines.join(promos));

await out.rows("viaJoin", () => viaJoin.collect());
await out.rows("viaRaw", () => viaRaw.collect());
await out.rows("memosJoin", () => memosJoin.collect());
await out.rows("memosRaw", () => memosRaw.collect());
await out.done();
