/**
 * rddopt installed from its packed tarball into a fresh project, used the ways the README documents:
 * `tspc -p`, `tspc --watch`, `ts-node --compiler ts-patch/compiler` (type-checked and transpileOnly),
 * `rddopt build` (once and `--watch`) and `ts-patch install` + plain `tsc`. Each run of the user's program
 * checks its result against a plain-array computation. One install per file (beforeAll).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobMetrics } from "rddopt";
import { BINS, markedLine, packedProject, type Outcome, type PackedProject } from "./pack-project.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name), "utf8");

const compilerOptions = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2022"],
  types: ["node"],
  strict: true,
  skipLibCheck: true,
  plugins: [{ transform: "rddopt/transformer", prune: true, broadcast: true }],
};

let project: PackedProject;
let transformerLanded = false;

beforeAll(async () => {
  project = await packedProject({ type: "module" });
  project.write("tsconfig.json", JSON.stringify({ compilerOptions: { ...compilerOptions, rootDir: "src", outDir: "out" }, include: ["src"] }, null, 2));
  project.write("src/app.ts", fixture("app.ts"));
  project.write("cjs/package.json", JSON.stringify({ type: "commonjs" }));
  project.write("cjs/tsconfig.json", JSON.stringify({ compilerOptions: { ...compilerOptions, rootDir: ".", outDir: "out" }, include: ["*.ts"] }, null, 2));
  project.write("cjs/app.ts", fixture("app-cjs.ts"));
  const transformer = (await import(path.join(project.dir, "node_modules", "rddopt", "dist", "transformer", "index.js"))) as Record<string, unknown>;
  transformerLanded = typeof transformer.analyzeProgram === "function";
}, 120_000);

afterAll(() => project?.remove());

interface RunResult {
  result: string | undefined;
  metrics: JobMetrics;
}

function parseRun(out: Outcome): RunResult {
  expect(out.stderr.replace(/\(node:\d+\) ExperimentalWarning.*\n|\(Use `node --trace-warnings.*\n/g, "")).not.toMatch(/Error/);
  const metrics = markedLine(out.stdout, "METRICS");
  expect(metrics, `no METRICS line in:\n${out.stdout}\n${out.stderr}`).toBeDefined();
  return { result: markedLine(out.stdout, "RESULT"), metrics: JSON.parse(metrics!) as JobMetrics };
}

async function runBuilt(file: string): Promise<RunResult> {
  return parseRun(await project.node([file]));
}

/** With the transformer, the join the user wrote without a strategy carries a site id. */
function expectOptimized(metrics: JobMetrics, file: string): void {
  if (!transformerLanded) return;
  expect(metrics.joins[0]?.site).toMatch(new RegExp(`${file.replace(".", "\\.")}:\\d+:\\d+$`));
}

/**
 * Starts a watching compiler (`args` for node), waits for its first build, then edits src/app.ts so that other
 * fields are read: a pruning plan cached from the first compile would drop them and break the result.
 */
