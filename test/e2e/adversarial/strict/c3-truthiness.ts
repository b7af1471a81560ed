// Fields observed only for truthiness or nullishness (`v.note ? ...`, `v.meta == null`, `!v.flag`, `??`):
// their values ("", 0, NaN, null, undefined, objects) must reach the test unchanged.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Rec {
  id: number;
  note: string;
  count: number;
  meta: { depth: number; extra: string } | null;
  flag: boolean | undefined;
  pad: string;
}

const notes = ["", "x", "0", " "];
const counts = [0, 1, Number.NaN, -0, -1];
const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const recs = ctx.parallelize(
  Array.from({ length: 20 }, (_, i): [number, Rec] => [
    i % 5,
    { id: i, note: notes[i % 4] ?? "", count: counts[i % 5] ?? 0, meta: i % 3 ? { depth: i, extra: "e" } : null, flag: i % 4 === 0 ? undefined : i % 2 === 0, pad: "p".repeat(30) },
  ]),
);

const truthy = recs.partitionBy(new HashPartitioner(3)).mapValues((v) => `${v.note ? "T" : "F"}${v.count ? "T" : "F"}${v.meta ? "T" : "F"}${!v.flag ? "n" : "y"}`);
const nullish = recs.sortByKey().mapValues((v) => `${v.meta == null ? "null" : "obj"}:${v.flag ?? "u"}:${v.count || "falsy"}`);
const grouped = recs.groupByKey().mapValues((vs) => vs.filter((v) => v.meta && v.note).length);

await out.rows("truthy", () => truthy.collect());
await out.rows("nullish", () => nullish.collect());
await out.rows("grouped", () => grouped.collect());
await out.done();
