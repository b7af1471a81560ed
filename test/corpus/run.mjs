#!/usr/bin/env node
// Runs the rddopt transformer over real TypeScript projects installed from npm
// (test/corpus/package.json, installed into test/corpus/.cache, never into the
// repository root) and checks that the emitted JavaScript is byte-identical with
// and without the plugin, with no crash and no rddopt diagnostic.
//
// Two passes over every file:
//   as-is  — the sources as shipped (none uses rddopt);
//   probe  — the same sources with `import type { RDD } from "rddopt";` prepended, so the
//            transformer cannot skip the file and analyses every call in real code.
// Then an old TypeScript (5.0) check: the transformer must not throw and must leave code alone.
//
// Usage: node test/corpus/run.mjs [--limit N] [--only pkg,pkg] [--summary FILE] [--skip-install]
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const cache = path.join(here, ".cache");
const modules = path.join(cache, "node_modules");
const PROBE = 'import type { RDD as RddoptProbe } from "rddopt";\n';

function parseArgs(argv) {
  const args = { limit: Infinity, only: undefined, summary: path.join(cache, "summary.json"), install: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--limit") args.limit = Number(argv[++i]);
    else if (argv[i] === "--only") args.only = argv[++i].split(",");
    else if (argv[i] === "--summary") args.summary = path.resolve(argv[++i]);
    else if (argv[i] === "--skip-install") args.install = false;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

/** Installs the corpus into .cache when package.json changed (npm registry only). */
function install() {
  const wanted = fs.readFileSync(path.join(here, "package.json"), "utf8");
  const installed = path.join(cache, "package.json");
  if (fs.existsSync(modules) && fs.existsSync(installed) && fs.readFileSync(installed, "utf8") === wanted) return;
  fs.mkdirSync(cache, { recursive: true });
  fs.writeFileSync(installed, wanted);
  console.log("[corpus] npm install into test/corpus/.cache ...");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: cache, stdio: "inherit" });
}

const isSource = (f) => /\.(ts|tsx|mts|cts)$/.test(f) && !/\.d\.[mc]?ts$/.test(f);

/** TypeScript sources grouped by installed package (one Program per package). */
function projects() {
  const byPackage = new Map();
  const walk = (dir, pkg) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === "node_modules") continue;
        walk(full, pkg);
      } else if (entry.isFile() && isSource(entry.name)) {
        if (!byPackage.has(pkg)) byPackage.set(pkg, []);
        byPackage.get(pkg).push(full);
      }
    }
  };
  for (const name of fs.readdirSync(modules)) {
    if (name.startsWith(".") || name === "typescript-old") continue;
    const scoped = name.startsWith("@") ? fs.readdirSync(path.join(modules, name)).map((n) => `${name}/${n}`) : [name];
    for (const pkg of scoped) walk(path.join(modules, pkg), pkg);
  }
  return byPackage;
}

function loadTransformer() {
  const require = createRequire(path.join(root, "package.json"));
  const mod = require(path.join(root, "dist", "cjs", "transformer", "index.js"));
  return mod.default ?? mod;
}

const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.Preserve,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  types: [],
  strict: true,
  skipLibCheck: true,
  noEmitOnError: false,
  // Emit without a full type check (TypeScript >= 5.5) and without type-directed import
  // elision, as transpile-style builds do: the transformer still asks the checker whatever it
  // needs, so its own cost is what is measured (a full check of effect or viem takes minutes).
  noCheck: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noEmit: false,
  paths: { rddopt: [path.join(root, "dist", "runtime", "index.d.ts")] },
};

/** One package: plain emit, then with the plugin (prune only, and everything), file by file. */
function runProject(files, transformer, probe) {
  const host = ts.createCompilerHost(compilerOptions, true);
  const read = host.getSourceFile.bind(host);
  const mine = new Set(files);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!probe || !mine.has(path.resolve(fileName))) return read(fileName, languageVersion, onError, shouldCreate);
    const text = fs.readFileSync(fileName, "utf8");
    return ts.createSourceFile(fileName, PROBE + text, languageVersion, true);
  };
  const program = ts.createProgram({ rootNames: files, options: compilerOptions, host });
  const result = { files: files.length, identical: 0, different: [], crashes: [], diagnostics: [], ms: { plain: 0, prune: 0, all: 0 } };
  const variants = { plain: undefined, prune: { prune: true, broadcast: false }, all: { prune: true, broadcast: true } };
  const outputs = { plain: new Map(), prune: new Map(), all: new Map() };
  for (const file of files) program.emit(program.getSourceFile(file), () => {}); // warm-up: parse-time work and caches, untimed
  for (const [variant, options] of Object.entries(variants)) {
    const extras = {
      ts,
      library: "typescript",
      diagnostics: [],
      addDiagnostic: (d) => result.diagnostics.push(`${variant} ${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`),
      removeDiagnostic: () => {},
    };
    const start = performance.now();
    let before = [];
    try {
      if (options) before = [transformer(program, { transform: "rddopt/transformer", ...options }, extras)];
    } catch (e) {
      result.crashes.push(`${variant} factory: ${e?.stack ?? e}`);
      continue;
    }
    for (const file of files) {
      try {
        program.emit(program.getSourceFile(file), (name, text) => {
          if (/\.(m|c)?jsx?$/.test(name)) outputs[variant].set(file, text);
        }, undefined, false, { before });
      } catch (e) {
        result.crashes.push(`${variant} ${file}: ${String(e?.stack ?? e).slice(0, 600)}`);
      }
    }
    result.ms[variant] = performance.now() - start;
  }
  for (const file of files) {
    const plain = outputs.plain.get(file);
    if (plain !== undefined && plain === outputs.prune.get(file) && plain === outputs.all.get(file)) result.identical++;
    else result.different.push(file);
  }
  return result;
}

