/**
 * The entry points that need no ts-patch, from the packed tarball in a fresh TypeScript 7 project (npm's
 * default compiler, which has no API: rddopt analyses with its bundled TypeScript 6):
 *
 * - `node --import rddopt/register src/app.ts` for an ES module project with top-level await, for a
 *   CommonJS project (importing a sibling `./helper.js` that is `helper.ts`), and for a project with a
 *   type error (it runs unoptimized, with rddopt's warning);
 * - `rddopt rewrite --out DIR`, whose output TypeScript 7's tsc builds;
 * - `rddopt report`, which says it uses its bundled TypeScript 6.
 *
 * Every run's result is compared with the unoptimized build (TypeScript 7's tsc of the original sources).
 * One more case runs the loader from this checkout in a TypeScript 6 project (the project's own compiler).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobMetrics } from "rddopt";
import { installTarball, packTarball, packageRoot } from "../helpers/pack.js";

const execFileAsync = promisify(execFile);
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name), "utf8");

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function node(args: string[], cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, args, { cwd, maxBuffer: 32 * 2 ** 20, timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } });
    return { code: 0, stdout: String(stdout), stderr: String(stderr) };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: `${e.stderr ?? ""}${e.message ?? ""}` };
  }
}

const marked = (stdout: string, marker: string) => stdout.split("\n").find((l) => l.startsWith(`${marker} `))?.slice(marker.length + 1);

function parseRun(out: Outcome): { result?: string; metrics: JobMetrics } {
  expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
  const metrics = marked(out.stdout, "METRICS");
  expect(metrics, `no METRICS line in:\n${out.stdout}\n${out.stderr}`).toBeDefined();
  return { result: marked(out.stdout, "RESULT"), metrics: JSON.parse(metrics!) as JobMetrics };
}

const compilerOptions = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2022"],
  types: ["node"],
  strict: true,
  skipLibCheck: true,
};

function write(dir: string, file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

/** The CommonJS program: the fixture, plus a sibling module imported as `./helper.js`. */
const cjsApp = () =>
  fixture("app-cjs.ts").replace('import { Context } from "rddopt";', 'import { Context } from "rddopt";\nimport { twice } from "./helper.js";\nconsole.log(`HELPER ${twice(21)}`);');

let dir = "";
let scratch = "";
const tsc = () => path.join(dir, "node_modules", "typescript", "bin", "tsc");
const rddoptBin = () => path.join(dir, "node_modules", "rddopt", "dist", "cli", "index.js");

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-register-"));
  const { tarball } = await packTarball(scratch);
  dir = await installTarball(tarball, { extra: ["typescript@7.0.2", "@types/node@20"], dir: fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-ts7-")) });
  write(dir, "tsconfig.json", JSON.stringify({ compilerOptions: { ...compilerOptions, rootDir: "src", outDir: "out" }, include: ["src"] }, null, 2));
  write(dir, "src/app.ts", fixture("app.ts"));
  write(dir, "cjs/package.json", JSON.stringify({ type: "commonjs" }));
  write(dir, "cjs/tsconfig.json", JSON.stringify({ compilerOptions: { ...compilerOptions, outDir: "out" }, include: ["*.ts"] }, null, 2));
  write(dir, "cjs/app.ts", cjsApp());
  // rddopt build's own output directory: it runs beside the plain tsc build of cjs/
  write(dir, "cjs/tsconfig.rddopt.json", JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { outDir: "out-rddopt" } }, null, 2));
  write(dir, "cjs/helper.ts", "export function twice(x: number): number {\n  return 2 * x;\n}\n");
  write(dir, "broken/tsconfig.json", JSON.stringify({ compilerOptions, include: ["*.ts"] }, null, 2));
  write(dir, "broken/app.ts", fixture("app.ts") + 'const typo: number = "not a number";\n');
}, 120_000);

