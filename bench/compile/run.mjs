// npm run bench:compile [-- --runs N]
// Compile-time overhead of the rddopt transformer: plain `tsc` vs `tspc` without plugins vs `tspc` with
// rddopt/transformer, on samples/, the transformer's test fixtures and a generated 200-file project.
// Median and max wall time of N runs (default 5, interleaved, after one warm-up each); writes
// bench/RESULTS-compile.md.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const work = path.join(here, ".work");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const TSC = path.join(root, "node_modules", "typescript", "bin", "tsc");
const TSPC = path.join(root, "node_modules", "ts-patch", "bin", "tspc.js");

fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, "node_modules"), { recursive: true });
// A private build of the package (runtime + transformer), so concurrent builds of dist/ cannot disturb the
// timings; ts-patch and the compiled projects resolve "rddopt" to it through .work/node_modules.
buildPackageCopy(path.join(work, "node_modules", "rddopt"));

function buildPackageCopy(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(root, "package.json"), path.join(dir, "package.json"));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  const typeRoots = [path.join(root, "node_modules", "@types")];
  const builds = [
    { extends: path.join(root, "tsconfig.json"), compilerOptions: { rootDir: root, outDir: path.join(dir, "dist"), sourceMap: false, typeRoots }, include: [path.join(root, "runtime"), path.join(root, "transformer")] },
    { extends: path.join(root, "tsconfig.cjs.json"), compilerOptions: { rootDir: root, outDir: path.join(dir, "dist", "cjs"), sourceMap: false, typeRoots }, include: [path.join(root, "transformer")] },
  ];
  builds.forEach((config, i) => {
    const file = path.join(dir, `tsconfig.build${i}.json`);
    fs.writeFileSync(file, JSON.stringify(config));
    execFileSync(process.execPath, [TSC, "-p", file], { cwd: root, stdio: "inherit" });
  });
  fs.writeFileSync(path.join(dir, "dist", "cjs", "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
}

/**
 * A copy of typescript with `ts-patch install` applied (what a project does once instead of calling tspc):
 * plain `tsc` then runs the plugin without tspc's cost of patching the compiler in memory on every start.
 */
function patchedTypeScript() {
  const dir = path.join(work, "ts-patched", "node_modules");
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(root, "node_modules", "typescript"), path.join(dir, "typescript"), { recursive: true });
  execFileSync(process.execPath, [path.join(root, "node_modules", "ts-patch", "bin", "ts-patch.js"), "install", "-s", "-d", path.join(dir, "typescript")], { stdio: "pipe" });
  return path.join(dir, "typescript", "bin", "tsc");
}
const PATCHED_TSC = patchedTypeScript();

/** Copies a directory's .ts files into .work so they resolve "rddopt" to the private build. */
function copySources(from, name) {
  const to = path.join(work, name, "src");
  fs.mkdirSync(to, { recursive: true });
  const files = fs.readdirSync(from).filter((f) => f.endsWith(".ts"));
  for (const f of files) fs.copyFileSync(path.join(from, f), path.join(to, f));
  return { rootDir: to, files: files.map((f) => path.join(to, f)) };
}

const baseOptions = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2022"],
  types: ["node"],
  typeRoots: [path.join(root, "node_modules", "@types")],
  strict: true,
  skipLibCheck: true,
};

/** Three tsconfigs over the same files: tsc, tspc without plugins, tspc with the transformer. */
function configs(name, rootDir, files) {
  const dir = path.join(work, name);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  fs.mkdirSync(dir, { recursive: true });
  const write = (variant, plugins) => {
    const file = path.join(dir, `tsconfig.${variant}.json`);
    const compilerOptions = { ...baseOptions, rootDir, outDir: path.join(dir, `out-${variant}`), ...(plugins ? { plugins } : {}) };
    fs.writeFileSync(file, JSON.stringify({ compilerOptions, files }, null, 2));
    return file;
  };
  return {
    name,
    files: files.length,
    variants: [
      { label: "tsc", bin: TSC, config: write("tsc") },
      { label: "tspc (no plugin)", bin: TSPC, config: write("tspc", []) },
      { label: "tspc + rddopt", bin: TSPC, config: write("rddopt", [{ transform: "rddopt/transformer" }]) },
      { label: "patched tsc + rddopt", bin: PATCHED_TSC, config: path.join(dir, "tsconfig.rddopt.json") },
    ],
  };
}

