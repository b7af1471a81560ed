/** readParquet / saveAsParquet and Hive-style partitioned writes, reads and pruning, against plain arrays. */
import fs from "node:fs";
import path from "node:path";
import { parquetReadObjects } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { testContext } from "../../helpers/context.js";
import { scratch, sorted } from "./helpers.js";

interface Sale {
  id: number;
  store: string;
  amount: number;
  paid: boolean;
  note: string | null;
  meta: { tags: string[] } | null;
}

const sales: Sale[] = Array.from({ length: 250 }, (_, i) => ({
  id: i,
  store: ["north", "süd", "east 1/2"][i % 3]!,
  amount: i % 7 === 0 ? 0.5 + i : i * 3,
  paid: i % 2 === 0,
  note: i % 5 === 0 ? null : `n"${i}",\n😀`,
  meta: i % 4 === 0 ? null : { tags: [`t${i % 3}`] },
}));

describe("Parquet", () => {
  it("round trips numbers, strings, booleans, nulls and nested objects; one partition per row group", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "p");
    await ctx.parallelize(sales, 2).saveAsParquet(out, { rowGroupSize: 50 });
    const rdd = ctx.readParquet<Sale>(out);
    expect(rdd.getNumPartitions()).toBe(6); // 125 rows per file -> 3 row groups each
    expect(await rdd.collect()).toEqual(sales);
    expect(ctx.lastJob!.filesRead).toBe(2);
  });

  it("nested groups (a struct, a list) read as hyparquet's own async reader reads them, across row groups", async () => {
    const ctx = testContext();
    const schema = [
      { name: "root", num_children: 3 },
      { name: "id", type: "INT32" as const, repetition_type: "REQUIRED" as const },
      { name: "s", repetition_type: "OPTIONAL" as const, num_children: 2 },
      { name: "a", type: "INT32" as const, repetition_type: "OPTIONAL" as const },
      { name: "b", type: "BYTE_ARRAY" as const, converted_type: "UTF8" as const, repetition_type: "OPTIONAL" as const },
      { name: "l", repetition_type: "OPTIONAL" as const, converted_type: "LIST" as const, num_children: 1 },
      { name: "list", repetition_type: "REPEATED" as const, num_children: 1 },
      { name: "element", type: "INT32" as const, repetition_type: "OPTIONAL" as const },
    ];
    const rows = [
      { id: 1, s: { a: 1, b: "x" }, l: [1, 2] },
      { id: 2, s: null, l: [] },
      { id: 3, s: { a: null, b: "z" }, l: null },
      { id: 4, s: { a: 4, b: null }, l: [null, 5] },
    ];
    const columnData = (["id", "s", "l"] as const).map((name) => ({ name, data: rows.map((r) => r[name]) }));
    const buffer = parquetWriteBuffer({ columnData, schema, rowGroupSize: 3 });
    const file = path.join(scratch(), "nested.parquet");
    fs.writeFileSync(file, Buffer.from(buffer));
    const reference = await parquetReadObjects({ file: buffer });
    expect(reference).toEqual(rows);
    expect(await ctx.readParquet(file).collect()).toEqual(reference);
    expect(await ctx.readParquet(file, { columns: ["l"] }).collect()).toEqual(reference.map(({ l }) => ({ l })));
  });

  it("many pages per column chunk and dictionary-encoded strings read as hyparquet's async reader reads them", async () => {
    const ctx = testContext();
    const n = 3000;
    const columnData = [
      { name: "i", data: Array.from({ length: n }, (_, k) => k) },
      { name: "s", data: Array.from({ length: n }, (_, k) => (k % 7 === 0 ? null : `v${k % 13}`)) },
      { name: "d", data: Array.from({ length: n }, (_, k) => k / 3) },
    ];
    const buffer = parquetWriteBuffer({ columnData, pageSize: 512, rowGroupSize: 1000 });
    const file = path.join(scratch(), "pages.parquet");
    fs.writeFileSync(file, Buffer.from(buffer));
    const rdd = ctx.readParquet(file);
    expect(rdd.getNumPartitions()).toBe(3);
    expect(await rdd.collect()).toEqual(await parquetReadObjects({ file: buffer }));
  });

  it("columns reads only those column chunks: fewer bytes, same values", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "p");
    await ctx.parallelize(sales, 1).saveAsParquet(out);
    const all = await ctx.readParquet<Sale>(out).collect();
    const allBytes = ctx.lastJob!.bytesRead;
    const some = await ctx.readParquet<Pick<Sale, "id" | "paid">>(out, { columns: ["id", "paid"] }).collect();
    const someBytes = ctx.lastJob!.bytesRead;
    expect(some).toEqual(all.map(({ id, paid }) => ({ id, paid })));
    expect(someBytes).toBeLessThan(allBytes / 2);
    expect(() => ctx.readParquet(out, { columns: ["nope"] })).toThrow(/columns names "nope"/);
  });

  it("columns: [] (a count) decodes no column and still yields every row; CSV likewise", async () => {
    const ctx = testContext();
    const dir = scratch();
    await ctx.parallelize(sales, 2).saveAsParquet(path.join(dir, "p"), { rowGroupSize: 100 });
    expect(await ctx.readParquet(path.join(dir, "p"), { columns: [] }).collect()).toEqual(sales.map(() => ({})));
    expect(ctx.lastJob!.bytesRead).toBeLessThan(2000); // footers only
    await ctx.parallelize(sales, 2).saveAsCsv(path.join(dir, "c"), { columns: ["id", "store"] });
    expect(await ctx.readCsv(path.join(dir, "c"), { columns: [] }).count()).toBe(sales.length);
  });

  it("checks a declared schema against the file's column types, and rows that do not fit Parquet fail clearly", async () => {
    const ctx = testContext();
    const dir = scratch();
    const out = path.join(dir, "p");
    await ctx.parallelize(sales, 1).saveAsParquet(out);
    expect(() => ctx.readParquet(out, { schema: { id: "string" } })).toThrow(/column "id": the schema declares "string"/);
    expect(() => ctx.readParquet(out, { schema: { id: "number", store: "string", paid: "boolean" } })).not.toThrow();
    await expect(ctx.parallelize([{ a: 1 }, { a: "x" }], 1).saveAsParquet(path.join(dir, "q"))).rejects.toThrow(/column "a" holds both/);
    await expect(ctx.parallelize([[1, 2]], 1).saveAsParquet(path.join(dir, "r"))).rejects.toThrow(/needs object rows/);
    fs.writeFileSync(path.join(dir, "fake.parquet"), "hello world, not parquet");
    expect(() => ctx.readParquet(path.join(dir, "fake.parquet"))).toThrow(/fake\.parquet: not a Parquet file/);
  });

  it("bigints: INT64 reads as number by default, bigint on request", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "p");
    await ctx.parallelize([{ n: 1n }, { n: 2n ** 60n }], 1).saveAsParquet(out);
    expect(await ctx.readParquet(out, { int64: "bigint" }).collect()).toEqual([{ n: 1n }, { n: 2n ** 60n }]);
    await expect(ctx.readParquet(out).collect()).rejects.toThrow(/row 2, column "n": 1152921504606846976 does not fit a JS number exactly/);
  });
});

