// Pass-through helpers (`r => r`) whose results feed several consumers; each helper is also called with
// an RDD that did not go through the pruned shuffle.
import { Context, HashPartitioner, type RDD } from "rddopt";
import { Report } from "./kit.js";

type Visit = [page: string, ms: number, agent: string, referrer: string, user: number];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const visits = ctx.parallelize(
  Array.from({ length: 90 }, (_, i): [string, Visit] => [`u${i % 7}`, [`/p${i % 5}`, (i * 37) % 400, `agent${i % 3}`, `ref${i % 4}`, i % 7]]),
);

const pass = <T>(r: T): T => r;
function same(r: RDD<[string, Visit]>): RDD<[string, Visit]> {
  return r;
}

const moved = pass(visits.partitionBy(new HashPartitioner(3)));
const pages = moved.mapValues((v) => v[0]);
const slowAgents = moved.filter(([, v]) => v[1] > 200).mapValues((v) => v[2]);

// the same helper with the unshuffled source; its reader reads the last position
const rawUsers = pass(visits).mapValues((v) => v[4]);

const grouped = same(visits.sortByKey());
const referrers = grouped.mapValues(([, , , referrer]) => referrer);
const rawAgain = same(visits).mapValues(([page, ms]) => `${page}:${ms}`);

await out.rows("pages", () => pages.collect());
await out.rows("slowAgents", () => slowAgents.collect());
await out.value("movedCount", () => moved.count());
await out.rows("rawUsers", () => rawUsers.collect());
await out.rows("referrers", () => referrers.collect());
await out.rows("rawAgain", () => rawAgain.collect());
await out.done();
