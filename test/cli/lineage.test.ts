/** `rddopt lineage` end to end: the built bin (dist/cli/index.js) on the CLI fixture project, text and JSON. */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { columnLineageErrors } from "../lineage/facet-shape.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "dist", "cli", "index.js");
const fixture = path.join(root, "test", "cli", "fixture");

async function rddopt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: fixture, env: { ...process.env, NO_COLOR: "1" } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

// the two runs that build the program go side by side: each loads TypeScript and the runtime's types
describe.concurrent("rddopt lineage", () => {
  it("prints each output field with the source fields feeding it, and the join keys every row depends on", async () => {
    const out = await rddopt(["lineage", "src/seed-join.ts"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("collect at src/seed-join.ts:9:");
    expect(out.stdout).toMatch(/_1\s+<- _1 of rdd1@src\/seed-join\.ts:7: DIRECT IDENTITY/);
    expect(out.stdout).toMatch(/_2\s+<- _2\._1 of rdd1@src\/seed-join\.ts:7: DIRECT TRANSFORMATION/);
    expect(out.stdout).toContain("<- _2._2 of rdd2@src/seed-join.ts:8: DIRECT TRANSFORMATION");
    expect(out.stdout).toMatch(/\(rows\)\s+<- _1 of rdd1@src\/seed-join\.ts:7: INDIRECT JOIN/);
    expect(out.stdout).toContain("1 pipeline.");
  });

  it("--json prints OpenLineage output datasets with the columnLineage facet", async () => {
    const out = await rddopt(["lineage", "--json"]);
    expect(out.code, out.stderr).toBe(0);
    const { outputs } = JSON.parse(out.stdout) as { outputs: { name: string; facets: { columnLineage: { fields: Record<string, { inputFields: { field: string }[] }> } } }[] };
    expect(outputs.map((o) => o.name)).toEqual(["collect@src/seed-join.ts:9"]);
    for (const dataset of outputs) expect(columnLineageErrors(dataset)).toEqual([]);
    expect(outputs[0]!.facets.columnLineage.fields._2!.inputFields.map((i) => i.field)).toEqual(["_2._1", "_2._2"]);
  });

  it("has the report's error conventions: exit 2 with a message naming the fix", async () => {
    const missing = await rddopt(["lineage", "-p", "nope/tsconfig.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no tsconfig found at nope/tsconfig.json");
    const usage = await rddopt(["lineage", "--bogus"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("unknown option '--bogus'");
    const help = await rddopt(["--help"]);
    expect(help.stdout).toContain("lineage [options] [files...]");
  });
});
