// Experiment 4: compile overhead of the plugin. Three compilers on the same project, each run as the
// user runs it (a fresh `node` process, wall time of the whole command): `tsc`, `tspc` without the
// plugin (ts-patch's own cost), `tspc` with the rddopt plugin, and plain `tsc` of a TypeScript that
// `ts-patch install` patched on disk (the other documented set-up: no patching in memory per run) with the
// plugin, and `rddopt build` (the CLI compiling with the TypeScript API and the transformer, no ts-patch).
// 1 warm-up + N timed runs each, interleaved so machine drift hits all alike. Projects: samples/ and a
// generated project.
import fs from "node:fs";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { summarize } from "./stats.mjs";
import { field } from "./data.mjs";

const COMPILERS = ["tsc", "tspc", "tspc+plugin", "tsc installed+plugin", "rddopt build"];
const PLUGIN = { transform: "rddopt/transformer", prune: true, broadcast: true };

export const compileTaskCount = (config) => 2 * COMPILERS.length * (config.compileRuns + 1);

function baseCompilerOptions(outDir) {
  return {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022"],
    types: ["node"],
    strict: true,
    skipLibCheck: true,
    outDir,
  };
}

/** tsconfig variants for one project: without plugins (tsc, tspc) and with the rddopt plugin. */
function writeConfigs(dir, include, outDir, rootDir) {
  fs.mkdirSync(dir, { recursive: true });
  const write = (name, plugins) => {
    const file = path.join(dir, name);
    const compilerOptions = { ...baseCompilerOptions(outDir), rootDir, plugins };
    fs.writeFileSync(file, JSON.stringify({ compilerOptions, include }, null, 2));
    return file;
  };
  return { plain: write("tsconfig.bench-plain.json", []), plugin: write("tsconfig.bench-plugin.json", [PLUGIN]) };
}

// ---------------------------------------------------------------- generated project

const range = (n) => Array.from({ length: n }, (_, j) => j);

/** One module of the generated project: a row type, a data helper and one join pipeline (tuples or records, alternating). */
function moduleSource(i) {
  const c = 3 + (i % 8);
  const used = range(1 + (i % 3));
  const head = `import type { Context } from "rddopt";\nimport { helper0 } from "./helper.js";\n\n`;
  if (i % 2 === 0) {
    return `${head}export type Row${i} = [${range(c).map(() => "number").join(", ")}];

export function rows${i}(n: number): [number, Row${i}][] {
  return Array.from({ length: n }, (_, k): [number, Row${i}] => [k % 97, [${range(c).map((j) => `k + ${j}`).join(", ")}]]);
}

export async function pipeline${i}(ctx: Context, n: number): Promise<number> {
  const a = ctx.parallelize(rows${i}(n));
  const b = ctx.parallelize(rows${i}(n / 2));
  const joined = a.join(b).mapValues(([l, r]) => ${used.map((j) => `l[${j}]`).join(" + ")} + r[${c - 1}]);
  return joined.reduceByKey((x, y) => x + y).values().fold(helper0(), (x, y) => x + y);
}
`;
  }
  return `${head}export interface Rec${i} { ${range(c).map((j) => `${field(j)}: number`).join("; ")} }

export function records${i}(n: number): [number, Rec${i}][] {
  return Array.from({ length: n }, (_, k): [number, Rec${i}] => [k % 89, { ${range(c).map((j) => `${field(j)}: k * ${j + 1}`).join(", ")} }]);
}

export async function pipeline${i}(ctx: Context, n: number): Promise<[number, number][]> {
  const left = ctx.parallelize(records${i}(n)).filter(([k]) => k % 2 === helper0());
  const right = ctx.parallelize(records${i}(n)).mapValues((v) => ({ ...v, extra: v.${field(0)} * 2 }));
  return left
    .join(right)
    .mapValues(([l, r]) => l.${field(c - 1)} - r.extra)
    .collect();
}
`;
}

function writeGeneratedProject(dir, files) {
  const src = path.join(dir, "src");
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, "helper.ts"), "export const helper0 = (): number => 0;\n");
  for (let i = 0; i < files - 1; i++) fs.writeFileSync(path.join(src, `m${String(i).padStart(3, "0")}.ts`), moduleSource(i));
  return writeConfigs(dir, ["src/**/*.ts"], path.join(dir, "dist"), src);
}

// ---------------------------------------------------------------- measuring

const CPU_PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), "cpu-probe.cjs");

/** Wall time of the command, and its CPU time as reported by the preloaded probe. */
function timeCommand(args, cwd, cpuFile) {
  return new Promise((resolve) => {
    fs.rmSync(cpuFile, { force: true });
    const t0 = performance.now();
    // rddopt's commands keep a code cache of TypeScript (docs/entry-points.md): here in the run's own directory,
    // written by the warm-up run, so no cache from outside the run is timed
    const env = { ...process.env, BENCH_CPU_FILE: cpuFile, RDDOPT_CACHE_DIR: path.join(cwd, ".rddopt-cache") };
    const child = spawn(process.execPath, ["--require", CPU_PROBE, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env });
    let output = "";
    child.stdout.on("data", (d) => (output = (output + d).slice(-4000)));
    child.stderr.on("data", (d) => (output = (output + d).slice(-4000)));
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      const cpuMs = fs.existsSync(cpuFile) ? Number(fs.readFileSync(cpuFile, "utf8")) : NaN;
      resolve({ ms, cpuMs, code, output });
    });
  });
}

