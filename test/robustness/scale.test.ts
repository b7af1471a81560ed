/**
 * Memory and scale: a join whose shuffle is several times the in-memory budget
 * completes by spilling, with correct results, and its peak RSS (measured in a
 * child process) stays within a stated bound.
 *
 * Default: 100,000 rows a side, shuffleMemoryBytes 512 KiB (the shuffle writes
 * ~4.3 MB, about 8x the budget), bound 200 MB peak RSS.
 * RDDOPT_SCALE=1: 2,000,000 rows a side, budget 16 MiB (~90 MB shuffled), bound 1 GB.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const child = fileURLToPath(new URL("./scale-child.mjs", import.meta.url));
const large = process.env.RDDOPT_SCALE === "1";
const rows = large ? 2_000_000 : 100_000;
const budget = large ? 16 * 2 ** 20 : 512 * 2 ** 10;
const rssBoundMB = large ? 1024 : 200;

interface ScaleResult {
  count: number;
  checksum: number;
  expected: number;
  shuffleBytesWritten: number;
  spillBytes: number;
  strategy: string;
  maxRssMB: number;
}

describe("memory and scale", () => {
  it(`a join shuffling several times shuffleMemoryBytes spills, is right, and peaks under ${rssBoundMB} MB RSS`, () => {
    const out = execFileSync(process.execPath, [child, String(rows), String(budget)], { encoding: "utf8", timeout: large ? 600_000 : 60_000 });
    const r = JSON.parse(out.trim().split("\n").pop()!) as ScaleResult;
    expect(r.strategy).toBe("shuffle");
    expect(r.shuffleBytesWritten).toBeGreaterThan(4 * budget);
    expect(r.spillBytes).toBeGreaterThan(3 * budget);
    expect(r.count).toBe(rows);
    expect(r.checksum).toBe(r.expected);
    expect(r.maxRssMB).toBeLessThan(rssBoundMB);
  }, 600_000);
});
