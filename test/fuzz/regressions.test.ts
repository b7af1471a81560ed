/**
 * Replays every minimal failing program the fuzzer saved (test/fuzz/regressions/*.ts):
 * each compiled without the plugin, with prune only and with everything, and
 * run on its recorded seed; the three results must be equal as multisets.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Harness } from "./lib/harness.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = path.join(root, "test", "fuzz", "regressions");
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).sort() : [];

describe("fuzz regressions", () => {
  it("has saved regressions to replay", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.runIf(files.length > 0)("every saved program gives the same multiset with and without the plugin", async () => {
    const harness = new Harness({ root, workDir: path.join(root, "test", "fuzz", ".cache", "vitest-regressions") });
    const programs = files.map((name) => {
      const source = fs.readFileSync(path.join(dir, name), "utf8");
      const seed = Number(/export const FUZZ_SEED = (\d+);/.exec(source)?.[1]);
      expect(Number.isInteger(seed), `${name} records its FUZZ_SEED`).toBe(true);
      return { source, ops: [], case: { choices: [], seed } };
    });
    const { results } = await harness.runSources(programs);
    const failures = results.flatMap((r, i) => (r.status === "ok" ? [] : [`${files[i]}: ${r.status}: ${r.detail}`]));
    expect(failures).toEqual([]);
  }, 120_000);
});