afterAll(() => {
  for (const d of [dir, scratch]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe("rddopt from its tarball in a TypeScript 7 project", () => {
  // The runs are independent processes: start them together (the tests await their own), two at a time.
  const runs = new Map<string, Promise<Outcome>>();
  let plain: { result?: string; metrics: JobMetrics };
  let plainCjs: { result?: string; metrics: JobMetrics };
  beforeAll(async () => {
    const version = await node([tsc(), "--version"], dir);
    expect(version.stdout).toMatch(/Version 7\./);
    const queue = limit(2);
    runs.set("esm", queue(() => node(["--import", "rddopt/register", "src/app.ts"], dir)));
    runs.set("cjs", queue(() => node(["--import", "rddopt/register", "app.ts"], path.join(dir, "cjs"))));
    runs.set("broken", queue(() => node(["--import", "rddopt/register", "broken/app.ts"], dir)));
    runs.set("rewrite", queue(() => node([rddoptBin(), "rewrite", "--out", ".rddopt"], dir)));
    runs.set("report", queue(() => node([rddoptBin(), "report", "--json"], dir)));
    runs.set("build", queue(() => node([rddoptBin(), "build", "-p", "cjs/tsconfig.rddopt.json"], dir)));
    const built = await node([tsc(), "-p", "."], dir);
    expect(built.stdout + built.stderr).toBe("");
    const builtCjs = await node([tsc(), "-p", "cjs"], dir);
    expect(builtCjs.stdout + builtCjs.stderr).toBe("");
    plain = parseRun(await node(["out/app.js"], dir));
    plainCjs = parseRun(await node(["cjs/out/app.js"], dir));
    expect(plain.result).toBe("ok 30000");
    expect(plain.metrics.joins[0]?.site).toBeUndefined();
  }, 60_000);

  it("node --import rddopt/register runs an ES module project with top-level await, optimized", async () => {
    const run = parseRun(await runs.get("esm")!);
    expect(run.result).toBe(plain.result);
    expect(run.metrics.joins[0]?.site).toBe("src/app.ts:17:4");
    expect(run.metrics.shuffleBytesWritten + run.metrics.broadcastBytes).toBeLessThan(plain.metrics.shuffleBytesWritten);
  });

  it("node --import rddopt/register runs a CommonJS project, require()s of ./helper.js find helper.ts", async () => {
    const out = await runs.get("cjs")!;
    const run = parseRun(out);
    expect(out.stdout).toContain("HELPER 42");
    expect(run.result).toBe(plainCjs.result);
    expect(run.result).toBe("ok 30000");
    expect(run.metrics.joins[0]?.site).toBe("app.ts:25:6");
  });

  it("a project with a type error runs unoptimized, and says so", async () => {
    const out = await runs.get("broken")!;
    const run = parseRun(out);
    expect(run.result).toBe("ok 30000");
    expect(run.metrics.joins[0]?.site).toBeUndefined();
    expect(out.stderr).toContain("error TS2322");
    expect(out.stderr).toMatch(/rddopt\/register: warning: 1 type error in broken\/tsconfig\.json: running the program UNOPTIMIZED/);
  });

  it("rddopt rewrite writes sources TypeScript 7's tsc builds; the build computes the same, optimized", async () => {
    const rewrite = await runs.get("rewrite")!;
    expect(rewrite.code, rewrite.stdout + rewrite.stderr).toBe(0);
    expect(rewrite.stderr).toContain("TypeScript 7.0.2 (the native compiler) has no compiler API: rddopt analyses with its bundled TypeScript 6");
    expect(fs.existsSync(path.join(dir, ".rddopt", "src", "app.ts.map"))).toBe(true);
    const built = await node([tsc(), "-p", ".rddopt"], dir);
    expect(built.stdout + built.stderr).toBe("");
    const run = parseRun(await node([".rddopt/out/app.js"], dir));
    expect(run.result).toBe(plain.result);
    expect(run.metrics.joins[0]?.site).toBe("src/app.ts:17:4");
  });

  it("rddopt build compiles the project with the bundled TypeScript 6 and the plugin, and says so", async () => {
    const build = await runs.get("build")!;
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stderr).toContain("TypeScript 7.0.2 (the native compiler) has no compiler API: rddopt analyses with its bundled TypeScript 6");
    const run = parseRun(await node(["cjs/out-rddopt/app.js"], dir));
    expect(run.result).toBe(plainCjs.result);
    expect(run.metrics.joins[0]?.site).toBe("cjs/app.ts:25:6"); // relative to where it ran, as under tspc
  });

  it("rddopt report works, with the bundled TypeScript 6, and shows the user's own line numbers", async () => {
    const out = await runs.get("report")!;
    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout) as { typescript: string; files: { diff: string }[] };
    expect(report.typescript).toMatch(/^6\.0\.\d+ .*typescript6/);
    expect(report.files[0]!.diff).toContain("@@ -13,9 +13,9 @@");
    expect(report.files[0]!.diff).toContain("-  .join(ctx.parallelize(right))");
  });
});

/** Runs at most `n` of the started tasks at a time. */
function limit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

describe("rddopt/register from this checkout, in a project with its own TypeScript 6", () => {
  it("uses the project's compiler and runs the program optimized", async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-ts6-"));
    try {
      write(project, "package.json", JSON.stringify({ name: "ts6-project", private: true, type: "module" }));
      write(project, "tsconfig.json", JSON.stringify({ compilerOptions: { ...compilerOptions, rootDir: "src" }, include: ["src"] }, null, 2));
      write(project, "src/app.ts", fixture("app.ts"));
      fs.mkdirSync(path.join(project, "node_modules", "@types"), { recursive: true });
      fs.symlinkSync(packageRoot, path.join(project, "node_modules", "rddopt"), "junction");
      fs.symlinkSync(path.join(packageRoot, "node_modules", "typescript"), path.join(project, "node_modules", "typescript"), "junction");
      fs.symlinkSync(path.join(packageRoot, "node_modules", "@types", "node"), path.join(project, "node_modules", "@types", "node"), "junction");
      const out = await node(["--import", "rddopt/register", "src/app.ts"], project);
      const run = parseRun(out);
      expect(run.result).toBe("ok 30000");
      expect(run.metrics.joins[0]?.site).toBe("src/app.ts:17:4");
      expect(out.stderr).toBe("");
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});
