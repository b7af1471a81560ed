// The Record / array index reads of strict/c5-record-index.ts, where noUncheckedIndexedAccess makes the
// checker tell the truth (`T | undefined`).
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Rate {
  factor: number;
  symbol: string;
  source: string;
}

const rates: Record<string, Rate> = {
  EUR: { factor: 1, symbol: "€", source: "ecb" },
  USD: { factor: 0.5, symbol: "$", source: "fed" },
};
const names: string[] = ["zero", "one"];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const sales = ctx.parallelize(
  Array.from({ length: 24 }, (_, i): [string, { amount: number; currency: string; n: number }] => [
    `shop${i % 4}`,
    { amount: 10 * i, currency: ["EUR", "USD", "GBP"][i % 3] ?? "EUR", n: i % 3 },
  ]),
);

const priced = sales
  .mapValues((s) => ({ amount: s.amount, rate: rates[s.currency] }))
  .partitionBy(new HashPartitioner(3))
  .mapValues((x) => x.amount * (x.rate?.factor ?? 1));
const named = sales
  .map(([k, s]): [string, { name: string | undefined; amount: number }] => [k, { name: names[s.n], amount: s.amount }])
  .groupByKey()
  .mapValues((vs) =>
    vs
      .map((v) => v.name ?? "?")
      .sort()
      .join(),
  );

await out.rows("priced", () => priced.collect());
await out.rows("named", () => named.collect());
await out.done();
