/**
 * V8's code cache for the TypeScript compiler rddopt loads (9 MB of JavaScript), kept on disk between runs.
 *
 * Every `rddopt build`, `report`, `rewrite` and `rddopt/register` start loads TypeScript's whole API, and V8
 * compiles its functions lazily while the compile runs: about 0.35 s of a 2.6 s build of 200 files on this
 * machine. The cache is taken after a run (`script.createCachedData()`), so it holds the functions the compile
 * used, not only the top level that a cache taken at load time (Node 22's `enableCompileCache`,
 * v8-compile-cache) holds. V8 checks the source and its own version and flags before it accepts a cache;
 * a rejected or missing one costs nothing but the compile it would have saved, and is written anew.
 *
 * Where: `$RDDOPT_CACHE_DIR`, else `$XDG_CACHE_HOME/rddopt`, else `~/.cache/rddopt`. `RDDOPT_CODE_CACHE=0`
 * turns it off. A cache directory that cannot be written is skipped in silence: it only costs speed.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import Module, { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";

interface Pending {
  script: vm.Script;
  cacheFile: string;
}

const pending: Pending[] = [];
let exitHooked = false;

function cacheDirectory(): string {
  const explicit = process.env.RDDOPT_CACHE_DIR;
  if (explicit) return path.resolve(explicit);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "rddopt");
}

export function codeCacheEnabled(): boolean {
  return process.env.RDDOPT_CODE_CACHE !== "0";
}

/** One cache file per (file, its size and mtime, this Node): a changed compiler or Node never reads another's. */
function cacheFileFor(file: string, stat: fs.Stats): string {
  const key = createHash("sha256").update(`${file}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 32);
  return path.join(cacheDirectory(), `v8-${path.basename(file, path.extname(file))}-${key}.bin`);
}

function readCache(cacheFile: string): Buffer | undefined {
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

export interface Loaded {
  exports: unknown;
  /** How the code cache served this load: a "miss" or a "rejected" cache is written by saveCodeCaches. */
  cache: "hit" | "miss" | "rejected" | "loaded before";
}

/** The file compiled as a CommonJS module body, or undefined when it is not one (an ES module, say). */
function compileCommonJs(file: string, cachedData: Buffer | undefined): vm.Script | undefined {
  try {
    return new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData });
  } catch {
    return undefined;
  }
}

/**
 * `require(file)` for a CommonJS file, compiled with its code cache when there is one; undefined when the file
 * does not compile as CommonJS (the caller loads it its own way, and gets that way's error). The module is put
 * in `require.cache`, so a later `require` of the same file gets the same instance.
 */
export function requireWithCodeCache(file: string): Loaded | undefined {
  const requireHere = createRequire(file);
  const known = requireHere.cache[file];
  if (known) return { exports: known.exports, cache: "loaded before" };
  const cacheFile = cacheFileFor(file, fs.statSync(file));
  const cachedData = readCache(cacheFile);
  const script = compileCommonJs(file, cachedData);
  if (!script) return undefined;
  const mod = new Module(file);
  mod.filename = file;
  const wrapper = script.runInThisContext({ displayErrors: true }) as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  requireHere.cache[file] = mod;
  try {
    wrapper.call(mod.exports, mod.exports, requireHere, mod, file, path.dirname(file));
  } catch (error) {
    delete requireHere.cache[file];
    throw error;
  }
  mod.loaded = true;
  const cache = !cachedData ? "miss" : script.cachedDataRejected === true ? "rejected" : "hit";
  if (cache !== "hit") remember({ script, cacheFile });
  return { exports: mod.exports, cache };
}

function remember(entry: Pending): void {
  pending.push(entry);
  if (exitHooked) return;
  exitHooked = true;
  process.once("exit", saveCodeCaches);
}

/**
 * Writes the caches still missing, once: call it when the compile is done (the functions it ran are compiled
 * by then); it also runs at exit. Atomic (a temporary file renamed), so concurrent runs never read half a file.
 */
export function saveCodeCaches(): void {
  for (const { script, cacheFile } of pending.splice(0)) {
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, cacheFile);
      pruneOldest(path.dirname(cacheFile));
    } catch {
      // an unwritable cache directory only costs the speed the cache would have given
    }
  }
}

/** Keeps the newest KEEP caches (one per compiler install and Node version in use), so old ones do not pile up. */
const KEEP = 8;
function pruneOldest(dir: string): void {
  const caches = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith("v8-") && f.endsWith(".bin"))
    .map((f) => ({ file: path.join(dir, f), mtime: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of caches.slice(KEEP)) fs.rmSync(file, { force: true });
}
