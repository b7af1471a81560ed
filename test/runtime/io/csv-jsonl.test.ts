/** readCsv / saveAsCsv and readJsonLines / saveAsJsonLines against plain arrays: odd values, schemas, columns, splits, errors. */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { JobFailedError, SourceDataError } from "../../../runtime/index.js";
import { testContext } from "../../helpers/context.js";
import { scratch, sorted, write } from "./helpers.js";

const odd = [
  { id: "1", text: 'say "hi", then go', note: "" },
  { id: "2", text: "line one\nline two\r\nline three", note: "ünïcödé 😀" },
  { id: "3", text: "  padded  ", note: "a,b,c" },
  { id: "4", text: "", note: '"' },
];

describe("CSV", () => {
  it("round trips quotes, commas, newlines in fields, unicode and empty cells (values stay strings without a schema)", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "out");
    await ctx.parallelize(odd, 3).saveAsCsv(out);
    expect(fs.readdirSync(out).sort()).toEqual(["_SUCCESS", "part-00000.csv", "part-00001.csv", "part-00002.csv"]);
    const back = await ctx.readCsv<Record<string, string>>(out).collect();
    expect(sorted(back)).toEqual(sorted(odd));
  });

  it("a schema types columns: numbers, booleans, an empty number cell is null; strings stay as written", async () => {
    const ctx = testContext();
    const file = write(path.join(scratch(), "t.csv"), "id,price,ok,name\n1,2.5,true,a\n2,,FALSE,\n3,-1e3,,c\n");
    const rows = await ctx.readCsv(file, { schema: { id: "number", price: "number", ok: "boolean" } }).collect();
    expect(rows).toEqual([
      { id: 1, price: 2.5, ok: true, name: "a" },
      { id: 2, price: null, ok: false, name: "" },
      { id: 3, price: -1000, ok: null, name: "c" },
    ]);
  });

  it("columns keeps (and converts) only the columns named", async () => {
    const ctx = testContext();
    const file = write(path.join(scratch(), "t.csv"), "a,b,c\n1,x,y\n2,z,w\n");
    expect(await ctx.readCsv(file, { columns: ["c", "a"], schema: { a: "number" } }).collect()).toEqual([
      { a: 1, c: "y" },
      { a: 2, c: "w" },
    ]);
    expect(() => ctx.readCsv(file, { columns: ["nope"] })).toThrow(/columns names "nope".*columns: a, b, c/);
  });

  it("a bad number names the file, the line and the column (also on a later split and after a quoted newline)", async () => {
    const ctx = testContext();
    const dir = scratch();
    const file = write(path.join(dir, "bad.csv"), 'id,qty\n1,"2"\n2,"multi\nline"\n');
    await expect(ctx.readCsv(file, { schema: { qty: "number" } }).collect()).rejects.toThrow(/bad\.csv, line 3, column "qty": "multi\\nline" is not a number/);
    const lines = ["id,qty", ...Array.from({ length: 500 }, (_, i) => `${i},${i === 433 ? "x1" : i}`)];
    const big = write(path.join(dir, "big.csv"), lines.join("\n") + "\n");
    const rdd = ctx.readCsv(big, { schema: { qty: "number" }, multiLine: false, maxSplitBytes: 200 });
    expect(rdd.getNumPartitions()).toBeGreaterThan(10);
    await expect(rdd.collect()).rejects.toThrow(/big\.csv, line 435, column "qty": "x1" is not a number/);
  });

  it("multiLine: false splits large files at lines and reads every row once; the default reads one split per file", async () => {
    const ctx = testContext();
    const rows = Array.from({ length: 700 }, (_, i) => ({ id: i, name: `n${i}${"q".repeat(i % 9)}`, flag: i % 3 === 0 }));
    const file = write(path.join(scratch(), "r.csv"), "id,name,flag\n" + rows.map((r) => `${r.id},${r.name},${r.flag}`).join("\n") + "\n");
    const schema = { id: "number", flag: "boolean" } as const;
    const split = ctx.readCsv(file, { schema, multiLine: false, maxSplitBytes: 512 });
    expect(split.getNumPartitions()).toBeGreaterThan(10);
    expect(await split.collect()).toEqual(rows);
    const whole = ctx.readCsv(file, { schema, maxSplitBytes: 512 });
    expect(whole.getNumPartitions()).toBe(1);
    expect(await whole.collect()).toEqual(rows);
  });

  it("header: false names columns _c0, _c1; delimiter and gzip work; a short record is an error unless relaxed", async () => {
    const ctx = testContext();
    const dir = scratch();
    const file = write(path.join(dir, "t.tsv.gz"), zlib.gzipSync("1\ta\n2\tb\n"));
    expect(await ctx.readCsv(file, { header: false, delimiter: "\t", schema: { _c0: "number" } }).collect()).toEqual([
      { _c0: 1, _c1: "a" },
      { _c0: 2, _c1: "b" },
    ]);
    const short = write(path.join(dir, "short.csv"), "a,b\n1,2\n3\n");
    await expect(ctx.readCsv(short).collect()).rejects.toThrow(/short\.csv, line 3: the record has 1 fields, the header has 2/);
    expect(await ctx.readCsv(short, { relaxColumnCount: true }).collect()).toEqual([{ a: "1", b: "2" }, { a: "3", b: "" }]);
  });

  it("a schema column the file lacks, an unclosed quote and bad options are clear errors", async () => {
    const ctx = testContext();
    const dir = scratch();
    const file = write(path.join(dir, "t.csv"), "a,b\n1,2\n");
    expect(() => ctx.readCsv(file, { schema: { c: "number" } })).toThrow(/schema declares column "c"/);
    expect(() => ctx.readCsv(file, { schema: { a: "int" as "number" } })).toThrow(/use "number", "string" or "boolean"/);
    const unclosed = write(path.join(dir, "u.csv"), 'a,b\n1,"2\n3,4\n');
    await expect(ctx.readCsv(unclosed).collect()).rejects.toThrow(/u\.csv.*Quote Not Closed/);
  });

  it("saveAsCsv rejects rows that do not fit CSV", async () => {
    const ctx = testContext();
    const dir = scratch();
    await expect(ctx.parallelize([{ a: { nested: 1 } }]).saveAsCsv(path.join(dir, "o1"))).rejects.toThrow(/column "a" holds an object/);
    await expect(ctx.parallelize([[1, 2]]).saveAsCsv(path.join(dir, "o2"))).rejects.toThrow(/needs object rows/);
    await expect(ctx.parallelize([{ a: 1 }, { a: 2, b: 3 }], 1).saveAsCsv(path.join(dir, "o3"))).rejects.toThrow(/has field "b"/);
    expect(fs.existsSync(path.join(dir, "o1"))).toBe(false); // a failed write leaves no directory behind
    await ctx.parallelize([{ a: 1 }, { a: 2, b: 3 }], 1).saveAsCsv(path.join(dir, "o4"), { columns: ["a", "b"] });
    expect(await ctx.readCsv(path.join(dir, "o4"), { schema: { a: "number", b: "number" } }).collect()).toEqual([{ a: 1, b: null }, { a: 2, b: 3 }]);
  });
});

