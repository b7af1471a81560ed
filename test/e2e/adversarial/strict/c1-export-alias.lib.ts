// Exports under other names: `export { x as y }` and `export default x`.
import { Context } from "rddopt";

export type Reading = [sensor: string, celsius: number, raw: string, flags: number];

export const ctx = new Context({ defaultParallelism: 4 });
const readings = ctx.parallelize(
  Array.from({ length: 80 }, (_, i): [string, Reading] => [`site${i % 5}`, [`s${i % 9}`, (i * 3) % 40, `raw:${i}`, i % 4]]),
);

const grouped = readings.groupByKey();
// this module only reads the temperature of each reading
const meanBySite = grouped.mapValues((rs) => rs.reduce((s, r) => s + r[1], 0) / rs.length);

const latest = readings.sortByKey();
const warmest = latest.mapValues((r) => r[1]).reduceByKey((a, b) => Math.max(a, b));

export { grouped as bySite, meanBySite, warmest };
export default latest;
