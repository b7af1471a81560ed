/**
 * `rddopt build` with the built bin (dist/cli/index.js) on the rewrite fixture project (copied to a temp
 * directory, rddopt and @types/node linked in): the program it builds computes what the plain tsc build
 * computes, with fewer shuffled bytes; `incremental` writes and reads a .tsbuildinfo as tsc does;
 * `noEmitOnError` gives exit status 1 and writes nothing. The packed-tarball runs (watch, TypeScript 7) are
 * in test/e2e.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markedLine as marked } from "../e2e/pack-project.js";
import { bin, linkedProject, root, runNode, type Outcome } from "./cli-run.js";

const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-build-"));
const project = path.join(scratch, "project");
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const node = (args: string[]) => runNode(args, project);

function config(name: string, extra: Record<string, unknown>): string {
  fs.writeFileSync(path.join(project, name), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: extra }, null, 2));
  return name;
}

beforeAll(() => linkedProject(path.join(root, "test", "cli", "rewrite-fixture"), project));

describe("rddopt build", () => {
  it("builds the project with the plugin: the same result as tsc's build, fewer shuffled bytes", async () => {
    const plain = await node([tsc, "-p", config("tsconfig.plain.json", { outDir: "plain" })]);
    expect(plain.code, plain.stdout + plain.stderr).toBe(0);
    const built = await node([bin, "build"]);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(built.stdout + built.stderr).toBe("");
    const before = await node(["plain/main.js"]);
    const after = await node(["build/main.js"]);
    expect(marked(after.stdout, "RESULT")).toBeDefined();
    expect(marked(after.stdout, "RESULT")).toBe(marked(before.stdout, "RESULT"));
    const bytes = (o: Outcome) => (JSON.parse(marked(o.stdout, "METRICS")!) as { shuffleBytesWritten: number }).shuffleBytesWritten;
    expect(bytes(after)).toBeLessThan(bytes(before));
  });

  it("keeps TypeScript's code cache (RDDOPT_CACHE_DIR): a build from the cache writes the same files", async () => {
    const cacheDir = path.join(scratch, "code-cache");
    const name = config("tsconfig.cached.json", { outDir: "cached" });
    const env = { RDDOPT_CACHE_DIR: cacheDir };
    const first = await runNode([bin, "build", "-p", name], project, env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(fs.readdirSync(cacheDir).filter((f) => /^v8-typescript-.*\.bin$/.test(f))).toHaveLength(1);
    const main = path.join(project, "cached", "main.js");
    const written = fs.readFileSync(main, "utf8");
    fs.rmSync(path.join(project, "cached"), { recursive: true });
    const second = await runNode([bin, "build", "-p", name], project, env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(fs.readFileSync(main, "utf8")).toBe(written);
    expect(written).toContain("projectValues");
  });

  it("incremental: writes a .tsbuildinfo, and a second build with nothing changed writes no output", async () => {
    const name = config("tsconfig.incremental.json", { incremental: true, outDir: "inc", tsBuildInfoFile: "inc/.tsbuildinfo" });
    expect((await node([bin, "build", "-p", name])).code).toBe(0);
    expect(fs.existsSync(path.join(project, "inc", ".tsbuildinfo"))).toBe(true);
    const main = path.join(project, "inc", "main.js");
    expect(fs.readFileSync(main, "utf8")).toContain("projectValues");
    fs.utimesSync(main, new Date(0), new Date(0));
    expect((await node([bin, "build", "-p", name])).code).toBe(0);
    expect(fs.statSync(main).mtimeMs).toBe(0);
  });

  it("noEmitOnError with a type error: exit status 1, the error printed, nothing written", async () => {
    fs.writeFileSync(path.join(project, "src", "broken.ts"), 'export const n: number = "no";\n');
    try {
      const name = config("tsconfig.strict-emit.json", { noEmitOnError: true, outDir: "strict-emit" });
      const built = await node([bin, "build", "-p", name]);
      expect(built.code).toBe(1);
      expect(built.stdout).toMatch(/src\/broken\.ts\(1,14\): error TS2322/);
      expect(fs.existsSync(path.join(project, "strict-emit"))).toBe(false);
    } finally {
      fs.rmSync(path.join(project, "src", "broken.ts"));
    }
  });
});
