import { Context } from "rddopt";

const ctx = new Context();
const lines = ctx.textFile("data/events.csv");
const parsed = lines.map((line): [string, number] => {
  const [user, amount] = line.split(",");
  return [user ?? "", Number(amount)];
});
const extra = ctx.parallelize<[string, number]>([["zoe", 1]]);

// union, distinct, sortBy, and a file sink
await parsed
  .union(extra)
  .distinct()
  .sortBy(([, amount]) => amount)
  .map(([user, amount]) => `${user}:${amount.toFixed(2)}`)
  .saveAsTextFile("out/report");

// count: no fields, only the rows the filter keeps
export const big = await parsed.filter(([, amount]) => amount > 10).count();
