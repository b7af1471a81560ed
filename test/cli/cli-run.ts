/** Running the built `rddopt` bin (dist/cli/index.js) and scratch copies of fixture projects, for the CLI tests. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const bin = path.join(root, "dist", "cli", "index.js");

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node args...` in `cwd`, colours off, `env` added; a failing exit is an outcome, not an exception. */
export async function runNode(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 16 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** Copies `fixture` to `project`, with this checkout linked in as the package `rddopt`, and @types/node. */
export function linkedProject(fixture: string, project: string): void {
  fs.cpSync(fixture, project, { recursive: true });
  fs.mkdirSync(path.join(project, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(root, path.join(project, "node_modules", "rddopt"), "junction");
  fs.symlinkSync(path.join(root, "node_modules", "@types", "node"), path.join(project, "node_modules", "@types", "node"), "junction");
}
