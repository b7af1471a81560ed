/** textFile and saveAsTextFile: splits cut lines exactly once, CRLF, empty files, directories, round trips. */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../runtime/index.js";
import { stopContexts, tempDir, testContext } from "../helpers/context.js";

const dirs: string[] = [];
function scratch(): string {
  const d = tempDir("rddopt-text-");
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await stopContexts();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function write(file: string, text: string | Buffer): string {
  fs.writeFileSync(file, text);
  return file;
}

describe("textFile", () => {
  // Cut by code points, so no line holds half a surrogate pair (that cannot be written as UTF-8).
  const lines = Array.from({ length: 200 }, (_, i) => [...`line ${i} ${"x".repeat(i % 13)} ünïcödé 😀`].slice(0, 5 + ((i * 7) % 40)).join(""));

  it("reads every line exactly once for any number of splits, including lines crossing split boundaries", async () => {
    const ctx = testContext();
    const file = write(path.join(scratch(), "a.txt"), lines.join("\n") + "\n");
    for (const min of [1, 2, 3, 7, 16, 61, 500]) {
      const rdd = ctx.textFile(file, min);
      expect(rdd.getNumPartitions()).toBeGreaterThanOrEqual(Math.min(min, 1));
      expect(await rdd.collect()).toEqual(lines);
    }
  });

  it("handles CRLF, a missing final newline, empty lines and a CR at a split boundary", async () => {
    const ctx = testContext();
    const dir = scratch();
    const crlf = write(path.join(dir, "crlf.txt"), "a\r\nbb\r\n\r\nccc\r\nlast");
    for (const min of [1, 2, 3, 4, 5, 9]) expect(await ctx.textFile(crlf, min).collect()).toEqual(["a", "bb", "", "ccc", "last"]);
    const blank = write(path.join(dir, "blank.txt"), "\n\n\nx\n\n");
    for (const min of [1, 2, 3, 6]) expect(await ctx.textFile(blank, min).collect()).toEqual(["", "", "", "x", ""]);
  });

  it("reads an empty file and an empty directory as no lines", async () => {
    const ctx = testContext();
    const dir = scratch();
    const empty = write(path.join(dir, "empty.txt"), "");
    expect(await ctx.textFile(empty, 3).collect()).toEqual([]);
    const emptyDir = path.join(dir, "nothing");
    fs.mkdirSync(emptyDir);
    expect(await ctx.textFile(emptyDir).count()).toBe(0);
  });

  it("reads every file of a directory in name order, skipping _ and . files", async () => {
    const ctx = testContext();
    const dir = scratch();
    write(path.join(dir, "b.txt"), "b1\nb2\n");
    write(path.join(dir, "a.txt"), "a1\na2");
    write(path.join(dir, "c.txt"), "");
    write(path.join(dir, "_SUCCESS"), "not data\n");
    write(path.join(dir, ".hidden.crc"), "not data\n");
    for (const min of [1, 2, 5]) expect(await ctx.textFile(dir, min).collect()).toEqual(["a1", "a2", "b1", "b2"]);
  });

  it("a missing path is a clear error", () => {
    const ctx = testContext();
    expect(() => ctx.textFile(path.join(scratch(), "missing.txt"))).toThrow(InvalidArgumentError);
    expect(() => ctx.textFile(path.join(scratch(), "missing.txt"))).toThrow(/path exists/);
  });
});

describe("saveAsTextFile", () => {
  it("round trips through textFile, one part file per partition plus _SUCCESS", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "out");
    const rows = ["α", "", "b c", "😀", "x\ty", ...Array.from({ length: 30 }, (_, i) => `r${i}`)];
    await ctx.parallelize(rows, 4).saveAsTextFile(out);
    expect(fs.readdirSync(out).sort()).toEqual(["_SUCCESS", "part-00000", "part-00001", "part-00002", "part-00003"]);
    expect(await ctx.textFile(out, 3).collect()).toEqual(rows);
    expect(await ctx.textFile(out, 1).count()).toBe(rows.length);
  });

  it("writes empty partitions as empty files and numbers as text; an existing directory is refused", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "nums");
    await ctx.parallelize([1, 2.5, -0], 5).saveAsTextFile(out);
    expect(fs.readFileSync(path.join(out, "part-00000"), "utf8")).toBe("");
    expect(await ctx.textFile(out).map(Number).collect()).toEqual([1, 2.5, 0]);
    await expect(ctx.parallelize([1]).saveAsTextFile(out)).rejects.toThrow(/already exists/);
  });

  it("writes rows that are not strings as JSON, never as a lossy String(); what JSON cannot carry is an error", async () => {
    const ctx = testContext();
    const out = path.join(scratch(), "json");
    const rows: unknown[] = [{ a: 1, b: "x" }, ["b", [2, 3]], null, true];
    await ctx.parallelize(rows, 2).saveAsTextFile(out);
    expect((await ctx.textFile(out).collect()).map((l) => JSON.parse(l) as unknown)).toEqual(rows);
    await expect(ctx.parallelize([[1, () => 2]]).saveAsTextFile(path.join(scratch(), "fn"))).rejects.toThrow(/cannot write a function as JSON/);
    await expect(ctx.parallelize([[1, NaN]]).saveAsTextFile(path.join(scratch(), "nan"))).rejects.toThrow(/cannot write NaN/);
  });
});
