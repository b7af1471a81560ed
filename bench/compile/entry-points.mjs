// Compile overhead of the entry points that do not run inside tsc: the bundler plugin (rddopt/esbuild,
// rddopt/vite) and the rewrite CLI (`rddopt rewrite`, then tsc), each against the same toolchain without
// rddopt, on the generated 200-file project. Run by bench/compile/run.mjs (`npm run bench:compile`), which
// generates the project and the private package build in bench/compile/.work first; standalone:
// `node bench/compile/entry-points.mjs [--runs N]` after a run.mjs run. Appends its tables to
// bench/RESULTS-compile.md.
//
// Every variant runs as its own processes under `bash -c '...; times'`, so CPU time counts the children
// too (esbuild's Go binary, vite's workers); wall time includes waiting for a core on a shared machine.
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
const TSC7 = path.join(root, "node_modules", "typescript7", "bin", "tsc");
const generated = path.join(work, "generated-200", "src");
if (!fs.existsSync(generated)) throw new Error("bench/compile/.work/generated-200 is missing: run `npm run bench:compile` (bench/compile/run.mjs) first");

// The private package build (runtime + transformer, made by run.mjs) gets the CLI and the bundler plugin too.
const pkg = path.join(work, "node_modules", "rddopt");
fs.rmSync(path.join(pkg, "dist", "cli"), { recursive: true, force: true });
fs.cpSync(path.join(root, "dist", "cli"), path.join(pkg, "dist", "cli"), { recursive: true });
const CLI = path.join(pkg, "dist", "cli", "index.js");

// One project: the 200 generated modules and an entry importing them all, for the bundlers.
const project = path.join(work, "entry-points-200");
fs.rmSync(project, { recursive: true, force: true });
fs.cpSync(generated, path.join(project, "src"), { recursive: true });
const modules = fs.readdirSync(path.join(project, "src")).filter((f) => f.endsWith(".ts")).sort();
fs.writeFileSync(
  path.join(project, "src", "index.ts"),
  modules.map((f, i) => `import * as m${i} from "./${f.replace(/\.ts$/, ".js")}";`).join("\n") + `\nexport const all = [${modules.map((_, i) => `m${i}`).join(", ")}];\n`,
);
fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ type: "module", private: true }));
fs.writeFileSync(
  path.join(project, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022"], types: ["node"],
      typeRoots: [path.join(root, "node_modules", "@types")], strict: true, skipLibCheck: true, rootDir: "src", outDir: "out-tsc",
    },
    include: ["src"],
  }, null, 2),
);
fs.writeFileSync(
  path.join(project, "build.mjs"),
  `import path from "node:path";
const [bundler, mode] = process.argv.slice(2);
const plugins = mode === "rddopt" ? [(await import(\`rddopt/\${bundler}\`)).default()] : [];
if (bundler === "esbuild") {
  const esbuild = await import(${JSON.stringify(path.join(root, "node_modules", "esbuild", "lib", "main.js"))});
  await esbuild.build({ entryPoints: ["src/index.ts"], bundle: true, platform: "node", format: "esm", outfile: "out-esbuild/index.mjs", external: ["rddopt"], logLevel: "error", plugins });
} else {
  const { build } = await import(${JSON.stringify(path.join(root, "node_modules", "vite", "dist", "node", "index.js"))});
  await build({ configFile: false, logLevel: "error", plugins, ssr: { external: ["rddopt"] },
    build: { ssr: "src/index.ts", outDir: "out-vite", emptyOutDir: true, rollupOptions: { external: [/^rddopt/] } } });
}
`,
);

const node = (script, ...args) => [process.execPath, script, ...args];
const sh = (argv) => argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
const rewriteOut = path.join(work, "entry-points-rewritten");

/** Each variant: the commands it runs, in order (all timed together). */
const variants = [
  { group: "esbuild", label: "esbuild", commands: [node("build.mjs", "esbuild", "plain")] },
  { group: "esbuild", label: "esbuild + rddopt/esbuild", commands: [node("build.mjs", "esbuild", "rddopt")] },
  { group: "esbuild", label: "tsc --noEmit, then esbuild", commands: [node(TSC, "-p", "tsconfig.json", "--noEmit"), node("build.mjs", "esbuild", "plain")] },
  { group: "vite", label: "vite build", commands: [node("build.mjs", "vite", "plain")] },
  { group: "vite", label: "vite build + rddopt/vite", commands: [node("build.mjs", "vite", "rddopt")] },
  { group: "vite", label: "tsc --noEmit, then vite build", commands: [node(TSC, "-p", "tsconfig.json", "--noEmit"), node("build.mjs", "vite", "plain")] },
  { group: "rewrite", label: "tsc (TypeScript 6)", commands: [node(TSC, "-p", "tsconfig.json")] },
  { group: "rewrite", label: "rddopt rewrite, then tsc (TypeScript 6)", commands: [node(CLI, "rewrite", "-p", "tsconfig.json", "--out", rewriteOut), node(TSC, "-p", path.join(rewriteOut, "tsconfig.json"))] },
  { group: "rewrite", label: "tsc (TypeScript 7)", commands: [node(TSC7, "-p", "tsconfig.json")] },
  { group: "rewrite", label: "rddopt rewrite, then tsc (TypeScript 7)", commands: [node(CLI, "rewrite", "-p", "tsconfig.json", "--out", rewriteOut), node(TSC7, "-p", path.join(rewriteOut, "tsconfig.json"))] },
  { group: "rewrite", label: "rddopt rewrite alone", commands: [node(CLI, "rewrite", "-p", "tsconfig.json", "--out", rewriteOut)] },
];