describe("JSON Lines", () => {
  const rows = [
    { id: 1, name: "ä\"q\"", tags: ["x", "y"], nested: { deep: { v: [1, { w: null }] } } },
    { id: 2, name: "line\nbreak", tags: [], nested: null },
    { id: 3, name: "😀", tags: ["z"], nested: { deep: {} } },
  ];

  it("round trips nested objects, null, unicode and escaped newlines", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "j");
    await ctx.parallelize(rows, 2).saveAsJsonLines(out);
    expect(await ctx.readJsonLines(out).collect()).toEqual(rows);
    expect(await ctx.parallelize([1, "s", null, [1, [2]]], 2).saveAsJsonLines(path.join(scratch(), "k")).then(() => "ok")).toBe("ok");
  });

  it("splits at lines, columns prunes fields, schema checks types", async () => {
    const ctx = testContext();
    const many = Array.from({ length: 400 }, (_, i) => ({ id: i, name: `n${i}`, score: i / 4, extra: { i } }));
    const file = write(path.join(scratch(), "m.jsonl"), many.map((r) => JSON.stringify(r)).join("\n") + "\n\n");
    const rdd = ctx.readJsonLines<{ id: number; score: number }>(file, { columns: ["id", "score"], schema: { id: "number" }, maxSplitBytes: 300 });
    expect(rdd.getNumPartitions()).toBeGreaterThan(20);
    expect(await rdd.collect()).toEqual(many.map(({ id, score }) => ({ id, score })));
  });

  it("a bad line names the file and line; a wrong type names the column", async () => {
    const ctx = testContext();
    const dir = scratch();
    const file = write(path.join(dir, "bad.jsonl"), '{"a":1}\n{"a":2}\n{"a":\n');
    await expect(ctx.readJsonLines(file).collect()).rejects.toThrow(/bad\.jsonl, line 3: not valid JSON/);
    const typed = write(path.join(dir, "typed.jsonl"), '{"a":1}\n{"a":"2"}\n');
    await expect(ctx.readJsonLines(typed, { schema: { a: "number" } }).collect()).rejects.toThrow(/typed\.jsonl, line 2, column "a": "2" is not a number/);
    const failure = await ctx.readJsonLines(typed, { schema: { a: "number" } }).collect().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JobFailedError);
    expect((failure as JobFailedError).cause).toBeInstanceOf(SourceDataError);
    expect((failure as JobFailedError).cause).toMatchObject({ file: typed, line: 2, column: "a" });
    const missing = write(path.join(dir, "missing.jsonl"), '{"a":1}\n{"b":1}\n');
    await expect(ctx.readJsonLines(missing, { schema: { a: "number" } }).collect()).rejects.toThrow(/line 2, column "a": the field is missing/);
  });

  it("saveAsJsonLines rejects values JSON cannot hold faithfully", async () => {
    const ctx = testContext();
    const dir = scratch();
    await expect(ctx.parallelize([{ a: 1n }]).saveAsJsonLines(path.join(dir, "a"))).rejects.toThrow(/cannot write a bigint as JSON \(in row \{"a":"1n"\}\)/);
    await expect(ctx.parallelize([{ a: NaN }]).saveAsJsonLines(path.join(dir, "b"))).rejects.toThrow(/cannot write NaN/);
    await expect(ctx.parallelize([{ a: new Map() }]).saveAsJsonLines(path.join(dir, "c"))).rejects.toThrow(/instance of Map/);
    await expect(ctx.parallelize([[1, undefined]]).saveAsJsonLines(path.join(dir, "d"))).rejects.toThrow(/undefined in an array/);
  });
});

