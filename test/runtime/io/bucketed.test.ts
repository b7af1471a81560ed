/** saveAsBucketed / readBucketed: placement by the engine's HashPartitioner, storage-partitioned joins with no shuffle, mismatched counts shuffle. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HashPartitioner } from "../../../runtime/index.js";
import { testContext } from "../../helpers/context.js";
import { scratch, sorted } from "./helpers.js";

type Order = { amount: number; sku: string };
type Customer = { name: string; region: string };

const orders: [number, Order][] = Array.from({ length: 600 }, (_, i) => [i % 97, { amount: i, sku: `s${i % 13}` }]);
const customers: [number, Customer][] = Array.from({ length: 97 }, (_, i) => [i, { name: `c${i}`, region: ["n", "s"][i % 2]! }]);

function referenceJoin(): [number, [Order, Customer]][] {
  const byId = new Map(customers);
  return orders.flatMap(([k, o]) => (byId.has(k) ? [[k, [o, byId.get(k)!]] as [number, [Order, Customer]]] : []));
}

describe("bucketed storage", () => {
  it("writes one file per bucket and the partitioner; reads back pairs partitioned by HashPartitioner(buckets)", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "orders");
    await ctx.parallelize(orders, 3).saveAsBucketed(out, { buckets: 5, key: "customerId" });
    expect(fs.readdirSync(out).sort()).toEqual(["_SUCCESS", "_rddopt_bucketing.json", ...[0, 1, 2, 3, 4].map((b) => `part-0000${b}.jsonl`)]);
    const meta = JSON.parse(fs.readFileSync(path.join(out, "_rddopt_bucketing.json"), "utf8"));
    expect(meta).toMatchObject({ buckets: 5, partitioner: "hash", hash: { name: "rddopt-hashKey", version: 1 }, key: "customerId" });
    const back = ctx.readBucketed<number, Order>(out);
    expect(back.getNumPartitions()).toBe(5);
    expect(back.partitioner?.equals(new HashPartitioner(5))).toBe(true);
    expect(sorted(await back.collect())).toEqual(sorted(orders));
    const placement = await back.glom().collect();
    placement.forEach((rows, b) => rows.forEach(([k]) => expect(new HashPartitioner(5).getPartition(k)).toBe(b)));
  });

  it("a join of two datasets bucketed alike runs with no shuffle (explain and metrics), with the plain join's result", async () => {
    const ctx = testContext();
    const dir = scratch();
    await ctx.parallelize(orders, 3).saveAsBucketed(path.join(dir, "o"), { buckets: 4 });
    await ctx.parallelize(customers, 2).saveAsBucketed(path.join(dir, "c"), { buckets: 4 });
    const joined = ctx.readBucketed<number, Order>(path.join(dir, "o")).join(ctx.readBucketed<number, Customer>(path.join(dir, "c")));
    expect(sorted(await joined.collect())).toEqual(sorted(referenceJoin()));
    const m = ctx.lastJob!;
    expect(m.shuffleBytesWritten).toBe(0);
    expect(m.stages).toBe(1);
    expect(m.joins[0]!.strategy).toBe("co-partitioned");
    const plan = joined.explain();
    expect(plan).not.toMatch(/Exchange/);
    expect(plan).toMatch(/readBucketed .*bucketed \(jsonl\): hashpartitioning\(4\)/);
    // aggregating by the bucket key needs no shuffle either
    const totals = await ctx.readBucketed<number, Order>(path.join(dir, "o")).mapValues((o) => o.amount).reduceByKey((a, b) => a + b).collect();
    expect(ctx.lastJob!.shuffleBytesWritten).toBe(0);
    expect(totals.length).toBe(97);
  });

  it("format parquet: object values in columns, the key in _rddopt_key; joins a jsonl-bucketed side with no shuffle", async () => {
    const ctx = testContext();
    const dir = scratch();
    await ctx.parallelize(orders, 3).saveAsBucketed(path.join(dir, "o"), { buckets: 4, format: "parquet" });
    expect(fs.readdirSync(path.join(dir, "o")).filter((f) => f.endsWith(".parquet")).length).toBe(4);
    await ctx.parallelize(customers, 2).saveAsBucketed(path.join(dir, "c"), { buckets: 4 });
    const back = ctx.readBucketed<number, Order>(path.join(dir, "o"));
    expect(sorted(await back.collect())).toEqual(sorted(orders));
    const joined = back.join(ctx.readBucketed<number, Customer>(path.join(dir, "c")));
    expect(sorted(await joined.collect())).toEqual(sorted(referenceJoin()));
    expect(ctx.lastJob!.shuffleBytesWritten).toBe(0);
    expect(ctx.lastJob!.joins[0]!.strategy).toBe("co-partitioned");
    // composite keys survive as JSON
    const composite: [[number, string], { v: number }][] = [[[1, "a"], { v: 1 }], [[2, "b"], { v: 2 }]];
    await ctx.parallelize(composite, 1).saveAsBucketed(path.join(dir, "k"), { buckets: 3, format: "parquet" });
    expect(sorted(await ctx.readBucketed(path.join(dir, "k")).collect())).toEqual(sorted(composite));
    await expect(ctx.parallelize<[number, number]>([[1, 2]]).saveAsBucketed(path.join(dir, "bad"), { buckets: 2, format: "parquet" })).rejects.toThrow(/needs plain object values/);
  });

  it("re-bucketing a bucketed dataset with the same count needs no shuffle", async () => {
    const ctx = testContext();
    const dir = scratch();
    await ctx.parallelize(orders, 3).saveAsBucketed(path.join(dir, "o"), { buckets: 4 });
    await ctx.readBucketed<number, Order>(path.join(dir, "o")).mapValues((o) => o.amount).saveAsBucketed(path.join(dir, "amounts"), { buckets: 4 });
    expect(ctx.lastJob!.shuffleBytesWritten).toBe(0);
    expect(sorted(await ctx.readBucketed(path.join(dir, "amounts")).collect())).toEqual(sorted(orders.map(([k, o]) => [k, o.amount])));
  });

  it("mismatched bucket counts fall back to a shuffle, with the reason recorded", async () => {
    const ctx = testContext();
    const dir = scratch();
    await ctx.parallelize(orders, 3).saveAsBucketed(path.join(dir, "o"), { buckets: 4 });
    await ctx.parallelize(customers, 2).saveAsBucketed(path.join(dir, "c"), { buckets: 3 });
    const joined = ctx.readBucketed<number, Order>(path.join(dir, "o")).join(ctx.readBucketed<number, Customer>(path.join(dir, "c")));
    expect(sorted(await joined.collect())).toEqual(sorted(referenceJoin()));
    const decision = ctx.lastJob!.joins[0]!;
    expect(decision.strategy).toBe("shuffle");
    expect(decision.reason).toMatch(/partitioned differently \(left hashpartitioning\(4\), right hashpartitioning\(3\)\): the right side is shuffled/);
    expect(ctx.lastJob!.shuffleBytesWritten).toBeGreaterThan(0);
  });

  it("a bucket file that does not match its bucket, a foreign hash, and keys that cannot round trip are caught", async () => {
    const ctx = testContext();
    const dir = scratch();
    const out = path.join(dir, "o");
    await ctx.parallelize(orders, 2).saveAsBucketed(out, { buckets: 2 });
    const b0 = path.join(out, "part-00000.jsonl");
    const b1 = path.join(out, "part-00001.jsonl");
    const [first, second] = [fs.readFileSync(b0, "utf8"), fs.readFileSync(b1, "utf8")];
    fs.writeFileSync(b0, second);
    fs.writeFileSync(b1, first);
    await expect(ctx.readBucketed(out).collect()).rejects.toThrow(/part-00000\.jsonl, line 1: key \d+ belongs in bucket 1, not 0/);
    const metaFile = path.join(out, "_rddopt_bucketing.json");
    const meta = JSON.parse(fs.readFileSync(metaFile, "utf8"));
    fs.writeFileSync(metaFile, JSON.stringify({ ...meta, hash: { name: "murmur3", version: 3 } }));
    const foreign = ctx.readBucketed(out);
    expect(foreign.partitioner).toBeUndefined(); // read unpartitioned: joins shuffle it
    expect(sorted(await foreign.collect())).toEqual(sorted(orders));
    await expect(ctx.parallelize<[number, number]>([[NaN, 1]]).saveAsBucketed(path.join(dir, "k"), { buckets: 2 })).rejects.toThrow(/cannot be stored so that it reads back as the same key/);
    await expect(ctx.parallelize<[number, number]>([[1, 2]]).saveAsBucketed(path.join(dir, "z"), { buckets: 0 })).rejects.toThrow(/buckets must be a positive integer/);
    expect(() => ctx.readBucketed(path.join(dir, "none"))).toThrow(/Is .* a dataset written by saveAsBucketed/);
  });
});
