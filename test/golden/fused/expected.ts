import { Context } from "rddopt";
declare const ctx: Context;
interface Sale {
    store: string;
    item: string;
    units: number;
    price: number;
    comment: string;
}
declare const sales: Sale[];
const byStore = ctx
    .parallelize(sales)
    .map((s): [
    string,
    [
        string,
        number,
        number,
        string
    ]
] => [s.store, [s.item, s.units, s.price, s.comment]]);
export const units = byStore.mapValues((v) => [v[1], v[2], v[3]] as [
    number,
    number,
    string
]).projectValues([0]).groupByKey().mapValues((vs) => vs.map((v) => v[0]));
export const grouped = byStore.projectValues(null).groupByKey().mapValues((vs) => vs.length);
export const perItem = ctx
    .parallelize(sales)
    .map((s): [
    string,
    {
        units: number;
        price: number;
        comment: string;
    }
] => [s.item, { units: s.units, price: s.price, comment: s.comment }]).projectValues({ units: true, price: true })
    .groupByKey()
    .mapValues((vs) => vs.reduce((sum, v) => sum + v.units * v.price, 0));
