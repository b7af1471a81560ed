// The length of a tuple observed directly: `v.length`, `const { length } = v`, and a group's tuples.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

type Span = [start: number, end: number, label: string, color: string];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const spans = ctx.parallelize(Array.from({ length: 20 }, (_, i): [number, Span] => [i % 4, [i, i + 3, `l${i}`, i % 2 ? "red" : "blue"]]));

const direct = spans.partitionBy(new HashPartitioner(3)).mapValues((v) => v.length * 100 + v[1]);
const destructured = spans.sortByKey().mapValues(({ length, 0: start }) => `${start}/${length}`);
const grouped = spans.groupByKey().mapValues((vs) => vs.map((v) => v.length + v[0]).reduce((a, b) => a + b, 0));
const truthy = spans.partitionBy(new HashPartitioner(2)).mapValues((v) => (v[3] ? v.length : -1));

await out.rows("direct", () => direct.collect());
await out.rows("destructured", () => destructured.collect());
await out.rows("grouped", () => grouped.collect());
await out.rows("truthy", () => truthy.collect());
await out.done();
