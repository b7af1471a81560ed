// A job built with the plugin option `lineage: true`: each action hands its column lineage to the runtime.
import { Context } from "rddopt";

const ctx = new Context({ progress: false, lineage: { file: process.env.LINEAGE_EVENTS ?? "events.jsonl" } });
const visits = ctx.parallelize<[string, number, string]>([["ada", 3, "/"], ["lin", 4, "/a"], ["ada", 5, "/b"]]);
const perUser = visits.map(([user, ms]): [string, number] => [user, ms]).reduceByKey((a, b) => a + b);
const totals = await perUser.collect();
const pages = await visits.filter(([, ms]) => ms > 3).count();
console.log(JSON.stringify({ totals, pages }));
await ctx.stop();