describe("partitioned storage", () => {
  for (const format of ["parquet", "jsonl", "csv"] as const) {
    it(`${format}: partitionBy writes key=value directories without the column; readers add it back; filters prune files`, async () => {
      const ctx = testContext();
      const out = path.join(scratch(), "t");
      const rows = sales.map(({ id, store, amount }) => ({ id, store, amount }));
      const data = ctx.parallelize(rows, 3);
      if (format === "parquet") await data.saveAsParquet(out, { partitionBy: ["store"] });
      else if (format === "jsonl") await data.saveAsJsonLines(out, { partitionBy: ["store"] });
      else await data.saveAsCsv(out, { partitionBy: ["store"] });
      const dirs = fs.readdirSync(out).sort();
      expect(dirs).toEqual(["_SUCCESS", "store=east 1%2F2", "store=north", "store=süd"]);
      const schema = { id: "number", amount: "number" } as const;
      const read = (options: object) =>
        format === "parquet" ? ctx.readParquet(out, options) : format === "jsonl" ? ctx.readJsonLines(out, options) : ctx.readCsv(out, { schema, ...options });
      expect(sorted(await read({}).collect())).toEqual(sorted(rows));

      const pruned = await read({ filter: { store: ["north", "east 1/2"] } }).collect();
      expect(sorted(pruned)).toEqual(sorted(rows.filter((r) => r.store !== "süd")));
      const m = ctx.lastJob!;
      expect(read({ filter: { store: ["north"] } }).explain()).toMatch(/3 files, 3 splits, 6 files pruned|3 files, \d+ splits, 6 files pruned/);
      expect(m.filesSkipped).toBe(3); // one part file per input partition under store=süd
      expect(m.bytesSkipped).toBeGreaterThan(0);
      expect(m.filesRead).toBe(6);

      const byPredicate = await read({ partitionFilter: (p: { store: string }) => p.store.startsWith("s"), columns: ["id", "store"] }).collect();
      expect(sorted(byPredicate)).toEqual(sorted(rows.filter((r) => r.store === "süd").map(({ id, store }) => ({ id, store }))));
    });
  }

  it("partition values are typed by the schema, null goes to Hive's default partition, a filter on a non-partition column is an error", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "t");
    const rows = [
      { day: 1, v: "a" },
      { day: 2, v: "b" },
      { day: null, v: "c" },
    ];
    await ctx.parallelize(rows, 2).saveAsJsonLines(out, { partitionBy: ["day"] });
    expect(fs.readdirSync(out).sort()).toEqual(["_SUCCESS", "day=1", "day=2", "day=__HIVE_DEFAULT_PARTITION__"]);
    expect(sorted(await ctx.readJsonLines(out, { schema: { day: "number" } }).collect())).toEqual(sorted(rows));
    expect(sorted(await ctx.readJsonLines(out).collect())).toEqual(sorted([{ day: "1", v: "a" }, { day: "2", v: "b" }, { day: null, v: "c" }]));
    expect(await ctx.readJsonLines(out, { schema: { day: "number" }, filter: { day: [2] } }).collect()).toEqual([{ day: 2, v: "b" }]);
    expect(() => ctx.readJsonLines(out, { filter: { v: ["a"] } })).toThrow(/filter names "v".*Filter only on partition columns/);
    await expect(ctx.parallelize([{ d: { x: 1 } }]).saveAsJsonLines(path.join(scratch(), "u"), { partitionBy: ["d"] })).rejects.toThrow(/partition values must be strings/);
  });
});