/**
 * A copy of the repository's TypeScript, patched on disk by `ts-patch install` (as `npx ts-patch install` does
 * in a user's project), under `out`; its `bin/tsc`. Made once per run.
 */
function installedTsc(root, out) {
  const dir = path.join(out, "ts-patch-installed", "node_modules", "typescript");
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  fs.cpSync(path.join(root, "node_modules", "typescript"), dir, { recursive: true });
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "ts-patch", "bin", "ts-patch.js"), "install", "-s", "-d", dir], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`ts-patch install failed: ${result.stderr || result.stdout}`);
  return path.join(dir, "bin", "tsc");
}

async function measureProject({ name, configs, cwd, root, patchedTsc, rddoptCli, runs, progress }) {
  const bin = {
    tsc: path.join(root, "node_modules", "typescript", "bin", "tsc"),
    tspc: path.join(root, "node_modules", "ts-patch", "bin", "tspc.js"),
  };
  const commands = {
    tsc: [bin.tsc, "-p", configs.plain],
    tspc: [bin.tspc, "-p", configs.plain],
    "tspc+plugin": [bin.tspc, "-p", configs.plugin],
    "tsc installed+plugin": [patchedTsc, "-p", configs.plugin],
    "rddopt build": [rddoptCli, "build", "-p", configs.plugin],
  };
  const times = Object.fromEntries(COMPILERS.map((c) => [c, []]));
  const cpu = Object.fromEntries(COMPILERS.map((c) => [c, []]));
  const cpuFile = path.join(cwd, ".cpu-ms");
  fs.rmSync(path.join(cwd, ".rddopt-cache"), { recursive: true, force: true }); // the warm-up run writes it afresh
  const errors = [];
  for (let run = 0; run <= runs; run++) {
    for (const compiler of COMPILERS) {
      progress.label(`compile ${name} ${compiler} ${run === 0 ? "warm-up" : `run ${run}`}`);
      const r = await timeCommand(commands[compiler], cwd, cpuFile);
      if (r.code !== 0) errors.push(`${compiler}: exit ${r.code}: ${r.output.trim().split("\n").slice(0, 3).join(" | ")}`);
      if (run > 0) {
        times[compiler].push(r.ms);
        cpu[compiler].push(r.cpuMs);
      }
      progress.tick();
    }
  }
  const summary = Object.fromEntries(COMPILERS.map((c) => [c, summarize(times[c])]));
  const cpuSummary = Object.fromEntries(COMPILERS.map((c) => [c, summarize(cpu[c])]));
  return { name, summary, cpu: cpuSummary, errors: [...new Set(errors)] };
}

export async function runCompileOverhead({ config, ws, progress }) {
  const root = ws.root;
  const out = path.join(ws.out, "compile"); // inside the scratch package scope: "rddopt" is the snapshot (see run.mjs)
  const samplesDir = path.join(root, "samples");
  const sampleFiles = fs.existsSync(samplesDir) ? fs.readdirSync(samplesDir).filter((f) => f.endsWith(".ts")) : [];
  const projects = [];
  const patchedTsc = installedTsc(root, out);
  const rddoptCli = path.join(ws.out, "node_modules", "rddopt", "dist", "cli", "index.js"); // the snapshot's (see run.mjs)
  if (sampleFiles.length) {
    // Copied into the scratch package (as a user's project would hold them), compiled from there.
    const dir = path.join(out, "samples");
    fs.mkdirSync(path.join(dir, "src"), { recursive: true });
    for (const f of sampleFiles) fs.copyFileSync(path.join(samplesDir, f), path.join(dir, "src", f));
    const configs = writeConfigs(dir, ["src/*.ts"], path.join(dir, "dist"), path.join(dir, "src"));
    const measured = await measureProject({ name: "samples", configs, cwd: dir, root, patchedTsc, rddoptCli, runs: config.compileRuns, progress });
    projects.push({ ...measured, files: sampleFiles.length });
  } else {
    for (let i = 0; i < COMPILERS.length * (config.compileRuns + 1); i++) progress.tick();
  }
  const generated = path.join(out, `generated-${config.compileFiles}`);
  const configs = writeGeneratedProject(generated, config.compileFiles);
  projects.push({
    ...(await measureProject({ name: `generated, ${config.compileFiles} files`, configs, cwd: generated, root, patchedTsc, rddoptCli, runs: config.compileRuns, progress })),
    files: config.compileFiles,
  });
  return projects.map((p) => ({
    ...p,
    overhead: p.summary["tspc+plugin"].median / p.summary.tsc.median - 1,
    cpuOverhead: p.cpu["tspc+plugin"].median / p.cpu.tsc.median - 1,
    installedOverhead: p.summary["tsc installed+plugin"].median / p.summary.tsc.median - 1,
    installedCpuOverhead: p.cpu["tsc installed+plugin"].median / p.cpu.tsc.median - 1,
    buildOverhead: p.summary["rddopt build"].median / p.summary.tsc.median - 1,
    buildCpuOverhead: p.cpu["rddopt build"].median / p.cpu.tsc.median - 1,
  }));
}
