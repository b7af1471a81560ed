/**
 * Files in and out (issue 13, seeds 000, 002, 004): a Parquet sales dataset partitioned by day and a CSV store
 * table, both generated here. The job keeps two days of sales; built with the plugin it reads only those days'
 * files (partition pruning) and only the columns it uses (column pruning at the source), both decided at
 * compile time. It joins the stores, sums revenue per region and day, and writes the result partitioned by
 * region. Then the same sales, bucketed by store, join a bucketed store table with no shuffle at all.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Context } from "rddopt";
import { finish, randomInt, randomWord, seededRandom } from "./kit.js";

interface Sale {
  day: string;
  storeId: number;
  sku: string;
  quantity: number;
  price: number;
  coupon: string;
}
interface Store {
  storeId: number;
  region: string;
  manager: string;
}

const random = seededRandom(13);
const days = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"];
const sales: Sale[] = Array.from({ length: 20_000 }, () => ({
  day: days[randomInt(random, days.length)]!,
  storeId: randomInt(random, 40),
  sku: randomWord(random, 8),
  quantity: 1 + randomInt(random, 5),
  price: randomInt(random, 10_000) / 100,
  coupon: randomWord(random, 12),
}));
const stores: Store[] = Array.from({ length: 40 }, (_, storeId) => ({ storeId, region: ["north", "south", "east", "west"][storeId % 4]!, manager: randomWord(random, 10) }));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-files-"));
const ctx = new Context({ defaultParallelism: 4, progress: false });
try {
  await ctx.parallelize(sales, 4).saveAsParquet(path.join(dir, "sales"), { partitionBy: ["day"] });
  await ctx.parallelize(stores, 1).saveAsCsv(path.join(dir, "stores"));

  // No options written here: built with the rddopt plugin, the call gets `columns: ["day", "storeId", "quantity",
  // "price"]` (what the code below reads: sku and coupon are never read from disk) and a `partitionFilter` from the
  // filter's leading day condition (the other days' files are never opened). Compare bytesRead and filesSkipped.
  // Without the plugin, write them yourself: { columns: [...], filter: { day: ["2024-01-04", "2024-01-05"] } }.
  const recent = ctx.readParquet<Sale>(path.join(dir, "sales"));
  const storeTable = ctx.readCsv<Store>(path.join(dir, "stores"), { schema: { storeId: "number" } });
  const revenue = recent
    .filter((s) => (s.day === "2024-01-04" || s.day === "2024-01-05") && s.quantity > 1)
    .keyBy((s) => s.storeId)
    .join(storeTable.keyBy((s) => s.storeId))
    .map(([, [sale, store]]): [string, number] => [`${store.region}|${sale.day}`, Math.round(sale.quantity * sale.price * 100)])
    .reduceByKey((a, b) => a + b)
    .map(([key, cents]) => ({ region: key.split("|")[0]!, day: key.split("|")[1]!, revenue: cents / 100 }));
  await revenue.saveAsJsonLines(path.join(dir, "revenue"), { partitionBy: ["region"] });
  const pruning = { filesSkipped: ctx.lastJob!.filesSkipped, filesRead: ctx.lastJob!.filesRead, bytesRead: ctx.lastJob!.bytesRead };
  const written = await ctx.readJsonLines<{ region: string; day: string; revenue: number }>(path.join(dir, "revenue")).collect();

  // Storage-partitioned join: both sides bucketed by store id into 8 buckets.
  await ctx.parallelize(sales, 4).map((s): [number, number] => [s.storeId, s.quantity]).saveAsBucketed(path.join(dir, "sales-by-store"), { buckets: 8, key: "storeId" });
  await ctx.parallelize(stores, 1).map((s): [number, string] => [s.storeId, s.region]).saveAsBucketed(path.join(dir, "stores-by-id"), { buckets: 8, key: "storeId" });
  const units = await ctx
    .readBucketed<number, number>(path.join(dir, "sales-by-store"))
    .join(ctx.readBucketed<number, string>(path.join(dir, "stores-by-id")))
    .map(([, [quantity, region]]): [string, number] => [region, quantity])
    .reduceByKey((a, b) => a + b)
    .collect();
  const spj = ctx.lastJob!.joins[0];

  await finish("files pipeline (Parquet + CSV in, partitioned JSON out, bucketed join)", ctx, [...written, ...units], [
    `revenue rows: ${written.length} (regions x 2 days); partition pruning: ${pruning.filesSkipped} files skipped, ${pruning.filesRead} read, ${pruning.bytesRead} bytes`,
    `bucketed join: ${spj?.strategy} (${spj?.reason})`,
  ]);
} finally {
  await ctx.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
