// Builds dist/ (ESM: runtime, transformer, cli) and dist/cjs (CommonJS runtime and transformer, which
// ts-patch loads most reliably). Compiles into a fresh directory and swaps it into place, so a process
// reading dist/ while a build runs never sees it half-written or missing.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
const staging = path.join(root, `.dist-build-${process.pid}`);
const run = (args) => execFileSync(process.execPath, [tsc, ...args], { cwd: root, stdio: "inherit" });

fs.rmSync(staging, { recursive: true, force: true });
try {
  run(["-p", "tsconfig.json", "--outDir", staging]);
  run(["-p", "tsconfig.cjs.json", "--outDir", path.join(staging, "cjs")]);
  fs.writeFileSync(path.join(staging, "cjs", "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
  const cli = path.join(staging, "cli", "index.js");
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
  const dist = path.join(root, "dist");
  const old = path.join(root, `.dist-old-${process.pid}`);
  if (fs.existsSync(dist)) fs.renameSync(dist, old);
  fs.renameSync(staging, dist);
  fs.rmSync(old, { recursive: true, force: true });
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
