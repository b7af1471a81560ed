/**
 * Finding input files: a file, a directory (read recursively, as Spark reads a dataset directory), or a glob
 * (`data/*.csv`, `logs/**\/*.gz`, `part-{0,1}*`). Names starting with `_` or `.` are never data (`_SUCCESS`,
 * `.crc` files, `_rddopt_bucketing.json`). Hive-style directories `key=value` give each file partition values.
 */
import fs from "node:fs";
import path from "node:path";
import { InvalidArgumentError } from "../errors.js";

/** One input file with its size and the partition values of its `key=value` directories (raw strings; null for Hive's default partition). */
export interface InputFile {
  file: string;
  size: number;
  partitionValues: Record<string, string | null>;
}

/** Hive's name for a null partition value. */
export const HIVE_NULL = "__HIVE_DEFAULT_PARTITION__";

const hidden = (name: string): boolean => name.startsWith("_") || name.startsWith(".");

/** Every data file under `location` (a file, a directory or a glob), sorted by path; `reader` names the caller in errors. */
export function listInputFiles(location: string, reader: string): InputFile[] {
  if (typeof location !== "string" || location === "") {
    throw new InvalidArgumentError(`${reader} needs a path: a file, a directory or a glob such as "data/*.csv".`);
  }
  const glob = hasGlob(location);
  const root = glob ? globRoot(location) : location;
  let files: string[];
  if (glob) {
    const matcher = globToRegExp(path.resolve(location));
    files = fs.existsSync(root) ? walk(root).filter((f) => matcher.test(path.resolve(f))) : [];
    if (files.length === 0) {
      throw new InvalidArgumentError(`${reader}: no file matches ${location}. Check the pattern (* matches within a directory, ** across directories).`);
    }
  } else {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(location);
    } catch (e) {
      throw new InvalidArgumentError(`${reader}: cannot read ${location} (${(e as Error).message}). Check the path exists and is readable.`);
    }
    files = stat.isDirectory() ? walk(location) : [location];
  }
  const base = glob ? root : fs.statSync(location).isDirectory() ? location : path.dirname(location);
  return files.sort().map((file) => ({ file, size: fs.statSync(file).size, partitionValues: partitionValuesOf(base, file) }));
}

/** Files under `dir`, recursively, skipping `_` and `.` names (files and directories). */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (hidden(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** `key=value` segments of `file`'s directories below `base`, unescaped. */
export function partitionValuesOf(base: string, file: string): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  const relative = path.relative(base, path.dirname(file));
  if (relative === "" || relative.startsWith("..")) return values;
  for (const segment of relative.split(path.sep)) {
    const eq = segment.indexOf("=");
    if (eq <= 0) continue;
    const raw = unescapePartitionValue(segment.slice(eq + 1));
    values[unescapePartitionValue(segment.slice(0, eq))] = raw === HIVE_NULL ? null : raw;
  }
  return values;
}

// Characters Hive escapes in partition directory names (FileUtils.escapePathName), plus the path separators.
const ESCAPED = /["#%'*/:=?\\\x00-\x1f\x7f{}[\]^]/g;

export function escapePartitionValue(value: string): string {
  return value.replace(ESCAPED, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
}

export function unescapePartitionValue(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function hasGlob(location: string): boolean {
  return /[*?[{]/.test(location);
}

/** The directory part of a glob before its first wildcard segment. */
function globRoot(location: string): string {
  const parts = location.split(/[\\/]/);
  const fixed: string[] = [];
  for (const part of parts) {
    if (hasGlob(part)) break;
    fixed.push(part);
  }
  const root = fixed.join("/");
  return root === "" ? (location.startsWith("/") ? "/" : ".") : root;
}

/** A glob as a RegExp over absolute paths: `*` and `?` stay within a segment, `**` spans segments, `{a,b}` alternates, `[...]` is a class. */
export function globToRegExp(glob: string): RegExp {
  const p = glob.split(path.sep).join("/");
  let re = "";
  let braces = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "*") {
      if (p[i + 1] === "*") {
        const slash = p[i + 2] === "/";
        re += slash ? "(?:[^/]*/)*" : ".*";
        i += slash ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") {
      braces++;
      re += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (c === "," && braces > 0) re += "|";
    else if (c === "[") {
      const close = p.indexOf("]", i + 1);
      if (close === -1) re += "\\[";
      else {
        re += "[" + p.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]";
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
