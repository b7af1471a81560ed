// A module whose private helper is called with a joined RDD and with a raw one; results exported by a list.
import { Context, type RDD } from "rddopt";

export type Purchase = [member: number, total: number, channel: string, coupon: string];
export type Member = [name: string, level: number, since: string];

export const ctx = new Context({ defaultParallelism: 4 });
const purchases = ctx.parallelize(Array.from({ length: 36 }, (_, i): [number, Purchase] => [i % 9, [i % 9, 5 + ((i * 13) % 50), `ch${i % 2}`, `C${i % 4}`]]));
const members = ctx.parallelize(Array.from({ length: 9 }, (_, i): [number, Member] => [i, [`m${i}`, i % 4, `20${10 + i}`]]));
export const walkIns: [number, [Purchase, Member]][] = Array.from({ length: 6 }, (_, i) => [100 + i, [[100 + i, 3 * i, "shop", "none"], ["walk-in", 0, "today"]]]);

function spend(r: RDD<[number, [Purchase, Member]]>) {
  return r.mapValues(([p, m]) => `${m[1]}:${p[1]}:${p[3]}`);
}

const memberSpend = spend(purchases.join(members));
const walkInSpend = spend(ctx.parallelize(walkIns));

/** Exported: other modules call it with their own RDDs. */
export function levels(r: RDD<[number, [Purchase, Member]]>): RDD<[number, number]> {
  return r.mapValues(([, m]) => m[1]);
}
const memberLevels = levels(purchases.join(members));

export { memberSpend, walkInSpend, memberLevels };
