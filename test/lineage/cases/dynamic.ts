// Pipelines the dynamic soundness test runs with perturbed inputs (test/lineage/static.test.ts).
import type { Context } from "../../../runtime/index.js";
import { opaque } from "./opaque.js";

export type Order = [customer: number, item: { sku: string; price: number; qty: number }, note: string];
export type Customer = [id: number, profile: { name: string; country: string; vip: boolean }];

export const pipelines = {
  revenueByCountry: (ctx: Context, orders: Order[], customers: Customer[]) =>
    ctx
      .parallelize(orders)
      .filter(([, item]) => item.qty > 0)
      .map(([customer, item]): [number, number] => [customer, item.price * item.qty])
      .join(ctx.parallelize(customers))
      .map(([, [total, profile]]): [string, number] => [profile.country, total])
      .reduceByKey((a, b) => a + b)
      .collect(),
  labels: (ctx: Context, orders: Order[]) =>
    ctx
      .parallelize(orders)
      .map(([customer, item, note]) => ({ who: customer, label: item.qty > 1 ? item.sku : note.trim(), raw: opaque(note) }))
      .collect(),
  skusPerCustomer: (ctx: Context, orders: Order[]) =>
    ctx
      .parallelize(orders)
      .map(([customer, item]): [number, string] => [customer, item.sku])
      .groupByKey()
      .mapValues((skus) => skus.length)
      .sortByKey()
      .collect(),
  flattened: (ctx: Context, orders: Order[], customers: Customer[]) =>
    ctx
      .parallelize(customers)
      .leftOuterJoin(ctx.parallelize(orders).map(([c, item]): [number, number] => [c, item.price]))
      .flatMap(([id, [profile, price]]): [number, string, number][] => (profile.vip ? [[id, profile.name, price ?? 0]] : []))
      .distinct()
      .collect(),
  counted: (ctx: Context, orders: Order[]) =>
    ctx
      .parallelize(orders)
      .map(([, item]): [string, number] => [item.sku, item.qty])
      .foldByKey(0, (a, b) => a + b)
      .collect(),
};
