// Builds dist/ (ESM) and dist/cjs/transformer (CommonJS, which ts-patch loads most reliably).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
const run = (args) => execFileSync(process.execPath, [tsc, ...args], { cwd: root, stdio: "inherit" });

fs.rmSync(path.join(root, "dist"), { recursive: true, force: true });
run(["-p", "tsconfig.json"]);
if (fs.existsSync(path.join(root, "tsconfig.cjs.json"))) {
  run(["-p", "tsconfig.cjs.json"]);
  fs.writeFileSync(path.join(root, "dist", "cjs", "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
}
const cli = path.join(root, "dist", "cli", "index.js");
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