/** Runs the commands in one shell; `times` then prints the children's user and system CPU. */
function timeRun(variant) {
  const script = `set -e\n${variant.commands.map((c) => `${sh(c)} >/dev/null`).join("\n")}\ntimes`;
  const start = process.hrtime.bigint();
  let stdout;
  try {
    stdout = execFileSync("bash", ["-c", script], { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    throw new Error(`${variant.label} failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const children = stdout.trim().split("\n").pop().trim().split(/\s+/).map(seconds);
  return { wall, cpu: (children[0] + children[1]) * 1000 };
}

function seconds(text) {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  if (!m) throw new Error(`unexpected \`times\` output: ${text}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

process.stdout.write(`entry points, generated-200 (${modules.length + 1} files): warm-up`);
for (const variant of variants) timeRun(variant);
const times = new Map(variants.map((v) => [v.label, []]));
for (let run = 0; run < RUNS; run++) {
  process.stdout.write(` ${run + 1}`);
  for (const variant of variants) times.get(variant.label).push(timeRun(variant));
}
process.stdout.write("\n");

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const pct = (a, b) => `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(0)}%`;
const med = (label, measure) => median(times.get(label).map((t) => t[measure]));
const comparisons = [
  ["esbuild + rddopt/esbuild", "esbuild", "tsc --noEmit, then esbuild"],
  ["vite build + rddopt/vite", "vite build", "tsc --noEmit, then vite build"],
  ["rddopt rewrite, then tsc (TypeScript 6)", "tsc (TypeScript 6)"],
  ["rddopt rewrite, then tsc (TypeScript 7)", "tsc (TypeScript 7)"],
];

const lines = [
  "",
  "## The bundler plugin and the rewrite CLI",
  "",
  `Generated by \`npm run bench:compile\` (bench/compile/entry-points.mjs) on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at the end: a shared machine, wall times are noisy; CPU time is steadier).`,
  `The generated 200-module project plus an entry importing every module; median / max of ${RUNS} runs, interleaved, after one warm-up.`,
  "CPU time is user + system of every process the variant runs (esbuild's binary and vite's workers included).",
  "",
  "| variant | CPU | wall |",
  "|---|---:|---:|",
  ...variants.map((v) => {
    const xs = times.get(v.label);
    const cell = (measure) => `${fmt(median(xs.map((t) => t[measure])))} / ${fmt(Math.max(...xs.map((t) => t[measure])))}`;
    return `| ${v.label} | ${cell("cpu")} | ${cell("wall")} |`;
  }),
  "",
  "| with rddopt | vs the same toolchain without it (CPU / wall) | vs that toolchain with a type check first (CPU / wall) |",
  "|---|---:|---:|",
  ...comparisons.map(([withRddopt, plain, typeChecked]) =>
    `| ${withRddopt} | ${pct(med(withRddopt, "cpu"), med(plain, "cpu"))} / ${pct(med(withRddopt, "wall"), med(plain, "wall"))} vs ${plain} | ${typeChecked ? `${pct(med(withRddopt, "cpu"), med(typeChecked, "cpu"))} / ${pct(med(withRddopt, "wall"), med(typeChecked, "wall"))} vs ${typeChecked}` : "(tsc type-checks already)"} |`,
  ),
  "",
  "Reading it: esbuild and vite strip types without checking them, so any type-aware step costs a multiple of",
  "their build; rddopt's analysis is a type check (of the files that use rddopt, on one Program for the whole",
  "build). The fair comparison for a project that type-checks in CI is the third column. `rddopt rewrite`",
  "type-checks the project twice (the analysis, then the rewritten output in memory, to erase types where",
  "pruning invalidated them), which is why it costs more than one tsc run.",
  "",
];
const out = path.join(root, "bench", "RESULTS-compile.md");
fs.appendFileSync(out, lines.join("\n"));
console.log(lines.join("\n"));
console.log(`appended to ${path.relative(root, out)}`);
