// A join computed by two jobs: a shuffle rereads its stored map output, while a broadcast would compute its
// streamed side again, from rows the program changed in between. The plugin keeps such joins shuffles
// (analyse/jobs.ts); a join built and run once may still become "auto".
import { Context } from "rddopt";
import { Report } from "./kit.js";

const ctx = new Context({ defaultParallelism: 2 });
const out = new Report(ctx);
const rows: [number, number[]][] = [[1, [1]], [2, [2]]];
const big = ctx.parallelize(rows);
const small = ctx.parallelize<[number, number]>([[1, 10], [2, 20]]);

// one const used by two jobs, the program's rows changed between them
const sums = big.join(small).mapValues(([l, r]) => l[0]! + r);
await out.rows("first job", () => sums.collect());
rows[0]![1][0] = 100;
rows[1] = [2, [200]];
await out.rows("second job, after the rows changed", () => sums.collect());

// one action, run in a loop
const products = big.join(small).mapValues(([l, r]) => l[0]! * r);
for (let i = 0; i < 2; i++) {
  await out.rows(`loop ${i}`, () => products.collect());
  rows[0]![1][0]! += 1;
}

// a join built and run once per iteration: each run sees the rows as they are (under either strategy)
for (let i = 0; i < 2; i++) {
  await out.rows(`fresh join ${i}`, () => big.join(small).mapValues(([l, r]) => l[0]! - r).collect());
  rows[1]![1][0]! += 1;
}
await out.done();
