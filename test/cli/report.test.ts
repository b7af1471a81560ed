/**
 * `rddopt report` end to end: the built bin (dist/cli/index.js) run on a fixture project, its
 * help, its errors, JSON and --check. Cases that need the real transformer (a file that changes)
 * are skipped, with a message, while transformer/ does not export analyzeProgram yet.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Report } from "../../cli/report.js";
import { bin, root, runNode } from "./cli-run.js";

const fixture = path.join(root, "test", "cli", "fixture");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-cli-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const transformerModule = (await import(path.join(root, "dist", "transformer", "index.js"))) as Record<string, unknown>;
const transformerLanded = typeof transformerModule.analyzeProgram === "function";

const rddopt = (args: string[], cwd = fixture) => runNode([bin, ...args], cwd);

describe("rddopt report", () => {
  it("has help that names the command and its options", async () => {
    const top = await rddopt(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain("report [options] [files...]");
    const help = await rddopt(["report", "--help"]);
    for (const flag of ["--project", "--json", "--html", "--check", "--no-prune", "--no-broadcast"]) expect(help.stdout).toContain(flag);
  });

  it("explains a missing tsconfig", async () => {
    const out = await rddopt(["report", "-p", "nope/tsconfig.json"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("no tsconfig found at nope/tsconfig.json");
    expect(out.stderr).toContain("-p");
  });

  it("refuses a file outside the project", async () => {
    const out = await rddopt(["report", "outside.ts"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("outside.ts is not part of the project tsconfig.json");
  });

  it("in a TypeScript 7 project (no compiler API) analyses with its bundled TypeScript 6, and says so", async () => {
    const project = path.join(scratch, "ts7");
    const ts7 = path.join(project, "node_modules", "typescript");
    fs.mkdirSync(ts7, { recursive: true });
    fs.writeFileSync(path.join(ts7, "package.json"), JSON.stringify({ name: "typescript", version: "7.0.0", main: "index.js" }));
    fs.writeFileSync(path.join(ts7, "index.js"), "module.exports = { version: '7.0.0' };\n");
    fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { types: [], strict: true }, files: ["main.ts"] }));
    fs.writeFileSync(path.join(project, "main.ts"), "export const x = 1;\n");
    const out = await rddopt(["report", "--json"], project);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain("the project's TypeScript 7.0.0 (the native compiler) has no compiler API: rddopt analyses with its bundled TypeScript 6");
    expect((JSON.parse(out.stdout) as Report).typescript).toMatch(/^6\.0\./);
    // --typescript pointing at a compiler without the API is an error that says so
    const explicit = await rddopt(["report", "--typescript", project], project);
    expect(explicit.code).toBe(2);
    expect(explicit.stderr).toContain("TypeScript 7.0.0");
    expect(explicit.stderr).toContain("no compiler API");
  });

  it("reports an untouched file as unchanged, in JSON, and --check passes", async () => {
    const out = await rddopt(["report", "src/plain.ts", "--json", "--check"]);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as Report;
    expect(report.files.map((f) => [f.file, f.changed, f.diff])).toEqual([["src/plain.ts", false, ""]]);
    expect(report.summary).toMatchObject({ files: 1, changed: 0 });
    expect(report.typescript).toMatch(/^6\.0\./);
  });

  it("prints text with a summary line, and writes the --html page", async () => {
    const page = path.join(scratch, "report.html");
    const out = await rddopt(["report", "src/plain.ts", "--html", page]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("rddopt: 0 of 1 file would change; 0 optimizations applied, 0 skipped.");
    expect(out.stderr).toContain(`wrote ${page}`);
    expect(fs.readFileSync(page, "utf8")).toContain("<h1>rddopt report</h1>");
  });

  describe.skipIf(!transformerLanded)("with the transformer (skipped until transformer/index.ts exports analyzeProgram)", () => {
    it("shows the seed join's diff and the pruning it applied, with its site; --check fails", async () => {
      const out = await rddopt(["report", "src/seed-join.ts", "--check"]);
      expect(out.code).toBe(1);
      expect(out.stdout).toContain("--- a/src/seed-join.ts");
      expect(out.stdout).toMatch(/^-.*rdd1\.join\(rdd2\)/m);
      expect(out.stdout).toMatch(/applied\s+prune\s+join\s+\S*seed-join\.ts:9:\d+/);
      expect(out.stdout).toMatch(/rddopt: 1 of 1 file would change; [1-9]\d* optimizations? applied/);
    });

    it("JSON carries the optimizations; --no-prune turns pruning off", async () => {
      const withPrune = JSON.parse((await rddopt(["report", "src/seed-join.ts", "--json"])).stdout) as Report;
      const pruned = withPrune.files[0]!.optimizations.filter((o) => o.kind === "prune" && o.status === "applied");
      expect(pruned.map((o) => o.operation)).toContain("join");
      const noPrune = JSON.parse((await rddopt(["report", "src/seed-join.ts", "--json", "--no-prune"])).stdout) as Report;
      expect(noPrune.options.prune).toBe(false);
      expect(noPrune.files[0]!.optimizations.filter((o) => o.kind === "prune" && o.status === "applied")).toEqual([]);
    });
  });
});
