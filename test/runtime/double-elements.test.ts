/**
 * Encoding a program's rows must leave their representation alone: V8's optimised code at a load site that has
 * seen several kinds of arrays transitions the arrays it reads, and the codec's shape inference used to turn
 * every array of doubles of the program into an array of boxed numbers after a few jobs (codec.ts elementOf).
 * Runs bench/repro/double-elements.mjs in a child process (V8's %HasDoubleElements needs --allow-natives-syntax).
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

it("40 encodes of the same rows of doubles leave every value array with unboxed double elements", () => {
  const out = execFileSync(process.execPath, ["--allow-natives-syntax", path.join(root, "bench", "repro", "double-elements.mjs"), path.join(root, "dist")], { encoding: "utf8" });
  const result = JSON.parse(/RESULT (.*)/.exec(out)![1]!) as { boxed: number; rows: number };
  expect(result).toEqual({ boxed: 0, rows: 100_000 });
}, 60_000);
