// Non-strict: an operand typed `any` may be a bigint (mixing it with a number throws) or an object (its
// valueOf runs), so a dropped element computed from it is kept, and the error is the same as without the plugin.
import { Context } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 3, executor: "in-process" });
const out = new Report(ctx);
const values = [1, 2n, 3];
const left = ctx.parallelize(Array.from({ length: 9 }, (_, i) => [i % 3, values[i % 3]] as [number, any]));
const right = ctx.parallelize(Array.from({ length: 6 }, (_, i): [number, number] => [i % 3, i]));
let seen = 0;
const counted = { valueOf: () => ++seen };

await out.rows("bigintMix", () => left.mapValues((v) => [1, v * 2]).join(right).mapValues(([[one]]) => one).collect());
await out.rows("unaryMinus", () => left.mapValues((v) => [1, -v]).join(right).mapValues(([[one]]) => one).collect());
await out.rows("valueOfAny", () => right.mapValues((v) => [v, v + (counted as any)]).join(right).mapValues(([[v]]) => v).collect());
await out.value("seen", () => seen);
await out.done();
