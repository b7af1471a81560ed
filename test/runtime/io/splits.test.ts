/** Byte splits at line boundaries: every line read exactly once, whatever the line lengths, split sizes and chunk sizes. */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alignToLines, bufferSource, byteRanges, forEachLine } from "../../../runtime/io/splits.js";
import { globToRegExp } from "../../../runtime/io/paths.js";
import { InvalidArgumentError } from "../../../runtime/index.js";
import { testContext } from "../../helpers/context.js";
import { scratch, write } from "./helpers.js";

/** Reads `text` as splits of `splitBytes`, each line loop reading `chunkBytes` at a time. */
function readBySplits(text: string, splitBytes: number, chunkBytes: number): { lines: string[]; perSplit: number[] } {
  const source = bufferSource(Buffer.from(text, "utf8"));
  const lines: string[] = [];
  const perSplit: number[] = [];
  for (const { start, end } of byteRanges(source.size, splitBytes)) {
    const { from, to } = alignToLines(source, start, end, 3);
    let n = 0;
    forEachLine(source, from, to, (line) => (lines.push(line), n++), chunkBytes);
    perSplit.push(n);
  }
  return { lines, perSplit };
}

const reference = (text: string): string[] => {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
};

describe("line splits", () => {
  it("never lose or duplicate a line at a split boundary (property: random line lengths, split and chunk sizes)", () => {
    const line = fc.string({ unit: fc.constantFrom("a", "é", "😀", "\r", " ", "x"), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.boolean(), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 17 }), (ls, trailing, split, chunk) => {
        const text = ls.join("\n") + (trailing && ls.length ? "\n" : "");
        expect(readBySplits(text, split, chunk).lines).toEqual(reference(text));
      }),
      { numRuns: 400 },
    );
  });

  it("a split holds only the lines starting in it: many small splits over long lines leave most splits empty", () => {
    const text = ["a".repeat(100), "b".repeat(100), "c"].join("\n");
    const { lines, perSplit } = readBySplits(text, 7, 5);
    expect(lines).toEqual(["a".repeat(100), "b".repeat(100), "c"]);
    expect(perSplit.filter((n) => n > 0)).toEqual([1, 1, 1]);
  });

  it("textFile reads a many-split file with a small split size, chunk by chunk", async () => {
    const ctx = testContext();
    const lines = Array.from({ length: 3000 }, (_, i) => `${i},${"z".repeat(i % 50)}`);
    const file = write(path.join(scratch(), "big.txt"), lines.join("\n"));
    const rdd = ctx.textFile(file, 1, { maxSplitBytes: 1000 });
    expect(rdd.getNumPartitions()).toBeGreaterThan(80);
    expect(await rdd.collect()).toEqual(lines);
    expect(ctx.lastJob!.bytesRead).toBeGreaterThanOrEqual(fs.statSync(file).size);
    expect(ctx.lastJob!.filesRead).toBe(1);
  });
});

describe("textFile inputs", () => {
  it("reads globs (*, **, {a,b}) and gzip files", async () => {
    const ctx = testContext();
    const dir = scratch();
    write(path.join(dir, "a.txt"), "a1\na2\n");
    write(path.join(dir, "b.log"), "b1\n");
    write(path.join(dir, "sub", "c.txt"), "c1\n");
    write(path.join(dir, "sub", "deeper", "d.txt.gz"), zlib.gzipSync("d1\nd2\r\nd3"));
    expect(await ctx.textFile(path.join(dir, "*.txt")).collect()).toEqual(["a1", "a2"]);
    expect((await ctx.textFile(path.join(dir, "**", "*.txt")).collect()).sort()).toEqual(["a1", "a2", "c1"]);
    expect((await ctx.textFile(path.join(dir, "*.{txt,log}")).collect()).sort()).toEqual(["a1", "a2", "b1"]);
    const gz = ctx.textFile(path.join(dir, "**", "*.gz"), 4);
    expect(gz.getNumPartitions()).toBe(1); // gzip cannot be split
    expect(await gz.collect()).toEqual(["d1", "d2", "d3"]);
    expect((await ctx.textFile(dir).collect()).sort()).toEqual(["a1", "a2", "b1", "c1", "d1", "d2", "d3"]);
  });

  it("a glob matching nothing and a corrupt gzip are clear errors", async () => {
    const ctx = testContext();
    const dir = scratch();
    expect(() => ctx.textFile(path.join(dir, "*.csv"))).toThrow(/no file matches .*\*\.csv/);
    expect(() => ctx.textFile(path.join(dir, "*.csv"))).toThrow(InvalidArgumentError);
    write(path.join(dir, "bad.gz"), "not gzip");
    await expect(ctx.textFile(path.join(dir, "bad.gz")).collect()).rejects.toThrow(/Cannot decompress .*bad\.gz/);
  });

  it("glob patterns match as shells do", () => {
    expect(globToRegExp("/d/*.txt").test("/d/a.txt")).toBe(true);
    expect(globToRegExp("/d/*.txt").test("/d/s/a.txt")).toBe(false);
    expect(globToRegExp("/d/**/*.txt").test("/d/a.txt")).toBe(true);
    expect(globToRegExp("/d/**/*.txt").test("/d/s/t/a.txt")).toBe(true);
    expect(globToRegExp("/d/part-[0-1]?").test("/d/part-1x")).toBe(true);
    expect(globToRegExp("/d/part-[!0]").test("/d/part-0")).toBe(false);
    expect(globToRegExp("/d/a+b(1).txt").test("/d/a+b(1).txt")).toBe(true);
  });
});
