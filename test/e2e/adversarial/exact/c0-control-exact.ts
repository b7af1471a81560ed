// Control under exactOptionalPropertyTypes: objects with optional fields grouped; one field read.
import { Context } from "rddopt";
import { Report } from "./kit.js";

interface Ticket {
  id: number;
  prio: number;
  title: string;
  body: string;
  assignee?: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const tickets = ctx.parallelize(
  Array.from({ length: 300 }, (_, i): [string, Ticket] => {
    const t: Ticket = { id: i, prio: i % 4, title: `t${i}`, body: "b".repeat(70) };
    if (i % 2) t.assignee = `dev${i % 5}`;
    return [`team${i % 6}`, t];
  }),
);

const maxPrio = tickets.groupByKey().mapValues((ts) => ts.reduce((m, t) => Math.max(m, t.prio), 0));

await out.rows("maxPrio", () => maxPrio.collect());
await out.done();