function generateProject(count) {
  const src = path.join(work, "generated-200", "src");
  fs.mkdirSync(src, { recursive: true });
  const files = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(src, `m${i}.ts`);
    fs.writeFileSync(file, i % 4 === 0 ? pipelineModule(i) : plainModule(i));
    files.push(file);
  }
  return { rootDir: src, files };
}

function plainModule(i) {
  const dep = i > 0 ? `import { helper${i - 1} as previous } from "./m${i - 1}.js";\n` : "";
  return `${dep}
export interface Record${i} { id: number; name: string; tags: string[]; score: number; nested: { a: number; b: string } }
export class Service${i} {
  private readonly items = new Map<number, Record${i}>();
  add(item: Record${i}): void { this.items.set(item.id, item); }
  top(n: number): Record${i}[] { return [...this.items.values()].sort((x, y) => y.score - x.score).slice(0, n); }
  byTag(tag: string): Record${i}[] { return [...this.items.values()].filter((r) => r.tags.includes(tag)); }
}
export function helper${i}(values: number[]): number {
  ${i > 0 ? "const base = previous(values);" : "const base = 0;"}
  return values.reduce((sum, v, index) => sum + v * (index % 3) + base, 0);
}
export const table${i} = Array.from({ length: 10 }, (_, k) => ({ id: k, name: \`n\${k}\`, tags: ["x"], score: k * ${i}, nested: { a: k, b: "b" } }));
export function describe${i}(r: Record${i}): string {
  switch (r.score % 3) { case 0: return r.name; case 1: return r.tags.join(","); default: return \`\${r.nested.a}:\${r.nested.b}\`; }
}
`;
}

function pipelineModule(i) {
  return `import { Context, type RDD } from "rddopt";
type Row${i} = [number, string, number, boolean, string];
interface Info${i} { city: string; name: string; email: string; age: number }
export function pipeline${i}(ctx: Context, rows: [number, Row${i}][], infos: [number, Info${i}][]) {
  const a = ctx.parallelize(rows);
  const b = ctx.parallelize(infos);
  const joined = a.join(b);
  const first = joined.mapValues(([row, info]) => row[0] + info.age);
  const second = joined.filter(([, [row]]) => row[3]).mapValues(([row, info]) => \`\${row[1]}@\${info.city}\`);
  const grouped = a.mapValues((r) => [r[0], r[2], r[4]] as [number, number, string]).groupByKey().mapValues((vs) => vs.map((v) => v[1]));
  return { first, second, grouped, totals: a.reduceByKey((x, y) => x).count() };
}
export function helper${i}(values: number[]): number { return values.length * ${i}; }
export function wide${i}(rdd: RDD<[string, { a: number; b: number; c: string; d: string }]>) {
  return rdd.sortByKey().mapValues((v) => v.a + v.b);
}
`;
}

// The compiler process reports its own CPU time (user + system) at exit: far less sensitive than wall time
// to other work on a shared machine.
const probe = path.join(work, "cpu-probe.cjs");
fs.writeFileSync(probe, `process.on("exit", () => { const u = process.cpuUsage(); require("fs").writeFileSync(process.env.RDDOPT_CPU_FILE, String((u.user + u.system) / 1000)); });\n`);
const cpuFile = path.join(work, "cpu.txt");

