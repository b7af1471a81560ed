/**
 * The bundler plugin in process (cli/bundler/, from source): what it rewrites under Rollup, that one
 * analysis Program serves a build and is updated incrementally, that rddopt's warnings go through the
 * bundler's warning channel without failing the build, include/exclude, and watch correctness: under
 * `rollup.watch` and a Vite dev server, an edit that changes the fields read is re-analysed, and so is an
 * edit in an imported module that changes the types the importer's plan rests on; webpack --watch and an
 * esbuild context's rebuild re-analyse an edit too.
 * Needs `npm run build` (the temp projects import rddopt's built types).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rollup, watch, type Plugin, type RollupLog } from "rollup";
import esbuild from "rollup-plugin-esbuild";
import { createServer } from "vite";
import * as ts from "typescript";
import rddoptRollup from "../../cli/bundler/rollup.js";
import rddoptVite from "../../cli/bundler/vite.js";
import rddoptEsbuild from "../../cli/bundler/esbuild.js";
import * as esbuildApi from "esbuild";
import webpack from "webpack";
import rddoptWebpack from "../../cli/bundler/webpack.js";
import { createRddoptPlugin, type RddoptBundlerOptions } from "../../cli/bundler/plugin.js";
import { AnalysisProgram } from "../../cli/bundler/program.js";
import { compileFilter } from "../../cli/bundler/filter.js";
import { DATA_TS, mainTs, repoRoot, tempProject, type TempProject } from "./project.js";

const projects: TempProject[] = [];
afterAll(() => projects.forEach((p) => p.remove()));
const project = (files?: Record<string, string>) => {
  const p = tempProject(files);
  projects.push(p);
  return p;
};

interface Built {
  code: string;
  warnings: string[];
}

async function buildWithRollup(p: TempProject, plugin: Plugin): Promise<Built> {
  const warnings: string[] = [];
  const bundle = await rollup({
    input: p.file("src/main.ts"),
    external: [/^rddopt/, /^node:/],
    plugins: [plugin, esbuild({ target: "es2022" })],
    onLog: (_level, log: RollupLog) => {
      if (log.plugin === "rddopt") warnings.push(log.message);
    },
  });
  const { output } = await bundle.generate({ format: "es", sourcemap: true });
  await bundle.close();
  return { code: output[0].code, warnings };
}

const cwd = process.cwd();
function inProject<T>(p: TempProject, run: () => Promise<T>): Promise<T> {
  // site ids and the default tsconfig lookup are relative to the working directory, as in a real build
  process.chdir(p.dir);
  return run().finally(() => process.chdir(cwd));
}

describe("rddopt/rollup", () => {
  it("prunes both join inputs and picks the strategy by size, leaving the rest of the text as written", async () => {
    const p = project();
    const { code, warnings } = await inProject(p, () => buildWithRollup(p, rddoptRollup() as Plugin));
    expect(warnings).toEqual([]);
    expect(code).toContain("left.projectValues([0]).join(right.projectValues({ name: true }), { strategy: \"auto\", site: \"src/main.ts:8:25\", inPlace: true, readOnly: true })");
  });

  it("builds one analysis Program for the whole build, and reuses parsed files when one file changes", async () => {
    const p = project();
    const plugin = createRddoptPlugin({});
    await inProject(p, () => buildWithRollup(p, plugin as unknown as Plugin));
    expect(plugin.programBuilds()).toBe(1);

    const analysis = new AnalysisProgram(ts, p.file("tsconfig.json"));
    const first = analysis.programFor(p.file("src/main.ts"), fs.readFileSync(p.file("src/main.ts"), "utf8"));
    expect(analysis.programFor(p.file("src/data.ts"), DATA_TS)).toBe(first);
    const second = analysis.programFor(p.file("src/main.ts"), mainTs("o[2]"));
    expect(second).not.toBe(first);
    expect(analysis.builds).toBe(2);
    expect(second.getSourceFile(p.file("src/data.ts"))).toBe(first.getSourceFile(p.file("src/data.ts")));
    expect(second.getSourceFile(p.file("src/main.ts"))!.text).toContain("o[2]");
  });

  it("reports rddopt's warnings through the bundler and never fails the build", async () => {
    const broken = mainTs("o[0]").replace("const ctx", "const wrong: number = \"text\";\nconst ctx");
    const p = project({ "src/data.ts": DATA_TS, "src/main.ts": broken });
    const { code, warnings } = await inProject(p, () => buildWithRollup(p, rddoptRollup() as Plugin));
    expect(code).not.toContain("projectValues");
    expect(warnings.join("\n")).toMatch(/type errors.*left it unoptimized/);
  });

  it("leaves a pipeline as written and warns after an internal error", async () => {
    const p = project();
    process.env.RDDOPT_FAULT_INJECTION = "join";
    try {
      const { code, warnings } = await inProject(p, () => buildWithRollup(p, rddoptRollup() as Plugin));
      expect(code).not.toContain("projectValues");
      expect(warnings.join("\n")).toContain("injected fault");
    } finally {
      delete process.env.RDDOPT_FAULT_INJECTION;
    }
  });

  it("follows include/exclude and the tsconfig option", async () => {
    const p = project();
    const build = (options: RddoptBundlerOptions) => inProject(p, () => buildWithRollup(p, rddoptRollup(options) as Plugin));
    expect((await build({ exclude: "src/main.ts" })).code).not.toContain("projectValues");
    expect((await build({ include: [/\/other\//] })).code).not.toContain("projectValues");
    expect((await build({ include: "src", tsconfig: "." })).code).toContain("projectValues");
    expect((await build({ prune: false })).code).not.toContain("projectValues");
    const missing = await build({ tsconfig: "nowhere/tsconfig.json" });
    expect(missing.code).not.toContain("projectValues");
    expect(missing.warnings.join("\n")).toContain("no tsconfig found");
  });

  it("rejects globs in include/exclude with the fix", () => {
    expect(() => compileFilter("src/**/*.ts", undefined, "/")).toThrow(/is a glob: pass a directory/);
    const filter = compileFilter(["/p/src"], /skip/, "/");
    expect([filter("/p/src/a.ts"), filter("/p/srcx/a.ts"), filter("/p/src/skip.ts")]).toEqual([true, false, false]);
  });
});