async function expectWatchRebuilds(name: string, args: string[]): Promise<void> {
  project.write("src/app.ts", fixture("app.ts"));
  const watcher = spawn(process.execPath, args, { cwd: project.dir });
  let output = "";
  watcher.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  watcher.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const compiles = () => output.split("Watching for file changes").length - 1;
  const waitForCompiles = async (n: number) => {
    const deadline = Date.now() + 60_000;
    while (compiles() < n) {
      if (Date.now() > deadline || watcher.exitCode !== null) throw new Error(`${name} did not finish compile ${n}:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await waitForCompiles(1);
    expect(output).toContain("Found 0 errors");
    expect((await runBuilt("out/app.js")).result).toBe("ok 30000");
    // Now the left's fifth and the right's fourth element are read instead of [0] and [2].
    const before = fs.statSync(path.join(project.dir, "out", "app.js")).mtimeMs;
    project.write("src/app.ts", fixture("app.ts").replaceAll("l[0] + r[2]", "l[4] * 2 + r[3].length"));
    await waitForCompiles(2);
    expect(fs.statSync(path.join(project.dir, "out", "app.js")).mtimeMs).toBeGreaterThan(before);
    expect(output.match(/Found 0 errors/g)).toHaveLength(2);
    const rebuilt = await runBuilt("out/app.js");
    expect(rebuilt.result).toBe("ok 30000");
    expectOptimized(rebuilt.metrics, "app.ts");
  } finally {
    watcher.kill("SIGTERM");
    await new Promise((r) => (watcher.exitCode !== null ? r(null) : watcher.once("exit", r)));
    project.write("src/app.ts", fixture("app.ts"));
  }
}

describe("rddopt installed from its tarball", () => {
  it("tspc -p builds with the plugin; results equal the plain tsc build's, with fewer shuffled bytes", async () => {
    const plain = await project.bin(BINS.tsc, ["-p", ".", "--outDir", "out-plain"]);
    expect(plain.stdout + plain.stderr).toBe("");
    const optimized = await project.bin(BINS.tspc, ["-p", "."]);
    expect(optimized.code, optimized.stdout + optimized.stderr).toBe(0);

    const before = await runBuilt("out-plain/app.js");
    const after = await runBuilt("out/app.js");
    expect(before.result).toBe("ok 30000");
    expect(after.result).toBe("ok 30000");
    expect(before.metrics.joins[0]?.site).toBeUndefined();
    expectOptimized(after.metrics, "app.ts");
    if (transformerLanded) expect(after.metrics.shuffleBytesWritten).toBeLessThan(before.metrics.shuffleBytesWritten);
  });

  it("tspc --watch rebuilds correctly after an edit changes which fields are used", async () => {
    await expectWatchRebuilds("tspc --watch", [path.join(project.dir, "node_modules", BINS.tspc), "--watch", "--preserveWatchOutput", "-p", "."]);
  });

  it("ts-node --compiler ts-patch/compiler runs the program with the transformer", async () => {
    const out = await project.bin(path.join("..", "node_modules", BINS.tsNode), ["--compiler", "ts-patch/compiler", "app.ts"], { cwd: path.join(project.dir, "cjs") });
    expect(out.code, out.stderr).toBe(0);
    const run = parseRun(out);
    expect(run.result).toBe("ok 30000");
    expectOptimized(run.metrics, "app.ts");
  });

  it("ts-node --transpileOnly still runs correctly and warns that nothing was optimized", async () => {
    const out = await project.bin(path.join("..", "node_modules", BINS.tsNode), ["--compiler", "ts-patch/compiler", "--transpileOnly", "app.ts"], {
      cwd: path.join(project.dir, "cjs"),
    });
    expect(out.code, out.stderr).toBe(0);
    expect(markedLine(out.stdout, "RESULT")).toBe("ok 30000");
    if (transformerLanded) expect(out.stderr + out.stdout).toMatch(/rddopt.*(transpileOnly|transpile-only|type information|no types)/i);
  });

  it("rddopt build -p builds with the plugin as tspc does", async () => {
    fs.rmSync(path.join(project.dir, "out"), { recursive: true, force: true });
    const built = await project.bin(BINS.rddopt, ["build", "-p", "."]);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(built.stdout + built.stderr).toBe("");
    const run = await runBuilt("out/app.js");
    expect(run.result).toBe("ok 30000");
    expectOptimized(run.metrics, "app.ts");
    // --no-broadcast overrides the tsconfig's plugin entry: the join keeps no site id
    const plain = await project.bin(BINS.rddopt, ["build", "-p", ".", "--no-broadcast", "--no-prune"]);
    expect(plain.code, plain.stdout + plain.stderr).toBe(0);
    const unoptimized = await runBuilt("out/app.js");
    expect(unoptimized.result).toBe("ok 30000");
    expect(unoptimized.metrics.joins[0]?.site).toBeUndefined();
    if (transformerLanded) expect(run.metrics.shuffleBytesWritten).toBeLessThan(unoptimized.metrics.shuffleBytesWritten);
  });

  it("rddopt build reports type errors as tsc does, with tsc's exit status", async () => {
    project.write("bad/tsconfig.json", JSON.stringify({ compilerOptions: { ...compilerOptions, rootDir: ".", outDir: "out" }, include: ["*.ts"] }, null, 2));
    project.write("bad/bad.ts", 'export const n: number = "not a number";\n');
    const built = await project.bin(BINS.rddopt, ["build", "-p", "bad"]);
    expect(built.code).toBe(2); // errors, output written (no noEmitOnError)
    expect(built.stdout).toMatch(/bad\.ts\(1,14\): error TS2322/);
    expect(built.stdout).toContain("Found 1 error.");
    const missing = await project.bin(BINS.rddopt, ["build", "-p", "nowhere"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no tsconfig found/);
  });

  it("rddopt build --watch rebuilds correctly after an edit changes which fields are used", async () => {
    await expectWatchRebuilds("rddopt build --watch", [path.join(project.dir, "node_modules", BINS.rddopt), "build", "--watch", "-p", "."]);
  });

  // Last: it patches the project's typescript in place.
  it("ts-patch install, then plain tsc applies the plugin", async () => {
    const install = await project.bin(BINS.tsPatch, ["install", "-s"]);
    expect(install.code, install.stdout + install.stderr).toBe(0);
    const check = await project.bin(BINS.tsPatch, ["check"]);
    expect(check.stdout + check.stderr).toMatch(/tsc\.js.*patched|PATCHED/i);
    fs.rmSync(path.join(project.dir, "out"), { recursive: true, force: true });
    const build = await project.bin(BINS.tsc, ["-p", "."]);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const run = await runBuilt("out/app.js");
    expect(run.result).toBe("ok 30000");
    expectOptimized(run.metrics, "app.ts");
  });
});
