/**
 * Packs this checkout with `npm pack` (as a release would) and installs the
 * tarball into a fresh project, the way a user gets rddopt. Needs a build
 * (`npm run build`; `npm test` does it) and the npm registry (or a warm cache).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Files the tarball must hold for both entry points to work. */
export const REQUIRED_FILES = ["package/package.json", "package/dist/runtime/index.js", "package/dist/runtime/index.d.ts", "package/dist/cjs/transformer/index.js"];

export interface Packed {
  tarball: string;
  /** Paths inside the tarball, as npm lists them ("package/..."). */
  files: string[];
}

const BUILT = ["dist/runtime/index.js", "dist/cjs/transformer/index.js"];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits out a build running elsewhere (it empties dist/ first); fails clearly when there is no build at all. */
export async function waitForBuild(timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = BUILT.filter((f) => !fs.existsSync(path.join(packageRoot, f)));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${missing.join(", ")} missing: run \`npm run build\` first (npm test does).`);
    await sleep(1000);
  }
}

/** `npm pack` into `destination`; retries when a concurrent build left dist/ half written. */
export async function packTarball(destination: string, attempts = 3): Promise<Packed> {
  for (let attempt = 1; ; attempt++) {
    await waitForBuild(90_000);
    const { stdout } = await run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", destination], {
      cwd: packageRoot,
      maxBuffer: 16 * 2 ** 20,
    });
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const packed = { tarball: path.join(destination, info!.filename), files: info!.files.map((f) => `package/${f.path}`) };
    if (REQUIRED_FILES.every((f) => packed.files.includes(f)) || attempt >= attempts) return packed;
    await sleep(3000);
  }
}

/** A new project in a temp directory with `packageJson`, the tarball (and `extra` packages) installed from the registry or cache. */
export async function installTarball(tarball: string, options: { packageJson?: Record<string, unknown>; extra?: string[]; dir?: string } = {}): Promise<string> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-pkg-"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "rddopt-install-check", private: true, type: "module", ...options.packageJson }, null, 2));
  await run(npm, ["install", tarball, ...(options.extra ?? []), "--no-audit", "--no-fund", "--offline-first", "--loglevel=error"], {
    cwd: dir,
    maxBuffer: 16 * 2 ** 20,
    timeout: 120_000,
  });
  return dir;
}

/** Runs `node file` in `dir`; returns stdout (throws with stderr on a non-zero exit). */
export async function runNode(dir: string, file: string): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`node ${file} failed: ${err.stderr ?? err.message}`);
  }
}
