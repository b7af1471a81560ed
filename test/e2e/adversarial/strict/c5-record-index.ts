// Reads through `Record<string, T>` and array indices without noUncheckedIndexedAccess: the type says the
// value is there, but for some keys it is undefined; downstream code copes with `?.`.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Rate {
  factor: number;
  symbol: string;
  source: string;
}
interface Tier {
  name: string;
  discount: number;
}

const rates: Record<string, Rate> = {
  EUR: { factor: 1, symbol: "€", source: "ecb" },
  USD: { factor: 0.5, symbol: "$", source: "fed" },
};
const tiers: Tier[] = [
  { name: "bronze", discount: 0 },
  { name: "silver", discount: 5 },
];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const sales = ctx.parallelize(
  Array.from({ length: 24 }, (_, i): [string, { amount: number; currency: string; tier: number }] => [
    `shop${i % 4}`,
    { amount: 10 * i, currency: ["EUR", "USD", "GBP"][i % 3] ?? "EUR", tier: i % 3 },
  ]),
);

const priced = sales
  .mapValues((s) => ({ amount: s.amount, rate: rates[s.currency] }))
  .partitionBy(new HashPartitioner(3))
  .mapValues((x) => x.amount * (x.rate?.factor ?? 1));
const tierNames = sales
  .map(([k, s]): [string, Tier] => [k, tiers[s.tier]])
  .groupByKey()
  .mapValues((ts) =>
    ts
      .map((t) => t?.name ?? "?")
      .sort()
      .join(),
  );
const symbols = sales
  .mapValues(function (s) {
    const rate = rates[s.currency];
    return rate;
  })
  .sortByKey()
  .mapValues((r) => (r ? r.symbol : "none"));

await out.rows("priced", () => priced.collect());
await out.rows("tierNames", () => tierNames.collect());
await out.rows("symbols", () => symbols.collect());
await out.done();
