/**
 * The bundler plugins from the packed tarball, in a fresh project (rddopt installed from the tarball; the
 * bundlers themselves linked from this checkout's node_modules, so no network install): one sample built
 * with Vite (SSR build for node), esbuild, Rollup (+ rollup-plugin-esbuild) and webpack (+ esbuild-loader),
 * each with `rddopt/<bundler>` and without it. Every output runs with node; its rows must equal the
 * unoptimized build's as a multiset, and it must shuffle fewer bytes (JobMetrics). Then `rollup --watch`
 * with the plugin: an edit that changes the fields read is re-analysed.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobMetrics } from "rddopt";
import { installTarball, packTarball, packageRoot } from "../helpers/pack.js";

const execFileAsync = promisify(execFile);
const BUNDLERS = ["vite", "esbuild", "rollup", "webpack"] as const;
type Bundler = (typeof BUNDLERS)[number];
/** Packages the build scripts import, linked from this checkout (rddopt itself comes from the tarball). */
const LINKED = ["vite", "esbuild", "rollup", "rollup-plugin-esbuild", "webpack", "esbuild-loader", "@types/node"];

const TSCONFIG = {
  compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022"], types: ["node"], strict: true, skipLibCheck: true, noEmit: true },
  include: ["src"],
};

const DATA_TS = `export type Order = [number, [number, string, number, string]];
export function orders(n: number): Order[] {
  return Array.from({ length: n }, (_, i): Order => [i % 500, [i, \`sku-\${i % 97}\`, (i * 7) % 13, "note-".repeat(4) + i]]);
}
export type Customer = [number, { name: string; region: string; notes: string }];
export function customers(n: number): Customer[] {
  return Array.from({ length: n }, (_, i): Customer => [i, { name: \`c\${i}\`, region: i % 2 ? "eu" : "us", notes: "n".repeat(40) }]);
}
`;

/** A join whose right side is small (a broadcast), and a groupByKey whose values are read at one element. */
function mainTs(read: string): string {
  return `import { Context } from "rddopt";
import { customers, orders } from "./data.js";

const ctx = new Context({ defaultParallelism: 2, progress: false });
const left = ctx.parallelize(orders(4000));
const right = ctx.parallelize(customers(500));
const joined = await left.join(right).mapValues(([o, c]) => \`\${${read}}:\${c.name}\`).collect();
const grouped = await left.groupByKey().mapValues((vs) => vs.map((v) => v[2]).reduce((a, b) => a + b, 0)).collect();
console.log("RESULT " + JSON.stringify([...joined, ...grouped].map((r) => JSON.stringify(r)).sort()));
console.log("METRICS " + JSON.stringify(ctx.totals));
await ctx.stop();
`;
}

/** `node build.mjs <bundler> <on|off> <outfile>`: builds src/main.ts to a node ES module. */
const BUILD_MJS = `import path from "node:path";
const [bundler, mode, outfile] = process.argv.slice(2);
const withRddopt = mode === "on";
const rddopt = withRddopt ? (await import(\`rddopt/\${bundler}\`)).default : undefined;
const plugins = (...rest) => [...(withRddopt ? [rddopt()] : []), ...rest];
const external = [/^rddopt/, /^node:/];
if (bundler === "vite") {
  const { build } = await import("vite");
  await build({ configFile: false, logLevel: "warn", plugins: plugins(), ssr: { external: ["rddopt"] },
    build: { ssr: "src/main.ts", outDir: path.dirname(outfile), emptyOutDir: false, rollupOptions: { external, output: { entryFileNames: path.basename(outfile) } } } });
} else if (bundler === "esbuild") {
  const esbuild = await import("esbuild");
  await esbuild.build({ entryPoints: ["src/main.ts"], bundle: true, platform: "node", format: "esm", outfile, external: ["rddopt"], logLevel: "warning", plugins: plugins() });
} else if (bundler === "rollup") {
  const { rollup } = await import("rollup");
  const esbuild = (await import("rollup-plugin-esbuild")).default;
  const bundle = await rollup({ input: "src/main.ts", external, plugins: plugins(esbuild({ target: "es2022" })) });
  await bundle.write({ file: outfile, format: "es" });
  await bundle.close();
} else if (bundler === "webpack") {
  const webpack = (await import("webpack")).default;
  const config = { mode: "production", target: "node", entry: "./src/main.ts", context: process.cwd(),
    experiments: { outputModule: true }, externalsType: "module", externals: { rddopt: "rddopt" },
    output: { path: path.resolve(path.dirname(outfile)), filename: path.basename(outfile), module: true, chunkFormat: "module" },
    resolve: { extensions: [".ts", ".js"], extensionAlias: { ".js": [".ts", ".js"] } },
    module: { rules: [{ test: /\\.ts$/, loader: "esbuild-loader", options: { target: "es2022" } }] },
    optimization: { minimize: false }, plugins: plugins() };
  const stats = await new Promise((resolve, reject) => webpack(config, (error, s) => (error ? reject(error) : resolve(s))));
  if (stats.hasErrors()) throw new Error(stats.toString("errors-only"));
  if (stats.hasWarnings()) console.error(stats.toString("errors-warnings"));
} else {
  throw new Error("unknown bundler " + bundler);
}
`;

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

