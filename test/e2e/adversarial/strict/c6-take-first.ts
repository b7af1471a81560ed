// take / first / isEmpty downstream of a join written without a strategy; the small side fits the
// broadcast threshold, so the full build's "auto" join may change partitioning and so what take sees.
import { Context } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 4, broadcastThreshold: 1 << 20 });
const out = new Report(ctx);
const facts = ctx.parallelize(Array.from({ length: 200 }, (_, i): [number, [number, string]] => [i % 10, [i, `f${i}`]]), 4);
const dims = ctx.parallelize(Array.from({ length: 10 }, (_, i): [number, string] => [i, `dim${i}`]), 2);

const joined = facts.join(dims).mapValues(([[id], dim]) => `${id}:${dim}`);

await out.ordered("take3", () => joined.take(3));
await out.value("first", () => joined.first());
await out.ordered("leftTake2", () => facts.leftOuterJoin(dims).keys().take(2));
await out.rows("all", () => joined.collect());
await out.done();
