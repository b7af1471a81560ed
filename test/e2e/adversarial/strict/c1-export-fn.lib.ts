// Exported functions used as callbacks after a join here, and called by the program on tuples that never
// went through a shuffle: their bodies must keep reading the positions as written.
import { Context } from "rddopt";

export type Item = [sku: string, price: number, weight: number, label: string];
export type Stock = [warehouse: string, units: number, updated: string];

export function stockValue([item, stock]: [Item, Stock]): number {
  return item[1] * stock[1];
}
export const labelOf = ([item, stock]: [Item, Stock]): string => `${item[3]}@${stock[0]}`;
function heavy(pair: [Item, Stock]): boolean {
  return pair[0][2] > 3;
}
export { heavy as isHeavy };

export const ITEMS: [number, Item][] = Array.from({ length: 24 }, (_, i): [number, Item] => [i % 8, [`sku${i}`, 2 + (i % 5), i % 7, `label-${i}`]]);
export const STOCK: [number, Stock][] = Array.from({ length: 8 }, (_, i): [number, Stock] => [i, [`wh${i % 3}`, 10 * i + 1, `2024-0${1 + (i % 9)}`]]);

export const ctx = new Context({ defaultParallelism: 4 });
const items = ctx.parallelize(ITEMS);
const stock = ctx.parallelize(STOCK);

export const valued = items.join(stock).mapValues(stockValue);
const labels = items.join(stock).mapValues(labelOf);
const heavyKeys = items
  .join(stock)
  .filter(([, pair]) => heavy(pair))
  .keys();
export { labels, heavyKeys };
