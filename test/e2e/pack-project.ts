/**
 * A throwaway project that installs rddopt the way a user does: `npm pack` of this checkout, then
 * `npm install <tarball> typescript@6.0.3 ts-patch@3.3.0 ts-node @types/node` from the registry
 * (--offline-first, so a warm npm cache needs no network).
 */
import { execFile, type ExecFileOptions } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PackedProject {
  dir: string;
  /** Runs a package's bin script (path inside node_modules) with node, in the project. */
  bin(script: string, args: string[], options?: ExecFileOptions): Promise<Outcome>;
  node(args: string[], options?: ExecFileOptions): Promise<Outcome>;
  write(file: string, text: string): void;
  read(file: string): string;
  remove(): void;
}

export const BINS = {
  tsc: "typescript/bin/tsc",
  tspc: "ts-patch/bin/tspc.js",
  tsPatch: "ts-patch/bin/ts-patch.js",
  tsNode: "ts-node/dist/bin.js",
  rddopt: "rddopt/dist/cli/index.js",
} as const;

async function capture(file: string, args: string[], options: ExecFileOptions): Promise<Outcome> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { maxBuffer: 32 * 2 ** 20, ...options, encoding: "utf8" });
    return { code: 0, stdout: String(stdout), stderr: String(stderr) };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: `${e.stderr ?? ""}${e.message ?? ""}` };
  }
}

function requireBuild(): void {
  for (const built of ["dist/runtime/index.js", "dist/cjs/transformer/index.js", "dist/cli/index.js"]) {
    if (!fs.existsSync(path.join(repoRoot, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does).`);
  }
}

/** Packs this checkout and installs it with the compiler toolchain into a new temporary directory. */
export async function packedProject(packageJson: Record<string, unknown> = { type: "module" }): Promise<PackedProject> {
  requireBuild();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-e2e-"));
  const packed = await capture(npm, ["pack", "--pack-destination", dir, "--silent"], { cwd: repoRoot });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const tarball = path.join(dir, packed.stdout.trim().split("\n").pop()!);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "rddopt-e2e", private: true, ...packageJson }, null, 2));
  const installed = await capture(
    npm,
    ["install", tarball, "typescript@6.0.3", "ts-patch@3.3.0", "ts-node@10", "@types/node@20", "--offline-first", "--no-audit", "--no-fund", "--loglevel=error"],
    { cwd: dir },
  );
  if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
  return {
    dir,
    bin: (script, args, options = {}) => capture(process.execPath, [path.join(dir, "node_modules", script), ...args], { cwd: dir, ...options }),
    node: (args, options = {}) => capture(process.execPath, args, { cwd: dir, ...options }),
    write: (file, text) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    },
    read: (file) => fs.readFileSync(path.join(dir, file), "utf8"),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The JSON on the line that starts with `marker `, from a program's output. */
export function markedLine(stdout: string, marker: string): string | undefined {
  return stdout.split("\n").find((l) => l.startsWith(`${marker} `))?.slice(marker.length + 1);
}
