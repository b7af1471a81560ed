// exactOptionalPropertyTypes: unread destructured optional properties with counting defaults.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

let calls = 0;
const count = (n: number): number => {
  calls += n;
  return n;
};

interface Job {
  name: string;
  retries?: number;
  owner?: { team: string; pager?: string };
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const jobs = ctx.parallelize(
  Array.from({ length: 20 }, (_, i): [string, Job] => {
    const j: Job = { name: `job${i}` };
    if (i % 2) j.retries = i;
    if (i % 3 === 0) j.owner = i % 2 ? { team: `t${i}`, pager: `p${i}` } : { team: `t${i}` };
    return [`q${i % 3}`, j];
  }),
);

const names = jobs.partitionBy(new HashPartitioner(2)).mapValues(({ name, retries = count(1) }) => name);
const teams = jobs.sortByKey().mapValues(({ owner: { team, pager = String(count(10)) } = { team: "none" } }) => team);

await out.rows("names", () => names.collect());
await out.rows("teams", () => teams.collect());
await out.value("calls", () => calls);
await out.done();
