// Values nothing reads are dropped to `undefined` (projectValues(null)): counts, keys, per-key counts. Any
// observation of a value itself (presence, truthiness, typeof, `== null`, destructuring with nothing bound,
// a default) must keep it, and values the codec cannot carry must still fail as without the plugin.
import { Context } from "rddopt";
import { Report } from "./kit.js";

interface Shown { readonly n: number }
class Counter implements Shown {
  reads = 0;
  constructor(private readonly value: number) {}
  get n(): number {
    this.reads++;
    return this.value;
  }
}
type Opt = { tag: string } | undefined;

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const odd = [0, -0, Number.NaN, "", null, undefined, false, Infinity];
const nums = ctx.parallelize(Array.from({ length: 40 }, (_, i): [number, number] => [i % 7, i % 3 === 0 ? -0 : i * 0.5]));
const strs = ctx.parallelize(Array.from({ length: 30 }, (_, i): [number, string] => [i % 5, i % 4 ? "s".repeat(i) : ""]));
const mixed = ctx.parallelize(Array.from({ length: 24 }, (_, i): [number, number | string | boolean | null | undefined] => [i % 6, odd[i % odd.length] as number | string | boolean | null | undefined]));
const opts = ctx.parallelize(Array.from({ length: 20 }, (_, i): [number, Opt] => [i % 4, i % 3 ? { tag: `t${i}` } : undefined]));
const tuples = ctx.parallelize(Array.from({ length: 20 }, (_, i): [number, [number, string, number[]]] => [i % 5, [i, `x${i}`, [i, i]]]));
// an interface type over class instances: the codec rejects them, with or without the plugin
const shown = ctx.parallelize(Array.from({ length: 8 }, (_, i): [number, Shown] => [i % 2, new Counter(i)]));
const plainShown = ctx.parallelize(Array.from({ length: 8 }, (_, i): [number, Shown] => [i % 2, { n: i }]));

await out.value("count", () => nums.join(strs).count());
await out.value("countOuter", () => nums.fullOuterJoin(mixed).count());
await out.rows("keys", () => tuples.leftOuterJoin(opts).keys().collect());
await out.value("perKey", async () => [...(await mixed.join(tuples).countByKey())].sort((a, b) => a[0] - b[0]));
await out.rows("grouped", () => strs.groupByKey().mapValues((vs) => vs.length).collect());
await out.rows("combined", () => tuples.combineByKey(() => 1, (c: number) => c + 1, (a: number, b: number) => a + b).collect());
await out.rows("sortedKeys", () => mixed.sortByKey().keys().collect());
await out.value("repartitioned", () => mixed.repartition(3).count());
// each of these observes the value itself
await out.value("presence", () => mixed.join(nums).filter(([, [m]]) => m !== undefined).count());
await out.value("nullish", () => mixed.join(nums).filter(([, [m]]) => m == null).count());
await out.value("truthy", () => mixed.join(strs).filter(([, [m, s]]) => !!m || !s).count());
await out.value("typeOf", () => mixed.join(nums).filter(([, [m]]) => typeof m === "number").count());
await out.value("optional", () => opts.join(nums).filter(([, [o]]) => o?.tag !== undefined).count());
await out.value("ternary", () => opts.join(nums).map(([, [o]]): number => (o ? 1 : 0)).fold(0, (a, b) => a + b));
await out.value("withDefault", () => opts.join(nums).map(([, [o = { tag: "d" }]]) => o.tag.length).fold(0, (a, b) => a + b));
await out.value("emptyPattern", () => opts.join(nums).map(([, [{} = {}]]) => 1).fold(0, (a, b) => a + b));
await out.value("arrayPattern", () => tuples.join(nums).map(([, [[]]]) => 1).fold(0, (a, b) => a + b));
await out.value("instances", () => shown.join(nums).count());
await out.value("plainObjects", () => plainShown.join(nums).count());
await out.value("instancesGrouped", () => shown.groupByKey().count());
await out.done();
