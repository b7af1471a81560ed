/**
 * The Spark methods a report on orders reaches for: `groupBy` by the customer's country after a join,
 * `stats()` and `sum()` on the order totals, the top customers by revenue with `top`, a ranking with
 * `sortBy` + `zipWithIndex`, and an accumulator counting refunds in an action. Only a few fields of
 * the order and customer records are read after the join, so the transformer prunes the rest before
 * the shuffle (`groupBy` is modelled exactly); the join feeding `top` and `zipWithIndex` keeps its
 * strategy, since their results follow row order.
 */
import { Context } from "rddopt";
import { finish, randomInt, randomWord, seededRandom } from "./kit.js";

interface Customer {
  id: number;
  name: string;
  country: string;
  segment: "retail" | "business";
  bio: string;
}
interface Order {
  orderId: number;
  customerId: number;
  /** cents, so that sums are exact whatever order rows arrive in */
  totalCents: number;
  status: "paid" | "refunded";
  channel: string;
  notes: string;
}

const COUNTRIES = ["DE", "FR", "NL", "PL", "ES", "IT"];
const random = seededRandom(13);
const customers: Customer[] = Array.from({ length: 4_000 }, (_, id) => ({
  id,
  name: randomWord(random, 10),
  country: COUNTRIES[randomInt(random, COUNTRIES.length)]!,
  segment: random() < 0.3 ? "business" : "retail",
  bio: randomWord(random, 48),
}));
const orders: Order[] = Array.from({ length: 30_000 }, (_, orderId) => ({
  orderId,
  customerId: randomInt(random, 4_000),
  totalCents: 100 + randomInt(random, 50_000),
  status: random() < 0.92 ? "paid" : "refunded",
  channel: random() < 0.5 ? "web" : "store",
  notes: randomWord(random, 32),
}));

const ctx = new Context({ defaultParallelism: 4, progress: false });
const ordersByCustomer = ctx.parallelize(orders).keyBy((o) => o.customerId);
const customersById = ctx.parallelize(customers).keyBy((c) => c.id);

// Orders per country and their revenue: groupBy after the join reads two fields of the pair.
const byCountry = await ordersByCustomer
  .join(customersById)
  .groupBy(([, [, customer]]) => customer.country)
  .mapValues((rows): [number, number] => [rows.length, rows.reduce((cents, [, [order]]) => cents + order.totalCents, 0)])
  .collect();

// Order totals: exact integer figures from stats() (count, max, min) and sum().
const totals = ctx.parallelize(orders).map((o) => o.totalCents);
const summary = await totals.stats();
const revenue = await totals.sum();

// Revenue per customer, the five best (ties broken by id, so the order is total), and a ranking.
const revenueByCustomer = ordersByCustomer
  .filter(([, o]) => o.status === "paid")
  .mapValues((o) => o.totalCents)
  .reduceByKey((a, b) => a + b)
  .join(customersById)
  .map(([id, [cents, customer]]): [number, number, string] => [id, cents, customer.segment]);
const byRevenue = (a: [number, number, string], b: [number, number, string]) => a[1] - b[1] || b[0] - a[0];
const best = await revenueByCustomer.top(5, byRevenue);
const ranked = await revenueByCustomer
  .filter(([, , segment]) => segment === "business")
  .sortBy(([id, cents]) => [-cents, id])
  .zipWithIndex()
  .filter(([, rank]) => rank < 3)
  .collect();

// An accumulator updated in an action counts each refund once.
const refunds = ctx.longAccumulator("refunds");
await ctx.parallelize(orders).foreach((o) => {
  if (o.status === "refunded") refunds.add(1);
});

const rows: unknown[] = [
  ...byCountry.map(([country, [count, cents]]) => ["country", country, count, cents]),
  ["totals", summary.count, summary.max, summary.min, revenue],
  ...best.map(([id, cents]) => ["top", id, cents]),
  ...ranked.map(([[id, cents], rank]) => ["business rank", rank, id, cents]),
  ["refunds", refunds.value],
];

await finish("order-analytics", ctx, rows, [
  `orders by country: ${byCountry.sort().map(([c, [n]]) => `${c}=${n}`).join(" ")}`,
  `order totals: count ${summary.count}, max ${summary.max}, min ${summary.min}, sum ${revenue}`,
  `top customers: ${best.map(([id, cents]) => `#${id} ${cents / 100}`).join(", ")}`,
  `refunded orders: ${refunds.value}`,
]);
