// `reduce((acc, e, i, all) => ...)` on a group reads other elements through its fourth parameter.
import { Context } from "rddopt";
import { Report } from "./kit.js";

interface Entry {
  w: number;
  bonus: number;
  tag: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const entries = ctx.parallelize(Array.from({ length: 30 }, (_, i): [number, Entry] => [i % 5, { w: i % 4, bonus: 100 * (i % 3), tag: `t${i % 2}` }]));
const tuples = ctx.parallelize(Array.from({ length: 20 }, (_, i): [number, [number, number, string]] => [i % 4, [i, i * i, `s${i}`]]));

// sum of w plus, through `all`, the sum of bonus: the same for every order inside a group
const scored = entries.groupByKey().mapValues((group) => group.reduce((acc, e, i, all) => acc + e.w + all[i].bonus, 0));
const tags = entries.groupByKey().mapValues(function (group) {
  return group.reduce((acc: string[], _e, i, all) => [...acc, all[i].tag], []).sort().join("");
});
const squares = tuples.groupByKey().mapValues((ts) => ts.reduce((acc, t, i, all) => acc + t[0] + (all[i]?.[1] ?? 0), 0));

await out.rows("scored", () => scored.collect());
await out.rows("tags", () => tags.collect());
await out.rows("squares", () => squares.collect());
await out.done();
