import { Context, type RDD } from "rddopt";

type Sale = [shop: string, amount: number];

// helpers of this file are followed: their returns, with parameters bound to the call's arguments
function load(ctx: Context): RDD<Sale> {
  return ctx.textFile("data/sales.txt").map((line): Sale => [line.slice(0, 4), Number(line.slice(5))]);
}
function onlyBig(sales: RDD<Sale>, min: number): RDD<Sale> {
  return sales.filter(([, amount]) => amount > min);
}

const ctx = new Context();
export const totals = await onlyBig(load(ctx), 10)
  .reduceByKey((a, b) => a + b)
  .collect();

// a parameter assigned in the helper no longer holds the argument: the call is a dataset of its own
function reassigning(sales: RDD<Sale>): RDD<Sale> {
  sales = sales.filter(([shop]) => shop.startsWith("x"));
  return sales;
}
export const reassigned = await reassigning(load(ctx)).count();

// a `let` may be reassigned: the RDD it holds is a dataset of its own
let later = ctx.parallelize<Sale>([["a", 1]]);
later = later.filter(([shop]) => shop !== "");
export const shops = await later.keys().collect();
