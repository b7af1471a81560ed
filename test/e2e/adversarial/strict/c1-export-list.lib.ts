// Pipelines built at module level and exported through an export list (no `export` modifier on the
// declarations). The local reader uses two fields; the importing program reads others.
import { Context, HashPartitioner } from "rddopt";

export interface Order {
  id: number;
  amount: number;
  sku: string;
  note: string;
}
export interface Customer {
  name: string;
  email: string;
  tier: number;
}

export const ctx = new Context({ defaultParallelism: 4 });
const orders = ctx.parallelize(
  Array.from({ length: 60 }, (_, i): [number, Order] => [i % 12, { id: i, amount: (i * 37) % 101, sku: `s${i % 5}`, note: `note-${i % 7}` }]),
);
const customers = ctx.parallelize(Array.from({ length: 12 }, (_, i): [number, Customer] => [i, { name: `c${i}`, email: `c${i}@mail.test`, tier: i % 3 }]));

const enriched = orders.join(customers);
// the only reader in this file: amount and tier
const weighted = enriched.mapValues(([o, c]) => o.amount * c.tier);

const bySku = orders.map(([, o]): [string, Order] => [o.sku, o]).groupByKey();
const skuSizes = bySku.mapValues((os) => os.length);

function contacts() {
  return customers.partitionBy(new HashPartitioner(3));
}
const tiers = contacts().mapValues((c) => c.tier);

export { enriched, weighted, bySku, skuSizes, contacts, tiers };
