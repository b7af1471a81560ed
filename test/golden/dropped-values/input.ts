import { Context } from "rddopt";
declare const ctx: Context;
interface Order { id: number; total: number; note: string }
class Account { constructor(readonly id: number) {} }
const orders = ctx.parallelize<[number, Order]>([]);
const amounts = ctx.parallelize<[number, number]>([]);
const names = ctx.parallelize<[number, string]>([]);
const loose = ctx.parallelize<[number, any]>([]);
const accounts = ctx.parallelize<[number, Account]>([]);
// dropped: no value of either side is read (primitives too: the shuffle carries undefined)
export const matched = await amounts.join(names).count();
export const matchedKeys = await orders.leftOuterJoin(names).keys().collect();
export const perKey = await orders.join(amounts).countByKey();
// dropped: the literal a lambda returns right before the shuffle becomes undefined (it has no effect)
export const tagged = await amounts.map(([k]) => [k, 1] as [number, number]).join(names).count();
// dropped: a combiner that never looks at the values
export const counted = await orders.combineByKey(() => 1, (c: number) => c + 1, (a: number, b: number) => a + b).collect();
export const grouped = await orders.groupByKey().mapValues((vs) => vs.length).collect();
// kept: the value's presence is observed (undefined would change the answer)
export const present = await amounts.join(names).filter(([, [a]]) => a !== undefined).count();
export const truthy = await names.join(amounts).filter(([, [n]]) => !!n).count();
// kept: `any` and class instances may not be data (dropping them would make a failing job succeed)
export const anything = await loose.join(names.map(([k, n]) => [k, n.length] as [number, number])).count();
export const instances = await accounts.join(amounts).count();
