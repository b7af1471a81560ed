/**
 * The engine's hot functions keep their optimised code across jobs: V8 throws optimised code away when an object
 * it embedded dies ("weak objects" in --trace-deopt), and between jobs a full collection frees everything a job
 * made. The broadcast table's columns (PairColumns.valueAt, HashTable.valueOf) and the shuffle join's pair reader
 * (readPairs) were recompiled in every job (docs/performance.md, "Hidden classes that outlive jobs"). Runs
 * bench/repro/kept-code.mjs in a child process with --trace-deopt.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const HOT = ["valueAt", "valueOf", "readPairs", "readKeys", "find", "firstRow", "nextRow", "addPair", "addKey"];

it("16 joins with a full collection between them discard none of the hot join functions' optimised code", () => {
  const out = execFileSync(process.execPath, ["--expose-gc", "--trace-deopt", path.join(root, "bench", "repro", "kept-code.mjs"), path.join(root, "dist")], {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  expect(out).toMatch(/RESULT \{"broadcast":[-\d.e]+,"shuffle":[-\d.e]+\}/);
  // other code (Node's own) is always discarded a few times: the trace must be there to be read
  expect(out, "no --trace-deopt output recognised (has V8's trace format changed?)").toMatch(/for deoptimization, reason: weak objects/);
  const discarded = [...out.matchAll(/SharedFunctionInfo (\w+)>\) \(opt id \d+\) for deoptimization, reason: weak objects/g)].map((m) => m[1]!);
  expect(discarded.filter((name) => HOT.includes(name))).toEqual([]);
}, 60_000);
