// Values cast to plain arrays: `(v as unknown[]).length` and friends observe every position of the tuple.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

type Cell = [row: number, col: number, text: string, style: string];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const cells = ctx.parallelize(Array.from({ length: 30 }, (_, i): [number, Cell] => [i % 5, [i, i % 3, `t${i}`, i % 2 ? "bold" : "plain"]]));

const lengths = cells.sortByKey().mapValues((v) => (v as unknown[]).length);
const strings = cells.partitionBy(new HashPartitioner(3)).mapValues((v) => (v as readonly (string | number)[]).filter((x) => typeof x === "string").length);
const angle = cells.groupByKey().mapValues((vs) => vs.map((v) => (<unknown[]>v).length + v[1]).reduce((a, b) => a + b, 0));

await out.rows("lengths", () => lengths.collect());
await out.rows("strings", () => strings.collect());
await out.rows("angle", () => angle.collect());
await out.done();
