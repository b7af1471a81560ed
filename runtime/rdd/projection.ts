/**
 * Value projections: which parts of each value a pruned shuffle keeps, as data. The transformer writes them
 * (`rdd.projectValues([0, 3])`); the runtime compiles each one once into a specialised function.
 *
 * A tuple projection lists the elements it keeps, in their new order: an index keeps that element whole,
 * `[index, projection]` keeps it projected, and `null` is a position kept empty (`undefined`). An object
 * projection maps each kept property to `true` (whole) or to a projection of it. `null` drops the value: the
 * transformer writes `projectValues(null)` for a value no code reads (`join(...).count()`, a side whose value
 * the code after the join never touches), so the shuffle carries `undefined` instead.
 *
 * Every level is guarded: a value that is `null`/`undefined`, or not an array or a plain object (a class
 * instance behind an interface type), is handed on unchanged, so it meets the shuffle's codec exactly as it
 * would without the projection (which rejects it), and a projection never throws. Null-prototype objects
 * are plain data: they are projected (the result has the ordinary prototype, which no modelled read sees).
 * Likewise `null` drops only what the codec carries (isDroppable): a function, symbol, class instance or
 * Array subclass is handed on whole, to fail at the codec as it would without the projection.
 */
import { InvalidArgumentError } from "../errors.js";
import { cachedOnce } from "../bounded-cache.js";
import type { FusedPick } from "../shuffle/codec.js";

export type ValueProjection =
  | readonly (number | null | readonly [number, ValueProjection])[]
  | { readonly [property: string]: true | ValueProjection }
  | null;

const compiled = new WeakMap<object, (value: unknown) => unknown>();

/**
 * Whether `null` may drop a value: primitives (other than symbols), exact arrays and plain objects, what the
 * shuffle's codec carries (their parts' types are the transformer's to prove data, as for dropped tuple
 * elements). Anything else is handed on whole, so that it fails at the codec as without the projection.
 */
export function isDroppable(v: unknown): boolean {
  if (typeof v !== "object") return typeof v !== "function" && typeof v !== "symbol";
  if (v === null) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Array.prototype ? Array.isArray(v) : proto === Object.prototype || proto === null;
}

const dropValue = (v: unknown): unknown => (isDroppable(v) ? undefined : v);

/**
 * Compiled functions by their source, for the life of the thread. The transformer writes a projection as a
 * literal in the job's code, so every run of the job passes a new object; compiling each anew would give every
 * job a new function (parsed, compiled and optimised again), and optimised code that inlined the old one is
 * thrown away at the next full collection ("weak objects"). Bounded (cachedOnce).
 */
const bySource = new Map<string, (value: unknown) => unknown>();

/** The function applying `projection` to one value (compiled once per distinct projection). */
export function compileProjection(projection: ValueProjection): (value: unknown) => unknown {
  if (projection === null) return dropValue;
  const known = compiled.get(projection);
  if (known) return known;
  let depth = 0;
  const temps: string[] = [];
  const gen = (spec: ValueProjection, expr: string, level: number): string => {
    depth = Math.max(depth, level);
    const t = level === 0 ? "v" : `t${level}`;
    const bind = level === 0 ? "" : `${t} = ${expr}, `;
    if (spec === null) return `(${bind}isDroppable(${t}) ? undefined : ${t})`;
    if (Array.isArray(spec)) {
      const parts = (spec as readonly unknown[]).map((entry) => {
        if (entry === null) return "undefined";
        if (isIndex(entry)) return `${t}[${entry}]`;
        if (Array.isArray(entry) && entry.length === 2 && isIndex(entry[0]) && (entry[1] === null || isProjection(entry[1]))) {
          return gen(entry[1] as ValueProjection, `${t}[${entry[0]}]`, level + 1);
        }
        throw invalid(entry);
      });
      return `(${bind}${t} == null || !(Array.isArray(${t}) || isPlainObject(${t})) ? ${t} : [${parts.join(", ")}])`;
    }
    if (!isProjection(spec)) throw invalid(spec);
    const parts = Object.entries(spec).map(([name, entry]) => {
      const key = JSON.stringify(name);
      const target = name === "__proto__" ? `[${key}]` : key; // a quoted "__proto__" key would set the prototype
      if (entry === true) return `${target}: ${t}[${key}]`;
      if (entry === null || isProjection(entry)) return `${target}: ${gen(entry, `${t}[${key}]`, level + 1)}`;
      throw invalid(entry);
    });
    return `(${bind}${t} == null || !isPlainObject(${t}) ? ${t} : {${parts.join(", ")}})`;
  };
  const body = gen(projection, "v", 0);
  for (let i = 1; i <= depth; i++) temps.push(`t${i}`);
  const source = `${temps.length ? `let ${temps.join(", ")};\n` : ""}return ${body};`;
  const fn = cachedOnce(bySource, source, () => {
    const make = new Function("isPlainObject", "isDroppable", `return function projectValue(v) {\n${source}\n};`) as (
      isPlainObject: (o: object) => boolean,
      droppable: (v: unknown) => boolean,
    ) => (value: unknown) => unknown;
    return make(isPlainObject, isDroppable);
  });
  compiled.set(projection, fn);
  return fn;
}

/** Plain data objects: Object.prototype or no prototype at all (both are what the codec carries as data). */
export function isPlainObject(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

function isIndex(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value < 2 ** 32 - 1;
}

function isProjection(value: unknown): value is ValueProjection {
  return typeof value === "object" && value !== null && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype);
}

function invalid(entry: unknown): InvalidArgumentError {
  return new InvalidArgumentError(
    `projectValues: ${JSON.stringify(entry) ?? String(entry)} is not a projection entry. A tuple projection lists indices, [index, projection] or null; an object projection maps property names to true or a projection.`,
  );
}

/**
 * Whether every part a projection keeps stays where it was (tuple entries j at position j, any object
 * projection): code reading the projected value then reads the same from the unprojected one, since it reads
 * only kept parts. A broadcast join streams such a side unprojected: projecting it would save nothing.
 */
export function keepsPositions(projection: ValueProjection): boolean {
  if (projection === null) return true; // nothing reads the value: the whole one reads the same
  if (Array.isArray(projection)) {
    return (projection as readonly unknown[]).every(
      (entry, j) => entry === null || entry === j || (Array.isArray(entry) && entry[0] === j && keepsPositions(entry[1] as ValueProjection)),
    );
  }
  return Object.values(projection).every((entry) => entry === true || keepsPositions(entry));
}

/**
 * A projection as the codec can read it straight from unprojected rows (a FusedPick): a list of indices, an
 * object projection keeping every listed property whole, or `null` (nothing kept); undefined for any other.
 */
export function flatPick(spec: ValueProjection): FusedPick | undefined {
  if (spec === null) return "none";
  if (Array.isArray(spec)) return spec.every((e): e is number => typeof e === "number") ? (spec as readonly number[]) : undefined;
  const entries = Object.entries(spec);
  // Object.keys order is the order compileProjection's object literal lists the properties in.
  return entries.every(([, entry]) => entry === true) ? { keys: entries.map(([name]) => name) } : undefined;
}
