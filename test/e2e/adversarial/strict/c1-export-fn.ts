// Calls the other module's exported callbacks on unshuffled tuples and on an RDD of its own.
import { ITEMS, STOCK, ctx, heavyKeys, isHeavy, labelOf, labels, stockValue, valued, type Item, type Stock } from "./c1-export-fn.lib.js";
import { Report } from "./kit.js";

const out = new Report(ctx);
await out.rows("valuedAfterJoin", () => valued.collect());
await out.rows("labelsAfterJoin", () => labels.collect());
await out.rows("heavyKeys", () => heavyKeys.collect());

const pairs = ITEMS.map(([k, item]): [Item, Stock] => [item, (STOCK[k] ?? STOCK[0])[1]]);
await out.rows("valueDirect", () => pairs.map((p) => stockValue(p)));
await out.rows("labelDirect", () => pairs.map((p) => labelOf(p)));
await out.rows("heavyDirect", () => pairs.map((p) => isHeavy(p)));
await out.rows("valueOnOwnRdd", () =>
  ctx
    .parallelize(pairs.map((p, i): [number, [Item, Stock]] => [i % 5, p]))
    .mapValues(stockValue)
    .collect(),
);
await out.done();
