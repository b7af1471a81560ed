/**
 * The one place rddopt's commands (`report`, `rewrite`) and the development loader (`rddopt/register`) get a
 * TypeScript compiler API from. The analysis needs the classic API (a `ts.Program`, its checker and
 * `ts.transform`), which TypeScript 5.9 and 6.0 have and TypeScript 7 (the native compiler) does not.
 *
 * Order: `--typescript <dir>` when given; else the project's own compiler when it has that API; else
 * (a TypeScript 7 project, or none at all) the TypeScript 6 that rddopt depends on
 * (`@typescript/typescript6`, Microsoft's side-by-side package). When TypeScript 7's own API
 * (`typescript/unstable/sync`) is stable, it slots in here.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as ts from "typescript";
import { codeCacheEnabled, requireWithCodeCache } from "./code-cache.js";
import { CliError } from "./errors.js";

export type TypeScript = typeof ts;

export interface LoadedTypeScript {
  ts: TypeScript;
  /** Where it was loaded from (a file path), for messages. */
  from: string;
  /** Set when rddopt uses its bundled TypeScript 6 instead of the project's compiler: why, for the user. */
  note?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** `specifier`'s entry file resolved from `dir`, or undefined when none is reachable. */
function resolveFrom(dir: string, specifier = "typescript"): string | undefined {
  try {
    return createRequire(path.join(path.resolve(dir), "__rddopt__.js")).resolve(specifier);
  } catch {
    return undefined;
  }
}

function majorVersion(version: string): number {
  return Number.parseInt(version.split(".")[0] ?? "0", 10);
}

/** Whether `loaded` has the compiler API the analysis needs (TypeScript 7's package has none). */
function hasCompilerApi(loaded: Partial<TypeScript>): loaded is TypeScript {
  const version = typeof loaded.version === "string" ? loaded.version : "0";
  return majorVersion(version) < 7 && typeof loaded.transform === "function" && typeof loaded.createProgram === "function";
}

async function importTypeScript(file: string): Promise<Partial<TypeScript>> {
  // TypeScript's packages are CommonJS: `require` loads them directly, while `import()` first scans the
  // whole 9 MB file for its exports (cjs-module-lexer, ~1 s of CPU on every start of a bundler build)
  if (file.endsWith(".js") || file.endsWith(".cjs")) {
    const cached = codeCacheEnabled() ? requireWithCodeCache(file) : undefined;
    if (cached) return cached.exports as Partial<TypeScript>;
    try {
      return createRequire(import.meta.url)(file) as Partial<TypeScript>;
    } catch (error) {
      if ((error as { code?: string }).code !== "ERR_REQUIRE_ESM") throw error;
    }
  }
  const mod = (await import(pathToFileURL(file).href)) as { default?: TypeScript } & Partial<TypeScript>;
  return (mod.default ?? mod) as Partial<TypeScript>;
}

function versionOf(loaded: Partial<TypeScript>): string {
  return typeof loaded.version === "string" ? loaded.version : "unknown";
}

export function typescript7Message(version: string, from: string): string {
  return [
    `TypeScript ${version} (${from}) is the native compiler (TypeScript 7+), which has no compiler API for rddopt to analyse with.`,
    "Leave out --typescript to use the TypeScript 6 bundled with rddopt (@typescript/typescript6), or point --typescript at a 5.9 or 6.0 install.",
  ].join("\n");
}

/** The TypeScript 6 rddopt depends on: `@typescript/typescript6`, else a `typescript` reachable from rddopt itself. */
export function bundledTypeScriptPath(): string | undefined {
  return resolveFrom(here, "@typescript/typescript6") ?? resolveFrom(here, "typescript");
}

/**
 * Loads TypeScript for `projectDir`. `override` (a directory or a module path) wins over the project's own
 * copy; a project whose compiler has no API (TypeScript 7), or that has none, gets rddopt's TypeScript 6.
 */
export async function loadTypeScript(projectDir: string, override?: string): Promise<LoadedTypeScript> {
  if (override) {
    const resolved = resolveFrom(override) ?? resolveModulePath(override);
    if (!resolved) throw new CliError(`cannot find a typescript package from --typescript ${override}`);
    const loaded = await importTypeScript(resolved);
    if (!hasCompilerApi(loaded)) throw new CliError(typescript7Message(versionOf(loaded), resolved));
    return { ts: loaded, from: resolved };
  }
  const own = resolveFrom(projectDir);
  let ownVersion: string | undefined;
  if (own) {
    const loaded = await importTypeScript(own);
    if (hasCompilerApi(loaded)) return { ts: loaded, from: own };
    ownVersion = versionOf(loaded);
  }
  const bundled = bundledTypeScriptPath();
  if (!bundled || bundled === own) {
    throw new CliError(
      ownVersion
        ? `the project's TypeScript ${ownVersion} has no compiler API and rddopt's own TypeScript 6 (@typescript/typescript6) is missing: reinstall rddopt.`
        : "cannot find the typescript package: install typescript@6 in your project (npm install -D typescript@6), or reinstall rddopt.",
    );
  }
  const loaded = await importTypeScript(bundled);
  if (!hasCompilerApi(loaded)) throw new CliError(typescript7Message(versionOf(loaded), bundled));
  const note = ownVersion
    ? `the project's TypeScript ${ownVersion} (the native compiler) has no compiler API: rddopt analyses with its bundled TypeScript ${loaded.version}`
    : undefined;
  return { ts: loaded, from: bundled, note };
}

function resolveModulePath(file: string): string | undefined {
  try {
    return createRequire(path.resolve("__rddopt__.js")).resolve(path.resolve(file));
  } catch {
    return undefined;
  }
}
