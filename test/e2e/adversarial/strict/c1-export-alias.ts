// Another module reads positions of tuples the defining module never reads (renamed and default exports).
import sorted, { bySite, ctx, meanBySite, warmest } from "./c1-export-alias.lib.js";
import { Report } from "./kit.js";

const out = new Report(ctx);
await out.rows("meanBySite", () => meanBySite.collect());
await out.rows("warmest", () => warmest.collect());
await out.rows("rawBySite", async () =>
  (await bySite.collect()).map(([site, rs]) => [site, rs.map((r) => `${r[0]}|${r[2]}|${r[3]}`).sort().join(",")]),
);
await out.rows("sortedFlags", async () => {
  const rows = await sorted.collect();
  return rows.map(([site, [sensor, , raw, flags]]) => `${site}:${sensor}:${raw}:${flags}`);
});
// a pipeline of this module on the imported, already shuffled RDD
await out.rows("flagSums", () =>
  sorted
    .mapValues((r) => r[3])
    .reduceByKey((a, b) => a + b)
    .collect(),
);
await out.done();
