// `strict: false`: null and undefined are assignable to every type, so nested objects are null in some
// rows with no cast at all.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Listing {
  id: number;
  owner: { name: string; phone: string };
  geo: { lat: number; lon: number; label: string };
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const listings = ctx.parallelize(
  Array.from({ length: 16 }, (_, i): [number, Listing] => [
    i % 4,
    { id: i, owner: i % 3 === 0 ? null : { name: `o${i}`, phone: `555-${i}` }, geo: i % 5 === 0 ? undefined : { lat: i, lon: -i, label: `g${i}` } },
  ]),
);

const owners = listings.partitionBy(new HashPartitioner(3)).mapValues((l) => (l.owner ? l.owner.name : "nobody"));
const lats = listings.groupByKey().mapValues((ls) => ls.map((l) => (l.geo == null ? 0 : l.geo.lat)).reduce((a, b) => a + b, 0));
const labels = listings
  .mapValues((l) => l.geo)
  .sortByKey()
  .mapValues((g) => (g ? g.label : "-"));

await out.rows("owners", () => owners.collect());
await out.rows("lats", () => lats.collect());
await out.rows("labels", () => labels.collect());
await out.done();
