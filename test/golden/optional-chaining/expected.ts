import { Context } from "rddopt";
declare const ctx: Context;
interface User {
    name: string;
    city: string;
    email: string;
    age: number;
}
const orders = ctx.parallelize<[
    number,
    [
        number,
        number,
        string
    ]
]>([]);
const users = ctx.parallelize<[
    number,
    User
]>([]);
export const out = orders.projectValues([1])
    .leftOuterJoin(users.projectValues({ city: true }))
    .mapValues(([order, user]) => `${order[0]} ${user?.city ?? "unknown"}`);
