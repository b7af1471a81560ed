import { Context } from "rddopt";
declare const ctx: Context;
interface User { name: string; city: string; email: string; age: number }
const orders = ctx.parallelize<[number, [number, number, string]]>([]);
const users = ctx.parallelize<[number, User]>([]);
export const out = orders
  .leftOuterJoin(users)
  .mapValues(([order, user]) => `${order[1]} ${user?.city ?? "unknown"}`);
