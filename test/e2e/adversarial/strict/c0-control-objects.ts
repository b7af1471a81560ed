// Control: records with wide unread fields grouped by key; only `score` is read after the shuffle.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Event {
  user: string;
  score: number;
  payload: string;
  meta: { agent: string; ip: string };
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const events = ctx.parallelize(
  Array.from({ length: 300 }, (_, i): [string, Event] => [
    `u${i % 9}`,
    { user: `u${i % 9}`, score: (i * 13) % 17, payload: "p".repeat(50), meta: { agent: `agent/${i % 4}`, ip: `10.0.0.${i % 250}` } },
  ]),
);

const best = events.groupByKey().mapValues((evs) => Math.max(...evs.map((e) => e.score)));
const moved = events.partitionBy(new HashPartitioner(3)).mapValues(function (e) {
  return e.meta.agent.length;
});

await out.rows("best", () => best.collect());
await out.rows("agentLengths", () => moved.collect());
await out.done();