/** Resolves when `ready()` holds (checked every 50 ms), or fails after `ms`. */
async function until(ready: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("watch and dev server", () => {
  it("rollup --watch re-analyses an edit of the fields read, and an edit of an imported type", async () => {
    const p = project({ "src/data.ts": DATA_TS, "src/main.ts": mainTs("o[2]") });
    const out = p.file("out/main.mjs");
    const warnings: string[] = [];
    let builds = 0;
    let failure: unknown;
    const watcher = await inProject(p, async () =>
      watch({
        input: p.file("src/main.ts"),
        external: [/^rddopt/, /^node:/],
        // the build runs after inProject returns: name the tsconfig rather than rely on the working directory
        plugins: [rddoptRollup({ tsconfig: p.file("tsconfig.json") }) as Plugin, esbuild({ target: "es2022" })],
        output: { file: out, format: "es" },
        watch: { buildDelay: 20, exclude: [p.file("out/**")] },
        onLog: (_level, log) => {
          if (log.plugin === "rddopt") warnings.push(log.message);
        },
      }),
    );
    watcher.on("event", (event) => {
      if (event.code === "BUNDLE_END") void event.result.close();
      if (event.code === "END") builds++;
      if (event.code === "ERROR") failure = event.error;
    });
    try {
      await until(() => builds >= 1 || !!failure, 20_000, "the first build");
      expect(failure).toBeUndefined();
      expect(fs.readFileSync(out, "utf8")).toContain("left.projectValues([2])");

      p.write("src/main.ts", mainTs("o[1]"));
      await until(() => builds >= 2, 20_000, "the rebuild after editing main.ts");
      expect(fs.readFileSync(out, "utf8")).toContain("left.projectValues([1])");

      // the edit is in data.ts only: main.ts reads o[1] of a tuple that is now [string, number], whose
      // element 1 is still there; its plan changes because the dropped element 0 is now a function (not data)
      p.write("src/data.ts", DATA_TS.replace("[number, [number, string, number, string]]", "[number, [() => void, string]]").replace("[i, `sku-${i}`, i * 2, \"x\".repeat(20)]", "[() => undefined, `sku-${i}`]"));
      await until(() => builds >= 3, 20_000, "the rebuild after editing data.ts");
      expect(failure).toBeUndefined();
      expect(fs.readFileSync(out, "utf8")).not.toContain("left.projectValues");
      expect(fs.readFileSync(out, "utf8")).toContain("right.projectValues");
    } finally {
      await watcher.close();
    }
  });

  it("an esbuild context's rebuild re-analyses an edit of the fields read", async () => {
    const p = project({ "src/data.ts": DATA_TS, "src/main.ts": mainTs("o[2]") });
    const context = await esbuildApi.context({
      entryPoints: [p.file("src/main.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      write: false,
      external: ["rddopt"],
      logLevel: "silent",
      plugins: [rddoptEsbuild({ tsconfig: p.file("tsconfig.json") })],
    });
    try {
      const output = async () => (await context.rebuild()).outputFiles![0]!.text;
      expect(await output()).toContain("left.projectValues([2])");
      p.write("src/main.ts", mainTs("o[3]"));
      expect(await output()).toContain("left.projectValues([3])");
    } finally {
      await context.dispose();
    }
  });

  it("webpack --watch re-analyses an edit of the fields read", async () => {
    const p = project({ "src/data.ts": DATA_TS, "src/main.ts": mainTs("o[2]") });
    const compiler = webpack({
      mode: "development",
      devtool: false,
      target: "node",
      context: p.dir,
      entry: "./src/main.ts",
      experiments: { outputModule: true },
      externalsType: "module",
      externals: { rddopt: "rddopt" },
      output: { path: p.file("out"), filename: "main.mjs", module: true, chunkFormat: "module" },
      resolve: { extensions: [".ts", ".js"], extensionAlias: { ".js": [".ts", ".js"] } },
      module: { rules: [{ test: /\.ts$/, loader: path.join(repoRoot, "node_modules", "esbuild-loader", "dist", "index.cjs"), options: { target: "es2022" } }] },
      plugins: [rddoptWebpack({ tsconfig: p.file("tsconfig.json") })],
    });
    let builds = 0;
    let failure: string | undefined;
    const watching = compiler.watch({ aggregateTimeout: 20 }, (error, stats) => {
      if (error || stats?.hasErrors()) failure = String(error ?? stats?.toString("errors-only"));
      builds++;
    });
    try {
      const out = () => fs.readFileSync(p.file("out/main.mjs"), "utf8");
      await until(() => builds >= 1, 20_000, "the first webpack build");
      expect(failure).toBeUndefined();
      expect(out()).toContain("left.projectValues([2])");
      p.write("src/main.ts", mainTs("o[3]"));
      await until(() => builds >= 2, 20_000, "the webpack rebuild");
      expect(out()).toContain("left.projectValues([3])");
    } finally {
      await new Promise((resolve) => watching!.close(resolve)); // webpack returns a Watching when given a callback
    }
  });

  it("a Vite dev server re-analyses an edited module, and its importers when an imported type changes (no stale plan)", async () => {
    const p = project({ "src/data.ts": DATA_TS, "src/main.ts": mainTs("o[2]") });
    const server = await inProject(p, () =>
      createServer({
        root: p.dir,
        configFile: false,
        logLevel: "silent",
        appType: "custom",
        plugins: [rddoptVite()],
        server: { middlewareMode: true, hmr: false, ws: false },
        optimizeDeps: { noDiscovery: true, include: [] },
      }),
    );
    try {
      const transformed = async () => (await server.transformRequest("/src/main.ts", { ssr: true }))?.code ?? "";
      expect(await transformed()).toContain("projectValues([2])");
      p.write("src/main.ts", mainTs("o[3]"));
      await until(async () => (await transformed()).includes("projectValues([3])"), 10_000, "the dev server to re-transform main.ts");
      // an edit in data.ts alone: main.ts's plan rests on its types (element 3 is gone, main.ts no longer type-checks)
      p.write("src/data.ts", DATA_TS.replace("[number, [number, string, number, string]]", "[number, [number, string]]").replace(', i * 2, "x".repeat(20)]', "]"));
      await until(async () => !(await transformed()).includes("left.projectValues"), 10_000, "the dev server to re-transform main.ts after data.ts changed");
    } finally {
      await server.close();
    }
  });
});