function timeRun(variant) {
  const start = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, ["--require", probe, variant.bin, "-p", variant.config], { cwd: work, stdio: "pipe", env: { ...process.env, RDDOPT_CPU_FILE: cpuFile } });
  } catch (error) {
    throw new Error(`${variant.label} failed on ${variant.config}:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  }
  return { wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: Number(fs.readFileSync(cpuFile, "utf8")) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const projects = [];
for (const [name, dir] of [["samples", path.join(root, "samples")], ["fixtures", path.join(root, "test", "fixtures", "transformer")]]) {
  if (!fs.existsSync(dir)) continue;
  const copy = copySources(dir, name);
  if (copy.files.length) projects.push(configs(name, copy.rootDir, copy.files));
}
const generated = generateProject(200);
projects.push(configs("generated-200", generated.rootDir, generated.files));

const results = [];
for (const project of projects) {
  process.stdout.write(`${project.name} (${project.files} files): warm-up`);
  for (const variant of project.variants) timeRun(variant);
  const times = new Map(project.variants.map((v) => [v.label, []]));
  for (let run = 0; run < RUNS; run++) {
    process.stdout.write(` ${run + 1}`);
    for (const variant of project.variants) times.get(variant.label).push(timeRun(variant));
  }
  process.stdout.write("\n");
  results.push({ project, times });
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const pct = (a, b) => `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(1)}%`;
const lines = [
  "# Compile-time overhead of the rddopt transformer",
  "",
  `Generated by \`npm run bench:compile\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${os.cpus().length} CPUs${os.loadavg()[0] > 1 ? `, load average ${os.loadavg()[0].toFixed(1)} at the end of the run: a shared machine, so wall times are noisy` : ""}).`,
  `Each cell: median / max of ${RUNS} runs of the full compile (type check + emit), interleaved, after one warm-up.`,
  "CPU time is the compiler process's own user + system time; wall time includes waiting for a core.",
  "Target: tspc + rddopt at most +10% over plain tsc.",
  "",
];
for (const measure of ["cpu", "wall"]) {
  lines.push(
    `### ${measure === "cpu" ? "CPU time" : "Wall time"}`,
    "",
    "| project | files | tsc | tspc (no plugin) | tspc + rddopt | patched tsc + rddopt | tspc + rddopt vs tsc | vs tspc (the plugin alone) | patched tsc + rddopt vs tsc |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const { project, times } of results) {
    const [tsc, tspc, rddopt, patched] = ["tsc", "tspc (no plugin)", "tspc + rddopt", "patched tsc + rddopt"].map((l) => times.get(l).map((t) => t[measure]));
    const cell = (xs) => `${fmt(median(xs))} / ${fmt(Math.max(...xs))}`;
    lines.push(
      `| ${project.name} | ${project.files} | ${cell(tsc)} | ${cell(tspc)} | ${cell(rddopt)} | ${cell(patched)} | ${pct(median(rddopt), median(tsc))} | ${pct(median(rddopt), median(tspc))} | ${pct(median(patched), median(tsc))} |`,
    );
  }
  lines.push("");
}
lines.push(
  "",
  "Overheads compare medians. \"vs tspc\" isolates the transformer itself; \"tspc + rddopt vs tsc\" adds tspc's own cost of",
  "patching the compiler in memory at every start (a fixed ~0.5 s of CPU); \"patched tsc\" is typescript after",
  "`ts-patch install` (done once per install), which runs the plugin without that cost.",
  "The generated project has 200 modules; every fourth one imports rddopt and holds joins, groupByKey and sortByKey pipelines,",
  "the others are ordinary code the transformer skips after a text check for \"rddopt\".",
  "",
);
const out = path.join(root, "bench", "RESULTS-compile.md");
fs.writeFileSync(out, lines.join("\n"));
console.log(lines.join("\n"));
console.log(`wrote ${path.relative(root, out)}`);

// The entry points that do not run inside tsc (bundler plugin, rewrite CLI): their own tables, appended.
await import("./entry-points.mjs");