async function buildAndRun(dir: string, bundler: Bundler, mode: "on" | "off"): Promise<{ rows: string[]; metrics: JobMetrics; code: string; warnings: string }> {
  const outfile = path.join("out", `${bundler}-${mode}.mjs`);
  const built = await node(["build.mjs", bundler, mode, outfile], dir);
  expect(built.code, `${bundler} ${mode} build failed:\n${built.stdout}\n${built.stderr}`).toBe(0);
  const ran = await node([outfile], dir);
  expect(ran.code, `${bundler} ${mode} output failed:\n${ran.stdout}\n${ran.stderr}`).toBe(0);
  return {
    rows: JSON.parse(marked(ran.stdout, "RESULT")!) as string[],
    metrics: JSON.parse(marked(ran.stdout, "METRICS")!) as JobMetrics,
    code: fs.readFileSync(path.join(dir, outfile), "utf8"),
    warnings: built.stderr,
  };
}

let scratch: string;
let dir: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-bundlers-"));
  const { tarball } = await packTarball(scratch);
  dir = await installTarball(tarball, { dir: fs.mkdtempSync(path.join(scratch, "project-")) });
  for (const name of LINKED) {
    const link = path.join(dir, "node_modules", name);
    if (fs.existsSync(link)) continue;
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(packageRoot, "node_modules", name), link, "junction");
  }
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  fs.mkdirSync(path.join(dir, "src"), { recursive: true });
  fs.writeFileSync(path.join(dir, "src", "data.ts"), DATA_TS);
  fs.writeFileSync(path.join(dir, "src", "main.ts"), mainTs("o[0]"));
  fs.writeFileSync(path.join(dir, "build.mjs"), BUILD_MJS);
}, 120_000);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe("bundler plugins from the packed tarball", () => {
  it.each(BUNDLERS)("%s: same rows as the unoptimized build, fewer shuffled bytes", async (bundler) => {
    const plain = await buildAndRun(dir, bundler, "off");
    const optimized = await buildAndRun(dir, bundler, "on");
    expect(plain.code).not.toContain("projectValues");
    expect(optimized.code).toContain("projectValues");
    expect(optimized.warnings).not.toMatch(/rddopt: /);
    expect(optimized.rows).toEqual(plain.rows);
    expect(optimized.rows.length).toBe(4000 + 500);
    expect(optimized.metrics.shuffleBytesWritten).toBeLessThan(plain.metrics.shuffleBytesWritten);
    expect(optimized.metrics.joins?.[0]?.strategy).toBe("broadcast-right");
    expect(plain.metrics.joins?.[0]?.strategy ?? "shuffle").toBe("shuffle");
  });

  it("rollup --watch with rddopt/rollup re-analyses an edit that changes the fields read", async () => {
    const watchScript = `import { watch } from "rollup";
import esbuild from "rollup-plugin-esbuild";
import rddopt from "rddopt/rollup";
const watcher = watch({ input: "src/main.ts", external: [/^rddopt/, /^node:/], plugins: [rddopt(), esbuild({ target: "es2022" })],
  output: { file: "out/watch.mjs", format: "es" }, watch: { buildDelay: 20, exclude: ["out/**"] } });
watcher.on("event", (e) => {
  if (e.code === "BUNDLE_END") e.result.close();
  if (e.code === "END") console.log("BUILT");
  if (e.code === "ERROR") { console.log("ERROR " + e.error.message); process.exit(1); }
});
process.stdin.on("data", () => watcher.close().then(() => process.exit(0)));
`;
    fs.writeFileSync(path.join(dir, "watch.mjs"), watchScript);
    const child = execFile(process.execPath, ["watch.mjs"], { cwd: dir });
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += String(chunk)));
    const builds = () => stdout.split("\n").filter((l) => l === "BUILT").length;
    const until = async (n: number) => {
      const deadline = Date.now() + 20_000;
      while (builds() < n) {
        if (Date.now() > deadline || stdout.includes("ERROR")) throw new Error(`watch build ${n} did not finish:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await until(1);
      expect(fs.readFileSync(path.join(dir, "out", "watch.mjs"), "utf8")).toContain("left.projectValues([0])");
      fs.writeFileSync(path.join(dir, "src", "main.ts"), mainTs("o[1]"));
      await until(2);
      expect(fs.readFileSync(path.join(dir, "out", "watch.mjs"), "utf8")).toContain("left.projectValues([1])");
    } finally {
      child.stdin!.write("stop\n");
      child.kill();
      fs.writeFileSync(path.join(dir, "src", "main.ts"), mainTs("o[0]"));
    }
  });
});
