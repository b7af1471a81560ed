/** The plugin's `include` / `exclude` options: RegExps, or paths (a file, or a directory and all under it). */
import path from "node:path";

export type FilterPattern = string | RegExp | readonly (string | RegExp)[];

function matcher(pattern: string | RegExp, cwd: string): (file: string) => boolean {
  if (pattern instanceof RegExp) {
    // a /g or /y RegExp keeps lastIndex between tests: test a fresh copy
    return (file) => new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "")).test(file.split(path.sep).join("/"));
  }
  if (typeof pattern !== "string") throw new TypeError(`rddopt: include/exclude entries must be strings or RegExps, got ${typeof pattern}`);
  if (/[*?{}[\]]/.test(pattern)) {
    throw new TypeError(`rddopt: include/exclude "${pattern}" is a glob: pass a directory ("src"), a file, or a RegExp (/\\/generated\\//)`);
  }
  const base = path.resolve(cwd, pattern);
  return (file) => file === base || file.startsWith(base.endsWith(path.sep) ? base : base + path.sep);
}

function list(pattern: FilterPattern | undefined): (string | RegExp)[] {
  if (pattern === undefined) return [];
  return Array.isArray(pattern) ? [...(pattern as readonly (string | RegExp)[])] : [pattern as string | RegExp];
}

/** A predicate on absolute file paths: in `include` (everything when empty) and not in `exclude`. */
export function compileFilter(include: FilterPattern | undefined, exclude: FilterPattern | undefined, cwd: string): (file: string) => boolean {
  const included = list(include).map((p) => matcher(p, cwd));
  const excluded = list(exclude).map((p) => matcher(p, cwd));
  return (file) => (included.length === 0 || included.some((m) => m(file))) && !excluded.some((m) => m(file));
}
