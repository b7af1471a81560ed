/**
 * Loads the TypeScript compiler the user's project builds with (resolved from the project
 * directory), falling back to the one installed next to rddopt. TypeScript 7 is the native
 * compiler and has no transformer API, so it is refused with an explanation.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as ts from "typescript";
import { CliError } from "./errors.js";

export type TypeScript = typeof ts;

export interface LoadedTypeScript {
  ts: TypeScript;
  /** Where it was loaded from (a file path), for messages. */
  from: string;
}

/** The typescript entry file resolved from `dir`, or undefined when none is reachable. */
function resolveFrom(dir: string): string | undefined {
  try {
    return createRequire(path.join(path.resolve(dir), "__rddopt__.js")).resolve("typescript");
  } catch {
    return undefined;
  }
}

function majorVersion(version: string): number {
  return Number.parseInt(version.split(".")[0] ?? "0", 10);
}

export function typescript7Message(version: string, from: string): string {
  return [
    `TypeScript ${version} (${from}) is the native compiler (TypeScript 7+), which has no transformer API:`,
    "the rddopt plugin cannot run inside its tsc, and this report cannot ask it what the plugin would change.",
    "What to do:",
    "  - build with TypeScript 5.9 or 6.0 and ts-patch (`tspc`) to get the optimized output, or",
    "  - keep TypeScript 7 for type checking and run the report with a 6.0 compiler to see the optimizer's edits:",
    "      npm install --no-save typescript@6.0.3 --prefix /tmp/ts6",
    "      rddopt report --typescript /tmp/ts6 -p tsconfig.json",
    "    then apply the edits the diff shows to your source by hand.",
  ].join("\n");
}

/**
 * Loads TypeScript for `projectDir`. `override` (a directory or a module path) wins over the
 * project's own copy; the copy bundled with rddopt is the last resort.
 */
export async function loadTypeScript(projectDir: string, override?: string): Promise<LoadedTypeScript> {
  const resolved = override ? resolveFrom(override) ?? resolveModulePath(override) : resolveFrom(projectDir);
  if (override && !resolved) throw new CliError(`cannot find a typescript package from --typescript ${override}`);
  const from = resolved ?? resolveFrom(path.dirname(fileURLToPath(import.meta.url)));
  if (!from) throw new CliError("cannot find the typescript package: install typescript@6 in your project (npm install -D typescript@6).");
  const mod = (await import(pathToFileURL(from).href)) as { default?: TypeScript } & Partial<TypeScript>;
  const loaded = (mod.default ?? mod) as TypeScript;
  const version = typeof loaded.version === "string" ? loaded.version : "unknown";
  if (majorVersion(version) >= 7 || typeof loaded.transform !== "function" || typeof loaded.createProgram !== "function") {
    throw new CliError(typescript7Message(version, from));
  }
  return { ts: loaded, from };
}

function resolveModulePath(file: string): string | undefined {
  try {
    return createRequire(path.resolve("__rddopt__.js")).resolve(path.resolve(file));
  } catch {
    return undefined;
  }
}
