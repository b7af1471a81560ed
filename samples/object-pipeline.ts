/**
 * Records with named fields: orders and customers as objects, keyed with keyBy, joined, then
 * aggregated by country with reduceByKey. Only `totalCents`, `status` and `country` are read after
 * the join; every other field travels through the shuffle for nothing.
 */
import { Context } from "rddopt";
import { finish, randomInt, randomWord, seededRandom } from "./kit.js";

interface Customer {
  id: number;
  name: string;
  email: string;
  country: string;
  tier: "bronze" | "silver" | "gold";
  notes: string;
}
interface Order {
  orderId: number;
  customerId: number;
  /** cents, so that sums are exact whatever order rows arrive in */
  totalCents: number;
  currency: string;
  status: "paid" | "refunded";
  shippingAddress: string;
  items: string;
}

const COUNTRIES = ["DE", "FR", "NL", "PL", "ES"];
const TIERS = ["bronze", "silver", "gold"] as const;
const random = seededRandom(5);
const customers: Customer[] = Array.from({ length: 8_000 }, (_, id) => ({
  id,
  name: randomWord(random, 12),
  email: `${randomWord(random, 8)}@example.org`,
  country: COUNTRIES[randomInt(random, COUNTRIES.length)]!,
  tier: TIERS[randomInt(random, 3)]!,
  notes: randomWord(random, 40),
}));
const orders: Order[] = Array.from({ length: 40_000 }, (_, orderId) => ({
  orderId,
  customerId: randomInt(random, 8_000),
  totalCents: randomInt(random, 20_000),
  currency: "EUR",
  status: random() < 0.9 ? "paid" : "refunded",
  shippingAddress: randomWord(random, 36),
  items: randomWord(random, 24),
}));

const ctx = new Context({ defaultParallelism: 4, progress: false });
const ordersByCustomer = ctx.parallelize(orders).keyBy((o) => o.customerId);
const customersById = ctx.parallelize(customers).keyBy((c) => c.id);

const revenueByCountry = await ordersByCustomer
  .join(customersById)
  .filter(([, [order]]) => order.status === "paid")
  .map(([, [order, customer]]): [string, number] => [customer.country, order.totalCents])
  .reduceByKey((a, b) => a + b)
  .mapValues((cents) => cents / 100)
  .collect();

await finish("object-pipeline", ctx, revenueByCountry, [
  `paid revenue by country: ${revenueByCountry.sort().map(([c, v]) => `${c}=${v}`).join(" ")}`,
]);
