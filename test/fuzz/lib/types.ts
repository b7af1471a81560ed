/**
 * The value types generated programs carry, how they print as TypeScript, and
 * the code that builds random values of them at run time.
 *
 * `int` is a number that is safe as a key (small integers, never -0 or NaN);
 * `num` may be -0, NaN or a fraction, so it is kept out of keys, `distinct`
 * and string-compared positions where SameValueZero would make the result
 * depend on row order.
 */
import type { Chooser } from "./chooser.js";

/**
 * The tsconfig a batch of programs is compiled under (see compile.ts TS_VARIANT_OPTIONS):
 * the harness default (`strict`), `strict: false`, `noUncheckedIndexedAccess`, `exactOptionalPropertyTypes`.
 * Programs are generated for the variant they are compiled with.
 */
export type TsVariant = "strict" | "loose" | "unchecked" | "exact";
export const TS_VARIANTS: readonly TsVariant[] = ["strict", "loose", "unchecked", "exact"];

export type VType =
  | { k: "int" }
  | { k: "num" }
  | { k: "str" }
  | { k: "bool" }
  | { k: "opt"; inner: VType }
  | { k: "tuple"; items: VType[] }
  | { k: "obj"; fields: Field[] }
  /** Only as a lambda's return type (flatMap): never a row's value. */
  | { k: "list"; item: VType };

export interface Field {
  name: string;
  type: VType;
  /** The property may be absent (declared `name?: T`). */
  optional: boolean;
}

export const INT: VType = { k: "int" };
export const NUM: VType = { k: "num" };
export const STR: VType = { k: "str" };
export const BOOL: VType = { k: "bool" };

export function opt(inner: VType): VType {
  return inner.k === "opt" ? inner : { k: "opt", inner };
}

export function tuple(...items: VType[]): VType {
  return { k: "tuple", items };
}

export function isPrim(t: VType): boolean {
  return t.k === "int" || t.k === "num" || t.k === "str" || t.k === "bool";
}

/** Prints a type as TypeScript. */
export function renderType(t: VType): string {
  switch (t.k) {
    case "int":
    case "num":
      return "number";
    case "str":
      return "string";
    case "bool":
      return "boolean";
    case "opt":
      return `${renderType(t.inner)} | undefined`;
    case "tuple":
      return `[${t.items.map(renderType).join(", ")}]`;
    case "obj":
      return `{ ${t.fields.map((f) => `${f.name}${f.optional ? "?" : ""}: ${renderType(f.type)}`).join("; ")} }`;
    case "list":
      return `${renderElementType(t.item)}[]`;
  }
}

/** As an array element type: unions need parentheses. */
export function renderElementType(t: VType): string {
  return t.k === "opt" ? `(${renderType(t)})` : renderType(t);
}

/** Number of leaves, to keep nested join results from growing without bound. */
export function typeSize(t: VType): number {
  switch (t.k) {
    case "opt":
      return typeSize(t.inner);
    case "tuple":
      return t.items.reduce((s, i) => s + typeSize(i), 0);
    case "obj":
      return t.fields.reduce((s, f) => s + typeSize(f.type), 0);
    case "list":
      return 1 + typeSize(t.item);
    default:
      return 1;
  }
}

/** Hashable by value with an order-independent result: primitives other than `num`, tuples of them, optional ones. */
export function isKeySafe(t: VType): boolean {
  switch (t.k) {
    case "int":
    case "str":
    case "bool":
      return true;
    case "opt":
      return isKeySafe(t.inner);
    case "tuple":
      return t.items.every(isKeySafe);
    default:
      return false;
  }
}

const FIELD_NAMES = ["id", "name", "qty", "price", "city", "flag", "score", "tag", "note", "age", "region", "total"];

/** A random value type for source data. */
export function randomValueType(c: Chooser, depth = 0): VType {
  const kind = c.int(depth >= 2 ? 4 : 7);
  switch (kind) {
    case 0:
      return INT;
    case 1:
      return STR;
    case 2:
      return NUM;
    case 3:
      return BOOL;
    case 4:
    case 5: {
      const n = 1 + c.int(4);
      const fields: Field[] = [];
      const names = [...FIELD_NAMES];
      for (let i = 0; i < n; i++) {
        const name = names.splice(c.int(names.length), 1)[0]!;
        fields.push({ name, type: randomValueType(c, depth + 1), optional: c.chance(20) });
      }
      return { k: "obj", fields };
    }
    default: {
      const n = 1 + c.int(4);
      const items: VType[] = [];
      for (let i = 0; i < n; i++) items.push(c.chance(15) ? opt(randomValueType(c, depth + 1)) : randomValueType(c, depth + 1));
      return { k: "tuple", items };
    }
  }
}

/** A key type: a small integer, a string from a small set, or a composite key. */
export function randomKeyType(c: Chooser): VType {
  return c.pick([INT, STR, tuple(INT, STR)]);
}

/** Code that builds a random value of `t` from the program's `r: Rand`. */
export function buildValue(t: VType): string {
  switch (t.k) {
    case "int":
      return "r.int(10)";
    case "num":
      return "r.num()";
    case "str":
      return "r.str()";
    case "bool":
      return "r.bool()";
    case "opt":
      return `(r.chance(0.3) ? undefined : ${buildValue(t.inner)})`;
    case "tuple":
      return `[${t.items.map(buildValue).join(", ")}]`;
    case "obj": {
      const required = t.fields.filter((f) => !f.optional).map((f) => `${f.name}: ${buildValue(f.type)}`);
      const optional = t.fields.filter((f) => f.optional).map((f) => `...(r.chance(0.4) ? {} : { ${f.name}: ${buildValue(f.type)} })`);
      return `{ ${[...required, ...optional].join(", ")} }`;
    }
    case "list":
      throw new Error("lists are not row values");
  }
}

/** Code that builds a random key of `t` (skewed when the program asks for it). */
export function buildKey(t: VType): string {
  switch (t.k) {
    case "int":
      return "r.key()";
    case "str":
      return '("k" + r.key())';
    case "tuple":
      return `[${t.items.map(buildKey).join(", ")}]`;
    default:
      throw new Error(`not a key type: ${renderType(t)}`);
  }
}
