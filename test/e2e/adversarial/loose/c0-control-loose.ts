// Control under `strict: false`: a wide object join where two fields are read; pruning must apply.
import { Context } from "rddopt";
import { Report } from "./kit.js";

interface Trip {
  rider: number;
  km: number;
  route: string;
  log: string;
}
interface Rider {
  name: string;
  city: string;
  avatar: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const trips = ctx.parallelize(Array.from({ length: 300 }, (_, i): [number, Trip] => [i % 15, { rider: i % 15, km: i % 9, route: `r${i}`, log: "l".repeat(80) }]));
const riders = ctx.parallelize(Array.from({ length: 15 }, (_, i): [number, Rider] => [i, { name: `n${i}`, city: `c${i % 3}`, avatar: "a".repeat(100) }]));

const kmByCity = trips
  .join(riders)
  .map(([, [t, r]]): [string, number] => [r.city, t.km])
  .reduceByKey((a, b) => a + b);

await out.rows("kmByCity", () => kmByCity.collect());
await out.done();
