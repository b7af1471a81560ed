// Joins the plugin makes "auto": a broadcast streams one side, and its consumers must not see the program's own
// objects where a shuffle would have handed them copies (they write them, return them, compare them with `===`).
// Read-only consumers get `inPlace: true` (analyse/identity.ts) and must print the same too.
import { Context, type RDD } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 2 });
const out = new Report(ctx);
const rows: [number, number[]][] = [[1, [1, 2]], [2, [3, 4]]];
const big = ctx.parallelize(rows);
const small = ctx.parallelize<[number, number[]]>([[1, [10, 20]], [2, [30, 40]]]);

// the brief's program: a consumer that writes the streamed value
await out.rows("mutating consumer", () => big.join(small).mapValues(([l, r]) => { l[0] = l[0]! + r[0]!; return l[0]; }).collect());
await out.value("program rows after the mutating consumer", () => JSON.stringify(rows));

// streamed values returned to the program, which compares and then changes them
const collected = await big.join(small).values().collect();
await out.value("collected values are the program's", () => collected.some(([l]) => rows.some(([, v]) => v === l)));
for (const [l] of collected) l.push(99);
await out.value("program rows after changing collected values", () => JSON.stringify(rows));

// identity against an object the program holds, and between two fields that hold one object
const probe = rows[0]![1];
await out.value("identity against a held object", () => big.join(small).filter(([, [l]]) => l === probe).count());
const shared = [5];
// (more rows than `small`, so that `small` is the side a broadcast builds its table of)
const twin = ctx.parallelize(Array.from({ length: 40 }, (_, i): [number, { a: number[]; b: number[] }] => [1 + (i % 2), { a: shared, b: shared }]));
await out.value("two fields holding one object", () => twin.join(small).filter(([, [v]]) => v.a === v.b).count());

// a helper with several callers (its body sees both joins' rows)
function firsts(r: RDD<[number, [number[], number[]]]>) {
  return r.mapValues(([l]) => { l[1] = -l[1]!; return l[1]; }).collect();
}
await out.rows("helper, first caller", () => firsts(big.join(small)));
await out.rows("helper, second caller", () => firsts(small.join(big)));
await out.value("program rows after the helper", () => JSON.stringify(rows));

// read-only consumers (in place): same results
await out.rows("sums", () => big.join(small).mapValues(([l, r]) => (l[0] ?? 0) + (r[0] ?? 0)).collect());
await out.value("count", () => big.join(small).count());
await out.value("sizes", () => big.join(small).values().map(([l, r]) => l.length + r.length).reduce((a, b) => a + b));

// kept rows seen by a later job, after the program changed its rows
const kept = big.join(small).cache();
await out.value("kept count", () => kept.count());
rows[1]![1][0] = -7;
await out.rows("kept rows after the program changed its own", () => kept.mapValues(([l]) => l[0] ?? 0).collect());
await out.done();
