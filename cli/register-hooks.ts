/**
 * The module.register hooks of `rddopt/register` (they run on Node's loader thread): `.ts` files are served
 * from the in-memory output register.ts compiled; `./x.js` resolves to `./x.ts` as TypeScript resolves it.
 * CommonJS outputs are handed to Node's CommonJS loader (the require hook in register.ts compiles them).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as ts from "typescript";

export interface CompiledFile {
  code: string;
  format: "module" | "commonjs";
}

export interface HookData {
  /** Absolute source path → its compiled output. */
  files: Record<string, CompiledFile>;
  /** The TypeScript entry file, for files outside the project (transpiled alone). */
  typescript: string;
  options: Record<string, unknown>;
  configPath: string | null;
}

interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string; format?: string | null; shortCircuit?: boolean }>;
type NextLoad = (url: string, context?: { format?: string | null }) => Promise<{ format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }>;

let data: HookData = { files: {}, typescript: "", options: {}, configPath: null };
const TS_FILE = /\.(ts|tsx|mts|cts)$/;

export function initialize(given: HookData): void {
  data = given;
}

/** The TypeScript file a `.js`-style path stands for (TypeScript's own resolution: `./x.js` is `./x.ts`). */
function typescriptFor(file: string): string | undefined {
  if (data.files[file] || (TS_FILE.test(file) && fs.existsSync(file))) return file;
  const candidates: string[] = [];
  const ext = path.extname(file);
  const stem = file.slice(0, file.length - ext.length);
  if (ext === ".js") candidates.push(`${stem}.ts`, `${stem}.tsx`);
  else if (ext === ".mjs") candidates.push(`${stem}.mts`);
  else if (ext === ".cjs") candidates.push(`${stem}.cts`);
  else if (ext === ".jsx") candidates.push(`${stem}.tsx`);
  else if (ext === "") candidates.push(`${file}.ts`, `${file}.tsx`, path.join(file, "index.ts"));
  const inProject = candidates.find((c) => data.files[c]);
  if (inProject) return inProject;
  if (fs.existsSync(file) && fs.statSync(file).isFile()) return undefined;
  return candidates.find((c) => fs.existsSync(c));
}

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve) {
  const relative = /^\.\.?(\/|$)/.test(specifier) || specifier.startsWith("/") || specifier.startsWith("file:");
  if (relative && (context.parentURL?.startsWith("file:") || specifier.startsWith("file:") || specifier.startsWith("/"))) {
    const url = specifier.startsWith("file:") ? new URL(specifier) : new URL(specifier, context.parentURL ?? pathToFileURL(process.cwd() + "/").href);
    const file = fileURLToPath(url);
    const target = typescriptFor(file);
    if (target) return { url: pathToFileURL(target).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

let transpiler: Promise<typeof ts> | undefined;
const warned = new Set<string>();

/** Whether Node would run `file` as an ES module by its package.json ("type": "module"). */
function packageIsModule(file: string): boolean {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { type?: string }).type === "module";
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

export async function load(url: string, context: { format?: string | null }, nextLoad: NextLoad) {
  if (!url.startsWith("file:")) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const compiled = data.files[file];
  if (compiled) {
    // CommonJS: no source, so Node's CommonJS loader runs it (and its require()s) through register.ts's hook
    return compiled.format === "module" ? { format: "module", source: compiled.code, shortCircuit: true } : { format: "commonjs", shortCircuit: true };
  }
  if (!TS_FILE.test(file)) return nextLoad(url, context);
  const module = file.endsWith(".mts") || (!file.endsWith(".cts") && packageIsModule(file));
  if (!module) return { format: "commonjs", shortCircuit: true };
  if (!warned.has(file)) {
    warned.add(file);
    process.stderr.write(
      `rddopt/register: warning: ${path.relative(process.cwd(), file)} is not part of ${data.configPath ? path.relative(process.cwd(), data.configPath) : "a tsconfig.json project"}: transpiled on its own, unoptimized.\n`,
    );
  }
  transpiler ??= import(pathToFileURL(data.typescript).href).then((m: { default?: typeof ts }) => (m.default ?? m) as typeof ts);
  const tsi = await transpiler;
  const out = tsi.transpileModule(fs.readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: { ...(data.options as ts.CompilerOptions), module: tsi.ModuleKind.ESNext, moduleResolution: undefined, inlineSourceMap: true, inlineSources: true, sourceMap: false, declaration: false, noEmit: false },
  });
  return { format: "module", source: out.outputText, shortCircuit: true };
}
