// A dropped element or field is deleted with its computation, so that computation must be one that cannot
// run user code or throw: a template or `+` over an object calls its toString/valueOf, a variable read
// before its `const` throws. Each of these must be computed (and counted) as without the plugin.
import { Context } from "rddopt";
import { Report } from "./kit.js";

let conversions = 0;
const tag = {
  toString(): string {
    conversions++;
    return "t";
  },
};
const boxed = { valueOf: (): number => (conversions++, 1) };
const ctx = new Context({ defaultParallelism: 3, executor: "in-process" });
const out = new Report(ctx);
const left = ctx.parallelize(Array.from({ length: 30 }, (_, i): [number, number] => [i % 6, i]));
const right = ctx.parallelize(Array.from({ length: 12 }, (_, i): [number, string] => [i % 6, `r${i}`]));
const objects = ctx.parallelize(Array.from({ length: 24 }, (_, i): [number, { s: number; t: string }] => [i % 4, { s: i, t: `x${i}` }]));

await out.rows("template", () =>
  left.map(([k, v]): [number, [number, string]] => [k, [v, `${tag}`]]).join(right).map(([k, [[v]]]) => k + v).collect(),
);
await out.rows("concat", () =>
  left.mapValues((v): [number, string] => [v, "" + tag]).join(right).mapValues(([[v]]) => v).collect(),
);
await out.rows("relational", () =>
  left.mapValues((v): [number, boolean] => [v, v < (boxed as unknown as number)]).join(right).mapValues(([[v]]) => v).collect(),
);
await out.rows("fieldwise", () =>
  objects.reduceByKey((a, b) => ({ s: a.s + b.s, t: `${a.t}${tag}` })).mapValues((o) => o.s).collect(),
);
await out.rows("droppedValue", () => left.mapValues((v) => `${v}${tag}`).join(right).keys().collect());
await out.value("conversions", () => conversions);
await out.value("beforeDeclaration", () => left.mapValues((v): [number, number] => [v, late]).join(right).mapValues(([[v]]) => v).count());
const late = 1;
await out.value("afterDeclaration", () => left.mapValues((v): [number, number] => [v, late]).join(right).mapValues(([[v]]) => v).count());
await out.done();
