// node bench/compile/capture.mjs [--runs N]   (after `npm run build`)
// Closure capture's share of the transformer's compile time, side by side in one process: the same files
// (samples/, test/golden/, test/capture/golden/) planned with `capture: false` and with `capture: true`,
// each run on a fresh Program that is already type-checked (a build checks before it emits), order
// alternating. Prints median wall and CPU milliseconds of the planning alone, and of type-checking for scale.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { planFor, normalizeOptions } from "../../dist/transformer/engine.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

const filesIn = (dir, pick) => (fs.existsSync(dir) ? fs.readdirSync(dir).flatMap((name) => pick(path.join(dir, name))) : []);
const files = [
  ...filesIn(path.join(root, "samples"), (f) => (f.endsWith(".ts") ? [f] : [])),
  ...filesIn(path.join(root, "test", "golden"), (d) => (fs.existsSync(path.join(d, "input.ts")) ? [path.join(d, "input.ts")] : [])),
  ...filesIn(path.join(root, "test", "capture", "golden"), (d) => (fs.existsSync(path.join(d, "input.ts")) && !fs.existsSync(path.join(d, "options.json")) ? [path.join(d, "input.ts")] : [])),
];
const compilerOptions = {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true, noEmit: true, skipLibCheck: true, types: [], paths: { rddopt: [path.join(root, "runtime", "index.ts")] },
};

function once(capture) {
  const program = ts.createProgram(files, compilerOptions);
  const t0 = performance.now(), c0 = process.cpuUsage();
  for (const f of program.getSourceFiles()) if (!f.isDeclarationFile) program.getSemanticDiagnostics(f);
  const check = { wall: performance.now() - t0, cpu: cpuMs(c0) };
  const options = normalizeOptions({ capture, broadcast: true, prune: true });
  const t1 = performance.now(), c1 = process.cpuUsage();
  let sites = 0;
  for (const file of files) sites += planFor(ts, program, program.getSourceFile(file), options).optimizations.filter((o) => o.kind === "capture").length;
  return { check, plan: { wall: performance.now() - t1, cpu: cpuMs(c1) }, sites };
}
const cpuMs = (start) => { const d = process.cpuUsage(start); return (d.user + d.system) / 1000; };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

once(false); once(true); // warm-up (JIT)
const results = { false: [], true: [] };
for (let i = 0; i < RUNS; i++) for (const capture of i % 2 ? [true, false] : [false, true]) results[capture].push(once(capture));
const row = (label, rs) => `| ${label} | ${median(rs.map((r) => r.plan.wall)).toFixed(1)} | ${median(rs.map((r) => r.plan.cpu)).toFixed(1)} | ${median(rs.map((r) => r.check.wall)).toFixed(1)} | ${rs[0].sites} |`;
console.log(`${files.length} files, ${RUNS} runs each, medians (ms)\n`);
console.log("| capture | plan wall | plan CPU | type-check wall | capture sites |\n| --- | --- | --- | --- | --- |");
console.log(row("off", results.false));
console.log(row("on", results.true));
const ratio = median(results.true.map((r) => r.plan.cpu)) / median(results.false.map((r) => r.plan.cpu));
console.log(`\nplanning CPU with capture / without: ${ratio.toFixed(2)}x`);
