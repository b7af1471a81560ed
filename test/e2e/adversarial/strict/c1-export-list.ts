// Reads, in another module, fields of rows that the defining module only passes on: `export { ... }`.
import { bySku, contacts, ctx, enriched, skuSizes, tiers, weighted } from "./c1-export-list.lib.js";
import { Report } from "./kit.js";

const out = new Report(ctx);
await out.rows("weighted", () => weighted.collect());
await out.rows("emails", async () => (await enriched.collect()).map(([k, [o, c]]) => `${k}:${o.note}:${c.email}`));
await out.rows("skuNotes", async () =>
  (await bySku.collect()).map(([sku, os]) => [sku, os.map((o) => `${o.id}/${o.note}`).sort().join(",")]),
);
await out.rows("skuSizes", () => skuSizes.collect());
await out.rows("contacts", async () => (await contacts().collect()).map(([k, c]) => [k, c.name, c.email]));
await out.rows("tiers", () => tiers.collect());
await out.done();
