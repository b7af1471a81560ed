// cli/code-cache.ts: TypeScript's compiler loaded with V8's code cache. The cache must never change what is
// loaded: a missing, a stale or a corrupt cache loads the same module, and an unwritable cache directory
// costs nothing but speed.
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requireWithCodeCache, saveCodeCaches } from "../../cli/code-cache.js";
import { root, runNode } from "./cli-run.js";

let dir: string;
let saved: string | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-code-cache-"));
  saved = process.env.RDDOPT_CACHE_DIR;
  process.env.RDDOPT_CACHE_DIR = path.join(dir, "cache");
});

afterEach(() => {
  if (saved === undefined) delete process.env.RDDOPT_CACHE_DIR;
  else process.env.RDDOPT_CACHE_DIR = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeModule(name: string, source: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

/** Loads `file` afresh in this process (the module registry forgets it first; V8's in-memory cache may not). */
function loadAfresh(file: string) {
  delete createRequire(file).cache[file];
  return requireWithCodeCache(file);
}

/** Loads `file` in a fresh process through the built module, as `rddopt build` does; then saves the caches. */
async function loadInProcess(file: string): Promise<{ cache: string; exports: unknown }> {
  const script = [
    `const { requireWithCodeCache, saveCodeCaches } = await import(${JSON.stringify(path.join(root, "dist", "cli", "code-cache.js"))});`,
    `const loaded = requireWithCodeCache(${JSON.stringify(file)});`,
    "saveCodeCaches();",
    "console.log(JSON.stringify(loaded));",
  ].join("\n");
  const outcome = await runNode(["--input-type=module", "-e", script], dir);
  expect(outcome.stderr).toBe("");
  return JSON.parse(outcome.stdout) as { cache: string; exports: unknown };
}

const cacheFiles = () => (fs.existsSync(path.join(dir, "cache")) ? fs.readdirSync(path.join(dir, "cache")) : []);

const SOURCE = `
const path = require("node:path");
function square(x) { return x * x; }
module.exports = { squares: [1, 2, 3].map(square), file: path.basename(__filename), dir: path.basename(__dirname), self: this === module.exports };
`;

describe("requireWithCodeCache", () => {
  it("loads a CommonJS module as require does, and writes its cache when the work is done", () => {
    const file = writeModule("mod.cjs", SOURCE);
    const loaded = loadAfresh(file);
    expect(loaded?.cache).toBe("miss");
    expect(loaded?.exports).toEqual({ squares: [1, 4, 9], file: "mod.cjs", dir: path.basename(dir), self: true });
    expect(cacheFiles()).toEqual([]); // not at load: the functions the work runs are compiled by the end
    saveCodeCaches();
    expect(cacheFiles()).toHaveLength(1);
    saveCodeCaches(); // once
    expect(cacheFiles()).toHaveLength(1);
  });

  it("a new process reads the cache the last one wrote, and loads the same module", async () => {
    const file = writeModule("fresh.cjs", SOURCE);
    const expected = { squares: [1, 4, 9], file: "fresh.cjs", dir: path.basename(dir), self: true };
    expect(await loadInProcess(file)).toEqual({ cache: "miss", exports: expected });
    expect(await loadInProcess(file)).toEqual({ cache: "hit", exports: expected });
  });

  it("a corrupt cache is rejected by V8, the module still loads, and the cache is written anew", async () => {
    const file = writeModule("corrupt.cjs", SOURCE);
    await loadInProcess(file);
    const [name] = cacheFiles();
    const cacheFile = path.join(dir, "cache", name!);
    fs.writeFileSync(cacheFile, Buffer.alloc(fs.statSync(cacheFile).size, 7));
    const loaded = await loadInProcess(file);
    expect(loaded.cache).toBe("rejected");
    expect(loaded.exports).toMatchObject({ squares: [1, 4, 9] });
    expect((await loadInProcess(file)).cache).toBe("hit");
  });

  it("an edited file never reads the old file's cache", async () => {
    const file = writeModule("edited.cjs", "module.exports = 1;");
    await loadInProcess(file);
    fs.writeFileSync(file, "module.exports = 22;");
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(await loadInProcess(file)).toEqual({ cache: "miss", exports: 22 });
  });

  it("returns the registered instance to a second load, and require sees the same one", () => {
    const file = writeModule("same.cjs", "module.exports = { id: Math.random() };");
    const first = loadAfresh(file);
    const again = requireWithCodeCache(file);
    expect(again?.cache).toBe("loaded before");
    expect(again?.exports).toBe(first?.exports);
    expect(createRequire(file)(file)).toBe(first?.exports);
  });

  it("an ES module is not loaded here: the caller loads it its own way", () => {
    const file = writeModule("esm.js", "export const x = 1;\n");
    expect(loadAfresh(file)).toBeUndefined();
  });

  it("a module that throws while it runs throws as under require, and is not left registered", () => {
    const file = writeModule("throws.cjs", "throw new RangeError('at load');");
    expect(() => loadAfresh(file)).toThrow(RangeError);
    expect(createRequire(file).cache[file]).toBeUndefined();
  });

  it("an unwritable cache directory costs only speed", () => {
    fs.writeFileSync(path.join(dir, "cache"), "a file where the directory should be");
    const file = writeModule("nodir.cjs", SOURCE);
    expect(loadAfresh(file)?.exports).toMatchObject({ squares: [1, 4, 9] });
    expect(() => saveCodeCaches()).not.toThrow();
  });

  it("loads TypeScript itself, with the same API", async () => {
    const file = createRequire(import.meta.url).resolve("typescript");
    const script = [
      `const { requireWithCodeCache, saveCodeCaches } = await import(${JSON.stringify(path.join(root, "dist", "cli", "code-cache.js"))});`,
      `const ts = requireWithCodeCache(${JSON.stringify(file)}).exports;`,
      "const out = ts.transpileModule('const x: number = 1;', {}).outputText;",
      "saveCodeCaches();",
      "console.log(JSON.stringify({ version: ts.version, out }));",
    ].join("\n");
    for (let run = 0; run < 2; run++) {
      const outcome = await runNode(["--input-type=module", "-e", script], dir);
      const result = JSON.parse(outcome.stdout) as { version: string; out: string };
      expect(result.version).toMatch(/^[56]\./);
      expect(result.out).toContain("const x = 1;");
    }
    expect(cacheFiles().filter((f) => f.startsWith("v8-typescript-"))).toHaveLength(1);
  });
});
