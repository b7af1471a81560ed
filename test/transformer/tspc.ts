/**
 * Compiles fixture programs through the real `tspc` (ts-patch) with and without the rddopt plugin, in a
 * temporary directory with its own build of this package in node_modules/rddopt, and runs them with node.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./harness.js";

export interface Variant {
  name: string;
  /** Plugin entry options, or undefined to compile without the plugin. */
  plugin?: Record<string, unknown>;
  /** Extra environment for the compiler process. */
  env?: Record<string, string>;
  /** Compile only these fixtures (default: all). */
  only?: string[];
  /** Extra compilerOptions spread over the defaults (e.g. `strict: false`, `noUncheckedIndexedAccess: true`). */
  compilerOptions?: Record<string, unknown>;
}

const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

/**
 * Builds a private copy of the package (runtime + transformer, ESM and the CommonJS transformer ts-patch
 * loads) into `packageDir`, so tests never race with other builds of the shared dist/.
 */
export function buildPackageCopy(finalDir: string): void {
  if (fs.existsSync(path.join(finalDir, "dist", "cjs", "package.json"))) return;
  // built aside and renamed into place, so test files running in parallel never see half a build
  const packageDir = `${finalDir}.tmp-${process.pid}`;
  fs.rmSync(packageDir, { recursive: true, force: true });
  fs.mkdirSync(packageDir, { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(packageDir, "node_modules"), "dir");
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(packageDir, "package.json"));
  const esm = {
    extends: path.join(ROOT, "tsconfig.json"),
    compilerOptions: { rootDir: ROOT, outDir: path.join(packageDir, "dist"), sourceMap: false, typeRoots: [path.join(ROOT, "node_modules", "@types")] },
    include: [path.join(ROOT, "runtime"), path.join(ROOT, "transformer")],
  };
  const cjs = {
    extends: path.join(ROOT, "tsconfig.cjs.json"),
    compilerOptions: { rootDir: ROOT, outDir: path.join(packageDir, "dist", "cjs"), sourceMap: false, typeRoots: [path.join(ROOT, "node_modules", "@types")] },
    include: [path.join(ROOT, "transformer")],
  };
  for (const [name, config] of [["esm", esm], ["cjs", cjs]] as const) {
    const file = path.join(packageDir, `tsconfig.${name}.json`);
    fs.writeFileSync(file, JSON.stringify(config));
    execFileSync(process.execPath, [TSC, "-p", file], { cwd: ROOT, stdio: "pipe" });
  }
  fs.writeFileSync(path.join(packageDir, "dist", "cjs", "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
  try {
    fs.renameSync(packageDir, finalDir);
  } catch {
    fs.rmSync(packageDir, { recursive: true, force: true }); // another process finished first
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export interface Workspace {
  dir: string;
  /** Compiles every fixture for a variant in one tspc run; returns the output dir and tspc's output. */
  compile(variant: Variant): { outDir: string; output: string; status: number };
  run(outDir: string, fixture: string): string;
  dispose(): void;
}

export function createWorkspace(fixturesDir: string, fixtures: string[]): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-e2e-"));
  // one private build per version of the sources, reused across runs
  const stamp = Math.floor(Math.max(newestMtime(path.join(ROOT, "runtime")), newestMtime(path.join(ROOT, "transformer")), fs.statSync(path.join(ROOT, "package.json")).mtimeMs));
  const packageDir = path.join(os.tmpdir(), `rddopt-e2e-package-${stamp}`);
  buildPackageCopy(packageDir);
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(packageDir, path.join(dir, "node_modules", "rddopt"), "dir");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  const sourceDir = path.join(dir, "src");
  fs.mkdirSync(sourceDir);
  for (const fixture of fixtures) fs.copyFileSync(path.join(fixturesDir, fixture), path.join(sourceDir, fixture));
  const tspc = path.join(ROOT, "node_modules", "ts-patch", "bin", "tspc.js");
  return {
    dir,
    compile(variant) {
      const outDir = path.join(dir, variant.name);
      const config = {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: true,
          sourceMap: true,
          types: ["node"],
          typeRoots: [path.join(ROOT, "node_modules", "@types")],
          rootDir: sourceDir,
          outDir,
          plugins: variant.plugin ? [{ transform: "rddopt/transformer", ...variant.plugin }] : [],
          ...variant.compilerOptions,
        },
        files: (variant.only ?? fixtures).map((f) => path.join(sourceDir, f)),
      };
      const configFile = path.join(dir, `tsconfig.${variant.name}.json`);
      fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
      const result = spawnSync(process.execPath, [tspc, "-p", configFile, "--pretty", "false"], { cwd: dir, encoding: "utf8", env: { ...process.env, ...variant.env } });
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
      // status 2: diagnostics (our warnings) present, every output generated
      if (result.status !== 0 && (result.status !== 2 || /error TS/.test(output))) throw new Error(`tspc failed for ${variant.name} (status ${result.status}):\n${output}`);
      return { outDir, output, status: result.status ?? -1 };
    },
    run(outDir, fixture) {
      const js = path.join(outDir, fixture.replace(/\.ts$/, ".js"));
      return execFileSync(process.execPath, [js], { cwd: dir, encoding: "utf8", stdio: "pipe", timeout: 60_000 });
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ProgramOutput {
  rows: unknown[];
  totals: { shuffleBytesWritten: number; shuffleBytesRead: number; broadcastBytes: number; joins?: { site?: string; strategy: string }[] };
}

export function parseOutput(stdout: string): ProgramOutput {
  const line = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as ProgramOutput;
}

/** Rows as a sorted list of JSON strings: equal lists mean equal multisets. */
export function multiset(rows: unknown[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}
