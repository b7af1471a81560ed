/**
 * The pool in a real process: a script that never calls ctx.stop() still exits; the CommonJS build ships
 * stages too; a runtime bundled into one file (no worker entry next to it) stays in process, with the reason.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { build } from "esbuild";
import { tempDir } from "../../helpers/context.js";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");
const dir = tempDir("rddopt-workers-proc-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The job each script runs: a shippable stage (range -> map -> reduceByKey map side) and a count. */
const JOB = `
  const ctx = new Context({ workers: 2, workerDispatch: "always", progress: false });
  const out = await ctx.range(0, 5000, 1, 4).map((i) => [i % 7, i]).reduceByKey((a, b) => a + b).collect();
  const sum = out.reduce((a, [, v]) => a + v, 0);
  console.log(JSON.stringify({ sum, keys: out.length, where: ctx.lastJob.placements.map((p) => p.where + ": " + p.reason) }));
`;

async function runScript(file: string, source: string): Promise<{ sum: number; keys: number; where: string[]; ms: number }> {
  fs.writeFileSync(file, source);
  const start = performance.now();
  const { stdout } = await run(process.execPath, [file], { timeout: 30_000, cwd: dir });
  return { ...(JSON.parse(stdout.trim().split("\n").pop()!) as { sum: number; keys: number; where: string[] }), ms: performance.now() - start };
}

describe("the pool in a real process", () => {
  it("does not keep the process alive: a script that never calls stop() exits", async () => {
    const esm = pathToUrl(path.join(root, "dist/runtime/index.js"));
    const out = await runScript(path.join(dir, "no-stop.mjs"), `import { Context } from ${JSON.stringify(esm)};\n${JOB}`);
    expect(out).toMatchObject({ sum: (4999 * 5000) / 2, keys: 7 });
    expect(out.where[0]).toMatch(/^workers:/);
    expect(out.ms).toBeLessThan(20_000); // it exited on its own (the timeout would have killed it)
  });

  it("works from the CommonJS build", async () => {
    const cjs = path.join(root, "dist/cjs/runtime/index.js");
    const out = await runScript(path.join(dir, "cjs.cjs"), `const { Context } = require(${JSON.stringify(cjs)});\n(async () => {${JOB}})();`);
    expect(out).toMatchObject({ sum: (4999 * 5000) / 2, keys: 7 });
    expect(out.where[0]).toMatch(/^workers:/);
  });

  it("the CommonJS build imports a shipped function's ES module by file: URL in the worker", async () => {
    const helper = path.join(dir, "triple.mjs");
    fs.writeFileSync(helper, "export const triple = (x) => x * 3;\n");
    const cjs = path.join(root, "dist/cjs/runtime/index.js");
    const script = `const { Context, withClosure } = require(${JSON.stringify(cjs)});
const { pathToFileURL } = require("node:url");
(async () => {
  const { triple } = await import(pathToFileURL(${JSON.stringify(helper)}).href);
  const f = withClosure((x) => triple(x), { v: 1, imports: { triple: { from: pathToFileURL(${JSON.stringify(helper)}).href, name: "triple" } } });
  const ctx = new Context({ workers: 2, workerDispatch: "always", progress: false });
  const sum = await ctx.range(0, 1000, 1, 4).map(f).reduce((a, b) => a + b);
  const p = ctx.lastJob.placements[0];
  console.log(JSON.stringify({ sum, keys: 0, where: [p.where + (p.retriedInProcess ? " retried" : "")] }));
})();`;
    const out = await runScript(path.join(dir, "cjs-import.cjs"), script);
    expect(out.sum).toBe(3 * ((999 * 1000) / 2));
    expect(out.where).toEqual(["workers"]);
  });

  it("a bundled runtime has no worker entry: every stage runs in process, with the reason", async () => {
    const entry = path.join(dir, "app.mjs");
    fs.writeFileSync(entry, `import { Context } from ${JSON.stringify(path.join(root, "runtime/index.ts"))};\n(async () => {${JOB}})();`);
    const bundle = path.join(dir, "bundle", "app.cjs");
    await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", outfile: bundle, logLevel: "silent", nodePaths: [path.join(root, "node_modules")] });
    const { stdout } = await run(process.execPath, [bundle], { timeout: 30_000, cwd: root });
    const out = JSON.parse(stdout.trim()) as { sum: number; where: string[] };
    expect(out.sum).toBe((4999 * 5000) / 2);
    expect(out.where[0]).toMatch(/^in-process: .*rddopt-worker\.js does not exist \(is the runtime bundled into one file\?\)/);
  });
});

function pathToUrl(p: string): string {
  return new URL(`file://${p}`).href;
}