/** The transformer under TypeScript 5.0 (older than it supports): no throw, code left alone. */
function oldTypeScript(transformer) {
  const oldTs = createRequire(path.join(modules, "typescript-old", "package.json"))("./lib/typescript.js");
  const dir = path.join(cache, "old-ts");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "sample.ts");
  fs.writeFileSync(
    file,
    `import { Context } from "rddopt";
const ctx = new Context({ progress: false });
const orders = ctx.parallelize<[number, [number, string, number]]>([[1, [1, "a", 2]]]);
const users = ctx.parallelize<[number, { name: string; city: string }]>([[1, { name: "n", city: "c" }]]);
export const out = orders.join(users).mapValues(([o, u]) => o[2] * 2 + u.city.length).collect();
`,
  );
  const options = { target: oldTs.ScriptTarget.ES2022, module: oldTs.ModuleKind.ESNext, moduleResolution: oldTs.ModuleResolutionKind.NodeJs, strict: true, skipLibCheck: true, paths: { rddopt: [path.join(root, "dist", "runtime", "index.d.ts")] }, baseUrl: dir };
  const program = oldTs.createProgram([file], options);
  const diagnostics = [];
  const emit = (before) => {
    let js = "";
    program.emit(program.getSourceFile(file), (name, text) => { if (name.endsWith(".js")) js = text; }, undefined, false, { before });
    return js;
  };
  const plain = emit([]);
  try {
    const extras = { ts: oldTs, library: "typescript", diagnostics: [], addDiagnostic: (d) => diagnostics.push(oldTs.flattenDiagnosticMessageText(d.messageText, " ")), removeDiagnostic: () => {} };
    const withPlugin = emit([transformer(program, { prune: true, broadcast: true }, extras)]);
    return { version: oldTs.version, crashed: false, identical: withPlugin === plain, diagnostics, ...(withPlugin === plain ? {} : { plain, withPlugin }) };
  } catch (e) {
    return { version: oldTs.version, crashed: true, error: String(e?.stack ?? e).slice(0, 800), diagnostics };
  }
}

const args = parseArgs(process.argv.slice(2));
if (args.install) install();
const transformer = loadTransformer();
const all = [...projects()].filter(([pkg]) => !args.only || args.only.includes(pkg));
const summary = { typescript: ts.version, passes: {}, oldTypeScript: undefined };
for (const probe of [false, true]) {
  const pass = { files: 0, identical: 0, different: [], crashes: [], diagnostics: [], ms: { plain: 0, prune: 0, all: 0 }, packages: {} };
  let budget = args.limit;
  for (const [pkg, files] of all) {
    if (budget <= 0) break;
    const chosen = files.slice(0, budget);
    budget -= chosen.length;
    const r = runProject(chosen, transformer, probe);
    pass.files += r.files;
    pass.identical += r.identical;
    pass.different.push(...r.different);
    pass.crashes.push(...r.crashes);
    pass.diagnostics.push(...r.diagnostics);
    for (const v of ["plain", "prune", "all"]) pass.ms[v] += r.ms[v];
    pass.packages[pkg] = r.files;
    console.log(`[corpus ${probe ? "probe" : "as-is"}] ${pkg}: ${r.files} files, ${r.identical} identical, ${r.crashes.length} crashes, ${r.diagnostics.length} diagnostics (${Math.round(r.ms.all)} ms with the plugin)`);
  }
  const pluginSeconds = (pass.ms.prune + pass.ms.all) / 2 / 1000;
  pass.filesPerSecond = Math.round(pass.files / pluginSeconds);
  pass.overheadVsPlainEmit = `${Math.round(((pass.ms.all - pass.ms.plain) / pass.ms.plain) * 100)}%`;
  summary.passes[probe ? "probe" : "as-is"] = pass;
  console.log(
    `[corpus ${probe ? "probe" : "as-is"}] ${pass.files} files: ${pass.identical} byte-identical, ${pass.different.length} different, ` +
      `${pass.crashes.length} crashes, ${pass.diagnostics.length} rddopt diagnostics; ${pass.filesPerSecond} files/s emitted with the plugin ` +
      `(plain emit ${Math.round(pass.ms.plain)} ms, with everything ${Math.round(pass.ms.all)} ms)`,
  );
  for (const d of pass.different.slice(0, 5)) console.log(`  different: ${d}`);
  for (const c of pass.crashes.slice(0, 3)) console.log(`  crash: ${c}`);
  for (const d of pass.diagnostics.slice(0, 5)) console.log(`  diagnostic: ${d}`);
}
summary.oldTypeScript = oldTypeScript(transformer);
console.log(`[corpus] TypeScript ${summary.oldTypeScript.version}: ${JSON.stringify(summary.oldTypeScript)}`);
fs.mkdirSync(path.dirname(args.summary), { recursive: true });
fs.writeFileSync(args.summary, JSON.stringify(summary, null, 2));
const failed = Object.values(summary.passes).some((p) => p.different.length || p.crashes.length || p.diagnostics.length) || summary.oldTypeScript.crashed;
process.exitCode = failed ? 1 : 0;
