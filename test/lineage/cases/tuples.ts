import { Context } from "rddopt";

type Order = [amount: number, sku: string, qty: number];
type User = [name: string, city: string, age: number];

const ctx = new Context();
const orders = ctx.parallelize<[number, Order]>([[1, [30, "book", 2]]]);
const users = ctx.parallelize<[number, User]>([[1, ["Ada", "Oslo", 36]]]);

export const byCity = await orders
  .filter(([, order]) => order[2] > 0)
  .join(users)
  .map(([, [order, user]]): [string, number] => [user[1], order[0] * order[2]])
  .reduceByKey((a, b) => a + b)
  .collect();
