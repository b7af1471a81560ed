/**
 * `rddopt rewrite` end to end with the built bin (dist/cli/index.js): usage errors exit 2; on a fixture
 * project (test/cli/rewrite-fixture, copied to a temp directory with rddopt and @types/node linked in as
 * packages) it writes the rewritten sources with maps and copies the rest; the output type-checks with
 * TypeScript 6 and compiles with TypeScript 7's tsc (the devDependency alias `typescript7`); the program
 * built from it computes what the original computes, with fewer shuffled bytes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markedLine as line } from "../e2e/pack-project.js";
import { bin, linkedProject, root, runNode, type Outcome } from "./cli-run.js";

const fixture = path.join(root, "test", "cli", "rewrite-fixture");
const tsc6 = path.join(root, "node_modules", "typescript", "bin", "tsc");
const tsc7 = path.join(root, "node_modules", "typescript7", "bin", "tsc");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-rewrite-"));
const project = path.join(scratch, "project");
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const node = (args: string[], cwd = scratch) => runNode(args, cwd);
const rddopt = (args: string[], cwd = scratch) => node([bin, ...args], cwd);

beforeAll(() => linkedProject(fixture, project));

describe("rddopt rewrite: usage", () => {
  it("is listed in the help, with its flags", async () => {
    const top = await rddopt(["--help"]);
    expect(top.stdout).toContain("rewrite [options]");
    const help = await rddopt(["rewrite", "--help"]);
    expect(help.code).toBe(0);
    for (const flag of ["--out", "--project", "--no-prune", "--no-broadcast", "--typescript"]) expect(help.stdout).toContain(flag);
  });

  it("exits 2 on usage errors: no --out, an unknown flag, no tsconfig, --out holding the project, a foreign non-empty --out", async () => {
    expect((await rddopt(["rewrite", "-p", "project"])).code).toBe(2);
    expect((await rddopt(["rewrite", "-p", "project", "--out", "o", "--bogus"])).code).toBe(2);
    const missing = await rddopt(["rewrite", "-p", "nope", "--out", "o"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no tsconfig found");
    const itself = await rddopt(["rewrite", "-p", "project", "--out", "."]);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toContain("holds the project itself");
    fs.mkdirSync(path.join(scratch, "foreign"), { recursive: true });
    fs.writeFileSync(path.join(scratch, "foreign", "keep.txt"), "mine\n");
    const foreign = await rddopt(["rewrite", "-p", "project", "--out", "foreign"]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("not empty");
    expect(fs.readFileSync(path.join(scratch, "foreign", "keep.txt"), "utf8")).toBe("mine\n");
  });
});

describe("rddopt rewrite: a project", () => {
  const out = path.join(scratch, "out");
  let rewrite: Outcome;
  beforeAll(async () => {
    // an earlier rewrite's output (its marker file) is replaced as a whole
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, ".rddopt-rewrite"), "");
    fs.writeFileSync(path.join(out, "stale.txt"), "from before\n");
    rewrite = await rddopt(["rewrite", "-p", "project", "--out", "out"]);
  }, 60_000);

  it("writes the rewritten sources with maps, copies everything else, links node_modules", () => {
    expect(rewrite.code, rewrite.stderr).toBe(0);
    expect(rewrite.stdout).toContain("rddopt: wrote out: 2 of 3 files rewritten");
    // the type erasure each file needed: main.ts its edited sites and renumbered patterns, tags.ts all of it
    expect(rewrite.stdout).toMatch(/project\/src\/main\.ts\s+4 optimizations applied; renumbered destructuring patterns typed any \(4 functions annotated for workers\)\n/);
    expect(rewrite.stdout).toMatch(/project\/src\/tags\.ts\s+6 optimizations applied; types not checked \(\/\/ @ts-nocheck\): 19:\d+ TS7006/);
    const tags = fs.readFileSync(path.join(out, "src", "tags.ts"), "utf8");
    expect(tags.startsWith("// @ts-nocheck")).toBe(true);
    // an object projection keeps the value's type (only unread properties go): no type arguments
    expect(tags).toContain("posts.projectValues({ tags: true })");
    const main = fs.readFileSync(path.join(out, "src", "main.ts"), "utf8");
    const original = fs.readFileSync(path.join(project, "src", "main.ts"), "utf8");
    // the user's own lines: everything outside the edited spans is as written
    expect(main.split("\n").length).toBe(original.split("\n").length);
    expect(main).toContain("const byCity = await orders.projectValues([0])\n  .join(users.projectValues<number, any, any>([1, 3]), {");
    expect(main).toContain("[k, ([qty, amount] as any)]");
    expect(fs.readFileSync(path.join(out, "src", "helper.ts"), "utf8")).toBe(fs.readFileSync(path.join(project, "src", "helper.ts"), "utf8"));
    for (const copied of ["tsconfig.json", "package.json", "data.json"]) expect(fs.existsSync(path.join(out, copied))).toBe(true);
    expect(fs.existsSync(path.join(out, "src", "helper.ts.map"))).toBe(false);
    expect(fs.lstatSync(path.join(out, "node_modules")).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(out, "stale.txt"))).toBe(false);

    const map = JSON.parse(fs.readFileSync(path.join(out, "src", "main.ts.map"), "utf8")) as { version: number; sources: string[]; sourcesContent: string[]; file: string; mappings: string };
    expect(map.version).toBe(3);
    expect(map.file).toBe("main.ts");
    expect(path.resolve(out, "src", map.sources[0]!)).toBe(path.join(project, "src", "main.ts"));
    expect(map.sourcesContent[0]).toBe(original);
    expect(map.mappings.length).toBeGreaterThan(0);
  });

  it("the output type-checks with TypeScript 6 (types erased to any at the rewritten sites)", async () => {
    const check = await node([tsc6, "-p", path.join(out, "tsconfig.json"), "--noEmit"]);
    expect(check.stdout + check.stderr).toBe("");
  });

  it.skipIf(!fs.existsSync(tsc7))("TypeScript 7's tsc builds the output; it computes what the original computes, shuffling less", async () => {
    const version = await node([tsc7, "--version"]);
    expect(version.stdout).toMatch(/Version 7\./);
    const built = await node([tsc7, "-p", path.join(out, "tsconfig.json")]);
    expect(built.stdout + built.stderr).toBe("");
    const plain = await node([tsc7, "-p", path.join(project, "tsconfig.json")]);
    expect(plain.stdout + plain.stderr).toBe("");
    const optimized = await node([path.join(out, "build", "main.js")]);
    const reference = await node([path.join(project, "build", "main.js")]);
    expect(optimized.code, optimized.stderr).toBe(0);
    expect(line(optimized.stdout, "RESULT")).toBeDefined();
    expect(line(optimized.stdout, "RESULT")).toBe(line(reference.stdout, "RESULT"));
    const after = JSON.parse(line(optimized.stdout, "METRICS")!) as { shuffleBytesWritten: number; joins: { site?: string }[] };
    const before = JSON.parse(line(reference.stdout, "METRICS")!) as { shuffleBytesWritten: number; joins: { site?: string }[] };
    expect(after.joins[0]?.site).toMatch(/main\.ts:\d+:\d+$/);
    expect(before.joins[0]?.site).toBeUndefined();
    expect(after.shuffleBytesWritten).toBeLessThan(before.shuffleBytesWritten);
  });
});
