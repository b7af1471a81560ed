// `strict: false`: an outer join's missing side has the side's own type (no `| undefined`), and a pruned
// shuffle (groupByKey, partitionBy) follows. Downstream code tests for the missing side.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Visit {
  page: string;
  ms: number;
  agent: string;
}
interface Score {
  score: number;
  label: string;
  note: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const visits = ctx.parallelize(Array.from({ length: 24 }, (_, i): [number, Visit] => [i % 8, { page: `/p${i}`, ms: i * 10, agent: `a${i % 2}` }]));
const scores = ctx.parallelize(Array.from({ length: 4 }, (_, i): [number, Score] => [i * 2, { score: i + 1, label: `L${i}`, note: "n" }]));

const grouped = visits
  .leftOuterJoin(scores)
  .groupByKey()
  .mapValues((ps) => ps.map(([v, w]) => (w ? w.score : -1) + v.ms).reduce((a, b) => a + b, 0));
const labels = visits
  .leftOuterJoin(scores)
  .mapValues(([, w]) => w)
  .partitionBy(new HashPartitioner(3))
  .mapValues((w) => (w == null ? "none" : w.label));
const pages = visits
  .leftOuterJoin(scores)
  .map(([k, [v, w]]): [number, { v: Visit; w: Score }] => [k, { v, w }])
  .sortByKey()
  .mapValues((x) => `${x.v.page}:${x.w ? x.w.label : "-"}`);

await out.rows("grouped", () => grouped.collect());
await out.rows("labels", () => labels.collect());
await out.rows("pages", () => pages.collect());
await out.done();
