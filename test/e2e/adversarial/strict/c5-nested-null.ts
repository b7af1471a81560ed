// Nested objects that are null/undefined in some rows although the type says otherwise; the reads use `?.`.
import { Context, HashPartitioner } from "rddopt";
import { people } from "./c5-nested.lib.js";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const staff = ctx.parallelize(people());

const cities = staff.partitionBy(new HashPartitioner(3)).mapValues((p) => p.address?.city ?? "-");
const orgs = staff.groupByKey().mapValues((ps) =>
  ps
    .map((p) => p.job.org?.name ?? "?")
    .sort()
    .join(),
);
const zips = staff
  .map(([k, p]): [string, { zip: string | undefined; title: string }] => [k, { zip: p.address?.zip, title: p.job.title }])
  .sortByKey()
  .mapValues((z) => `${z.zip ?? "none"}`);
const sizes = staff
  .mapValues((p) => p.job)
  .partitionBy(new HashPartitioner(2))
  .mapValues((job) => (job.org ? job.org.size : -1));

await out.rows("cities", () => cities.collect());
await out.rows("orgs", () => orgs.collect());
await out.rows("zips", () => zips.collect());
await out.rows("sizes", () => sizes.collect());
await out.done();
