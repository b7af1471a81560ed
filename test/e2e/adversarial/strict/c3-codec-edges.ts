// Edge values in the field that is read after a pruned shuffle: the pruned rows take another shape through
// the shuffle codec than the whole rows; -0, NaN, Infinity, big and subnormal numbers, null vs undefined,
// lone surrogates and empty strings must arrive as they were.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Sample {
  x: number;
  u: number | null | undefined;
  s: string;
  pad: string;
  more: { a: number; b: string };
}

const xs = [-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53 + 2, 5e-324, -1.5, 0, 2 ** 31, -(2 ** 31) - 1];
const us = [null, undefined, 0, -0];
const ss = ["", "\ud800", "é", "a\u0000b"];
const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const samples = ctx.parallelize(
  Array.from({ length: 40 }, (_, i): [number, Sample] => [
    i % 4,
    { x: xs[i % xs.length] ?? 0, u: us[i % us.length], s: ss[i % ss.length] ?? "", pad: "z".repeat(i), more: { a: i, b: `b${i}` } },
  ]),
);
const tuples = ctx.parallelize(Array.from({ length: 20 }, (_, i): [number, [number, string, number | null | undefined]] => [i % 3, [xs[i % xs.length] ?? 0, "pad", us[i % us.length]]]));

const show = (x: number | null | undefined): string => (x === undefined ? "undef" : x === null ? "null" : Object.is(x, -0) ? "-0" : String(x));
const numbers = samples.partitionBy(new HashPartitioner(3)).mapValues((v) => `${show(v.x)}|${show(v.u)}`);
const strings = samples.sortByKey().mapValues((v) => [...v.s].map((c) => c.charCodeAt(0)).join("."));
const grouped = samples.groupByKey().mapValues((vs) =>
  vs
    .map((v) => show(v.x))
    .sort()
    .join(","),
);
const fromTuples = tuples.partitionBy(new HashPartitioner(2)).mapValues((t) => `${show(t[0])}/${show(t[2])}`);

await out.rows("numbers", () => numbers.collect());
await out.rows("strings", () => strings.collect());
await out.rows("grouped", () => grouped.collect());
await out.rows("fromTuples", () => fromTuples.collect());
await out.done();
