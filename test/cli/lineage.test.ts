/** `rddopt lineage` end to end: the built bin (dist/cli/index.js) on the CLI fixture project, text and JSON. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { columnLineageErrors } from "../lineage/facet-shape.js";
import { bin, root, runNode } from "./cli-run.js";

const fixture = path.join(root, "test", "cli", "fixture");

const rddopt = (args: string[]) => runNode([bin, ...args], fixture);

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
