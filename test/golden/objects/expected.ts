import { Context } from "rddopt";
declare const ctx: Context;
interface Order {
    id: number;
    amount: number;
    note: string;
    meta: {
        source: string;
        region: string;
        tags: string[];
    };
}
interface Customer {
    name: string;
    city: string;
    email: string;
}
const orders = ctx.parallelize<[
    number,
    Order
]>([]);
const customers = ctx.parallelize<[
    number,
    Customer
]>([]);
export const out = orders.projectValues({ amount: true, meta: { region: true } })
    .join(customers.projectValues({ city: true }))
    .mapValues(([order, customer]) => ({ total: order.amount, region: order.meta.region, city: customer.city }));
