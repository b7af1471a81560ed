/**
 * Replays every minimal failing program the fuzzer saved (test/fuzz/regressions/*.ts):
 * each compiled without the plugin, with prune only and with everything, under the tsconfig variant it
 * was found with (FUZZ_TS_VARIANT, default strict), and run on its recorded seed; the three results must
 * be equal as multisets (or the three programs fail with the same error class and message). `<name>.<module>.ts` files are the other modules of the program `<name>.ts`.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Harness, type SourceProgram } from "./lib/harness.js";
import { TS_VARIANTS, type TsVariant } from "./lib/types.js";
import { OPEN_MISMATCHES } from "./lib/open.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = path.join(root, "test", "fuzz", "regressions");
const all = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).sort() : [];
/** Programs: `<name>.ts` with no further dot; their modules are `<name>.<module>.ts`. */
const files = all.filter((f) => f.split(".").length === 2);

describe("fuzz regressions", () => {
  it("has saved regressions to replay", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.runIf(files.length > 0)("every saved program gives the same multiset with and without the plugin", async () => {
    const harness = new Harness({ root, workDir: path.join(root, "test", "fuzz", ".cache", "vitest-regressions") });
    const byVariant = new Map<TsVariant, { name: string; program: SourceProgram }[]>();
    for (const name of files) {
      const source = fs.readFileSync(path.join(dir, name), "utf8");
      const seed = Number(/export const FUZZ_SEED = (\d+);/.exec(source)?.[1]);
      expect(Number.isInteger(seed), `${name} records its FUZZ_SEED`).toBe(true);
      const tsVariant = (/export const FUZZ_TS_VARIANT = "(\w+)";/.exec(source)?.[1] ?? "strict") as TsVariant;
      expect(TS_VARIANTS, `${name}: FUZZ_TS_VARIANT`).toContain(tsVariant);
      const base = name.slice(0, -".ts".length);
      const modules = all.filter((f) => f.startsWith(`${base}.`) && f !== name).map((f) => ({ name: f, source: fs.readFileSync(path.join(dir, f), "utf8") }));
      const list = byVariant.get(tsVariant) ?? [];
      list.push({ name, program: { source, mainName: name, files: modules, ops: [], case: { choices: [], seed } } });
      byVariant.set(tsVariant, list);
    }
    const failures: string[] = [];
    const stillOpen: string[] = [];
    for (const [tsVariant, list] of byVariant) {
      const { results } = await harness.runSources(
        list.map((l) => l.program),
        tsVariant,
      );
      results.forEach((r, i) => {
        const name = list[i]!.name;
        const open = OPEN_MISMATCHES.find((o) => o.regression === name);
        if (open) {
          // Reported, not fixed yet (lib/open.ts): must still reproduce; remove the entry with the fix.
          if (r.status === "mismatch") stillOpen.push(name);
          else failures.push(`${name} (${tsVariant}) is listed in lib/open.ts as an open mismatch but gives ${r.status}: remove it from OPEN_MISMATCHES`);
        } else if (r.status !== "ok" && r.status !== "error-everywhere") failures.push(`${name} (${tsVariant}): ${r.status}: ${r.detail}`);
        // error-everywhere: every variant failed with the same error class and message, which is equal too.
      });
    }
    if (stillOpen.length) console.warn(`fuzz regressions still open (test/fuzz/lib/open.ts): ${stillOpen.join(", ")}`);
    expect(failures).toEqual([]);
  }, 180_000);
});