describe("columns written by the transformer (site set)", () => {
  it("a column the file lacks is left out instead of an error; non-object JSON rows pass as they are", async () => {
    const ctx = testContext();
    const dir = scratch();
    const csv = write(path.join(dir, "t.csv"), "a,b\n1,2\n");
    expect(() => ctx.readCsv(csv, { columns: ["a", "extra"] })).toThrow(/columns names "extra"/);
    expect(await ctx.readCsv(csv, { columns: ["a", "extra"], site: "x.ts:1:1" }).collect()).toEqual([{ a: "1" }]);
    expect(ctx.readCsv(csv, { columns: ["a"], site: "x.ts:1:1" }).explain()).toMatch(/columns \[a\] \(pruned by rddopt, site x\.ts:1:1\)/);
    const jsonl = write(path.join(dir, "t.jsonl"), '{"a":1,"b":2}\n7\nnull\n[1]\n{"__proto__":{"x":1},"a":3}\n');
    const rows = await ctx.readJsonLines<unknown>(jsonl, { columns: ["a", "__proto__"], site: "x.ts:1:1" }).collect();
    expect(rows).toEqual([{ a: 1 }, 7, null, [1], JSON.parse('{"__proto__":{"x":1},"a":3}')]);
    expect(Object.getPrototypeOf(rows[4])).toBe(Object.prototype);
  });
});
