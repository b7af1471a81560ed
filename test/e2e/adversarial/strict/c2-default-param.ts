// Helpers whose RDD parameter defaults to the raw source: called without an argument and with a shuffled RDD.
import { Context, HashPartitioner, type RDD } from "rddopt";
import { Report } from "./kit.js";

type Reading = [note: string, lo: number, unit: string, hi: number];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const raw = ctx.parallelize(Array.from({ length: 30 }, (_, i): [string, Reading] => [`k${i % 4}`, [`n${i}`, i % 10, "C", 10 + ((i * 7) % 13)]]));

function spread(r = raw) {
  return r.mapValues(([, lo, , hi]) => hi - lo);
}
const unitOf = (r: RDD<[string, Reading]> = raw.filter(([, v]) => v[1] > 2)): RDD<[string, string]> => r.mapValues((v) => `${v[2]}${v[3]}`);

const fromDefault = spread();
const fromShuffle = spread(raw.partitionBy(new HashPartitioner(2)));
const fromSorted = spread(raw.sortByKey());
const unitsDefault = unitOf();
const unitsShuffled = unitOf(raw.groupByKey().flatMapValues((vs) => vs));

await out.rows("fromDefault", () => fromDefault.collect());
await out.rows("fromShuffle", () => fromShuffle.collect());
await out.rows("fromSorted", () => fromSorted.collect());
await out.rows("unitsDefault", () => unitsDefault.collect());
await out.rows("unitsShuffled", () => unitsShuffled.collect());
await out.done();
