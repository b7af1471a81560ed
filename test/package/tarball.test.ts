/** The packed tarball installs into an empty project, and both entry points load from it. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REQUIRED_FILES, installTarball, packTarball, runNode } from "../helpers/pack.js";

let workDir: string;
let project: string;
let files: string[];

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-tarball-"));
  const packed = await packTarball(workDir);
  files = packed.files;
  project = await installTarball(packed.tarball, { dir: fs.mkdtempSync(path.join(workDir, "project-")) });
}, 180_000);

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("npm pack tarball", () => {
  it("holds the built entry points and no sources or tests", () => {
    for (const f of REQUIRED_FILES) expect(files).toContain(f);
    expect(files.filter((f) => /^package\/(runtime|test|transformer|bench)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
  });

  it("the installed package runs stages on worker threads (ESM and CJS) and exits without stop()", async () => {
    expect(files).toContain("package/dist/runtime/workers/rddopt-worker.js");
    expect(files).toContain("package/dist/cjs/runtime/workers/rddopt-worker.js");
    const job = `const ctx = new Context({ workers: 2, workerDispatch: "always", progress: false });
  const sum = await ctx.range(0, 1000, 1, 4).map((i) => [i % 3, i]).reduceByKey((a, b) => a + b).values().reduce((a, b) => a + b);
  console.log(JSON.stringify({ sum, where: ctx.lastJob.placements.map((p) => p.where) }));`;
    fs.writeFileSync(path.join(project, "workers.mjs"), `import { Context } from "rddopt";\n${job}\n`);
    fs.writeFileSync(path.join(project, "workers.cjs"), `const { Context } = require("rddopt");\n(async () => {\n${job}\n})();\n`);
    for (const file of ["workers.mjs", "workers.cjs"]) {
      const out = JSON.parse(await runNode(project, file)) as { sum: number; where: string[] };
      expect(out).toEqual({ sum: (999 * 1000) / 2, where: ["workers", "workers"] });
    }
  });

  it('an ESM program imports "rddopt" and joins two RDDs', async () => {
    fs.writeFileSync(
      path.join(project, "main.mjs"),
      `import { Context, HashPartitioner, StorageLevel } from "rddopt";
const ctx = new Context({ defaultParallelism: 3, progress: false });
const orders = ctx.parallelize([[1, 10], [2, 20], [1, 5], [3, 7]], 2);
const users = ctx.parallelize([[1, "ann"], [2, "bob"]], 2);
const rows = [];
for (const strategy of ["shuffle", "broadcast", "auto"]) {
  const out = await orders.join(users, { strategy }).mapValues(([amount, name]) => name + ":" + amount).collect();
  rows.push([strategy, out.map(([k, v]) => k + "=" + v).sort().join(","), ctx.lastJob.joins[0].strategy]);
}
console.log(JSON.stringify({ rows, partitioner: new HashPartitioner(2).describe(), level: String(StorageLevel.DISK_ONLY) }));
await ctx.stop();
`,
    );
    const out = JSON.parse(await runNode(project, "main.mjs")) as { rows: string[][]; partitioner: string; level: string };
    const expected = "1=ann:10,1=ann:5,2=bob:20";
    // both sides are a few bytes: the one measured smaller is broadcast (the same side for "broadcast" and "auto")
    expect(out.rows.map(([strategy, rows]) => [strategy, rows])).toEqual([["shuffle", expected], ["broadcast", expected], ["auto", expected]]);
    expect(out.rows[0]![2]).toBe("shuffle");
    expect(out.rows[1]![2]).toMatch(/^broadcast-(left|right)$/);
    expect(out.rows[2]![2]).toBe(out.rows[1]![2]);
    expect(out).toMatchObject({ partitioner: "hashpartitioning(2)", level: "DISK_ONLY" });
  });

  it('a CommonJS script requires "rddopt/transformer" as a function', async () => {
    fs.writeFileSync(
      path.join(project, "check.cjs"),
      `const transformer = require("rddopt/transformer");
// ts-patch takes the module itself or its \`default\` export (how TypeScript compiles \`export default\` to CommonJS).
const entry = typeof transformer === "function" ? transformer : transformer.default;
console.log(JSON.stringify({ type: typeof entry }));
`,
    );
    const out = JSON.parse(await runNode(project, "check.cjs")) as { type: string };
    expect(out.type).toBe("function");
  });
});
