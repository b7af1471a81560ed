import { Context } from "rddopt";
declare const ctx: Context;
type Order = [
    qty: number,
    price: number,
    sku: string,
    note: string
];
type Stock = [
    warehouse: string,
    level: number
];
function value([order, stock]: [
    Order,
    Stock
]): number {
    return order[0] * order[1] + stock[0];
}
const orders = ctx.parallelize<[
    string,
    Order
]>([]);
const stock = ctx.parallelize<[
    string,
    Stock
]>([]);
export const out = orders.projectValues([0, 1]).join(stock.projectValues([1])).mapValues(value);
