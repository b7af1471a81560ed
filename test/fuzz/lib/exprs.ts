/**
 * Expressions over a lambda's parameters: reading fields (to any depth, with
 * optional chaining), computing from them, building new tuples and objects,
 * and the "escapes" a pruning analysis must treat as observing a whole value
 * (JSON.stringify, spread, Object.keys, dynamic index, an opaque function).
 */
import type { Chooser } from "./chooser.js";
import { BOOL, INT, NUM, STR, isKeySafe, opt, renderType, tuple, type Field, type TsVariant, type VType } from "./types.js";

/** A readable value in scope: code that evaluates to it and its type. */
export interface Access {
  code: string;
  type: VType;
}

/** Every value reachable from the roots: the roots, their fields and elements, to any depth. */
export function reachable(roots: readonly Access[]): Access[] {
  const out: Access[] = [];
  const walk = (a: Access, depth: number) => {
    out.push(a);
    if (depth > 5) return;
    const t = a.type.k === "opt" ? a.type.inner : a.type;
    const dot = a.type.k === "opt" ? "?." : ".";
    const wrap = (x: VType) => (a.type.k === "opt" ? opt(x) : x);
    if (t.k === "tuple") {
      t.items.forEach((item, i) => walk({ code: `${a.code}${a.type.k === "opt" ? "?." : ""}[${i}]`, type: wrap(item) }, depth + 1));
    } else if (t.k === "obj") {
      t.fields.forEach((f) => walk({ code: `${a.code}${dot}${f.name}`, type: wrap(f.optional ? opt(f.type) : f.type) }, depth + 1));
    }
  };
  roots.forEach((r) => walk(r, 0));
  return out;
}

const SMALL_INTS = ["0", "1", "2", "3", "5"];
const STR_LITERALS = ['"a"', '"b"', '"ab"', '""', '"k1"'];

/** A module-level declaration another module may import (rendered with `export` once it does). */
export interface Decl {
  name: string;
  /** The declaration without `export`. */
  text: string;
  exported: boolean;
}

/** A same-module helper reading one field or position of whatever it is given (region: one helper, several tuple types). */
export interface ValueHelper {
  name: string;
  /** Whether a value of this type may be passed (structurally). */
  accepts(t: VType): boolean;
  out: VType;
  /** Types of the arguments seen so far (rendered), for coverage. */
  argTypes: Set<string>;
}

/** Helpers and context a body generator may use; collects module-level declarations it needs. */
export interface GenEnv {
  c: Chooser;
  /** Module-level declarations (helper functions) to emit before the pipeline (of the module being generated). */
  decls: (string | Decl)[];
  fresh(prefix: string): string;
  /** Allow whole-value escapes in this program. */
  escapes: boolean;
  /**
   * Choices of the regions added after the first generator (issue 10), read from the back of the
   * choice sequence. Every zero means "not this region": with no such choices a program is exactly
   * what the first generator made of the same sequence.
   */
  x: Chooser;
  /** The tsconfig the program is compiled under. */
  variant: TsVariant;
  /** Counts a use of a new region (coverage). */
  tag(region: string): void;
  /** A module-level helper of the current module, declared once per key; returns its name. */
  helper(key: string, make: (name: string) => string): string;
  /** Value helpers callable from the current module. */
  valueHelpers(): ValueHelper[];
  /** Declares a value helper in the current module. */
  addValueHelper(h: ValueHelper, decl: Decl): void;
  /** The name to call `h` by from the current module (imports it from the library module if needed). */
  useValueHelper(h: ValueHelper): string;
  /** A call of the program's side-effect counter (`tick()`, its count is one of the results). */
  tick(): string;
}

function pickAccess(env: GenEnv, all: Access[], want: (t: VType) => boolean): Access | undefined {
  const fits = all.filter((a) => want(a.type));
  return fits.length ? fits[env.c.int(fits.length)] : undefined;
}

/** A whole-value escape over some composite (or the root): yields an int. */
function escape(env: GenEnv, all: Access[]): Access | undefined {
  const composite = all.filter((a) => a.type.k === "tuple" || a.type.k === "obj");
  const target = composite.length ? composite[env.c.int(composite.length)]! : all[0];
  if (!target) return undefined;
  const t = target.type;
  switch (env.c.int(5)) {
    case 0:
      return { code: `String(JSON.stringify(${target.code})).length`, type: INT };
    case 1:
      return t.k === "obj" || t.k === "tuple" ? { code: `Object.keys(${target.code}).length`, type: INT } : undefined;
    case 2:
      return { code: `opaque(${target.code})`, type: INT };
    case 3:
      if (t.k === "tuple" && t.items.length > 0) return { code: `String(${target.code}[dyn % ${t.items.length}]).length`, type: INT };
      if (t.k === "obj" && t.fields.length > 0) {
        const names = JSON.stringify(t.fields.map((f) => f.name));
        return { code: `String((${target.code} as Record<string, unknown>)[${names}[dyn % ${t.fields.length}]!]).length`, type: INT };
      }
      return undefined;
    default:
      if (t.k === "obj") return { code: `Object.values({ ...${target.code} }).length`, type: INT };
      if (t.k === "tuple") return { code: `[...${target.code}].length`, type: INT };
      return undefined;
  }
}

/** A computed value from one readable value. */
function derive(env: GenEnv, a: Access): Access {
  const c = env.c;
  switch (a.type.k) {
    case "int":
      return c.pick([a, { code: `(${a.code} * 2)`, type: INT }, { code: `(${a.code} + 1)`, type: INT }]);
    case "num":
      return c.pick([a, { code: `(${a.code} * 3)`, type: NUM }, { code: `Math.abs(${a.code})`, type: NUM }, { code: `(${a.code} > 0)`, type: BOOL }]);
    case "str":
      return c.pick([a, { code: `${a.code}.length`, type: INT }, { code: `(${a.code} + "!")`, type: STR }, { code: `${a.code}.toUpperCase()`, type: STR }]);
    case "bool":
      return c.pick([a, { code: `!${a.code}`, type: BOOL }, { code: `Number(${a.code})`, type: INT }]);
    case "opt": {
      const inner = a.type.inner;
      if (c.chance(50)) return a;
      if (inner.k === "int" || inner.k === "num") return { code: `(${a.code} ?? 0)`, type: inner };
      if (inner.k === "str") return c.chance(50) ? { code: `(${a.code} ?? "none")`, type: STR } : { code: `(${a.code} ?? "").length`, type: INT };
      if (inner.k === "bool") return { code: `(${a.code} ?? false)`, type: BOOL };
      return { code: `(${a.code} === undefined)`, type: BOOL };
    }
    default:
      return a; // forward a whole tuple or object
  }
}

/** A new value built from the accesses in scope: a derived field, or a tuple/object of them. */
export function genValue(env: GenEnv, roots: readonly Access[], depth = 0): Access {
  const all = reachable(roots);
  const c = env.c;
  const shape = c.int(depth >= 2 ? 2 : 5);
  if (shape === 0 || shape === 1) {
    if (env.x.chance(7)) {
      const w = widened(env, all);
      if (w) return w;
    }
    if (env.x.chance(8)) {
      const h = valueHelperCall(env, all);
      if (h) return h;
    }
    if (env.escapes && c.chance(12)) {
      const e = escape(env, all);
      if (e) return e;
    }
    return derive(env, all[c.int(all.length)]!);
  }
  const n = 1 + c.int(3);
  const parts: Access[] = [];
  for (let i = 0; i < n; i++) parts.push(genValue(env, roots, depth + 1));
  if (shape === 4) {
    const fields: Field[] = parts.map((p, i) => ({ name: `f${i}`, type: p.type, optional: false }));
    return { code: `{ ${parts.map((p, i) => `f${i}: ${p.code}`).join(", ")} }`, type: { k: "obj", fields } };
  }
  return { code: `[${parts.map((p) => p.code).join(", ")}]`, type: tuple(...parts.map((p) => p.type)) };
}

/** A boolean over the accesses in scope. */
export function genPredicate(env: GenEnv, roots: readonly Access[]): string {
  const all = reachable(roots);
  const c = env.c;
  const one = (): string => {
    if (env.escapes && c.chance(10)) {
      const e = escape(env, all);
      if (e) return `${e.code} > ${c.pick(["5", "10", "20"])}`;
    }
    const a = all[c.int(all.length)]!;
    switch (a.type.k) {
      case "int":
        return `${a.code} ${c.pick([">", "<", "<=", ">="])} ${c.pick(SMALL_INTS)}`; // no !==: "x !== 0 || x !== 1" does not type-check
      case "num":
        return c.pick([`${a.code} > 0`, `${a.code} <= 2`, `!Number.isNaN(${a.code})`]);
      case "str":
        return c.pick([`${a.code}.length > 1`, `${a.code}.includes(${c.pick(STR_LITERALS)})`, `${a.code} < "b"`]);
      case "bool":
        return c.pick([a.code, `!${a.code}`]);
      case "opt":
        return c.pick([`${a.code} !== undefined`, `${a.code} === undefined`]);
      default:
        return "true"; // a comparison of a tuple/object with undefined would narrow it to never in the other operand
    }
  };
  const first = one();
  // Boolean(...) on the left keeps TypeScript from narrowing the right operand's accesses to never.
  return c.chance(30) ? `(Boolean(${first}) ${c.pick(["&&", "||"])} ${one()})` : first;
}

/** An expression of key type `t` computed from the accesses in scope. */
export function genKey(env: GenEnv, roots: readonly Access[], t: VType): string {
  const all = reachable(roots);
  const c = env.c;
  switch (t.k) {
    case "int": {
      const a = pickAccess(env, all, (x) => x.k === "int" || x.k === "str" || (x.k === "opt" && x.inner.k === "int"));
      if (!a || c.chance(5)) return c.pick(SMALL_INTS);
      if (a.type.k === "str") return `${a.code}.length`;
      if (a.type.k === "opt") return `(${a.code} ?? -1)`;
      return c.chance(30) ? `(${a.code} % 3)` : a.code;
    }
    case "str": {
      const a = pickAccess(env, all, (x) => x.k === "int" || x.k === "str");
      if (!a || c.chance(5)) return '"k1"';
      return a.type.k === "int" ? `"k" + ${a.code}` : a.code;
    }
    case "tuple":
      return `[${t.items.map((item) => genKey(env, roots, item)).join(", ")}]`;
    default:
      throw new Error(`not a key type: ${renderType(t)}`);
  }
}

/** A projection onto values that are safe to hash (for `distinct`). */
export function genHashable(env: GenEnv, roots: readonly Access[]): Access {
  const all = reachable(roots).filter((a) => isKeySafe(a.type) && a.type.k !== "tuple");
  const c = env.c;
  const n = 1 + c.int(2);
  const parts: Access[] = [];
  for (let i = 0; i < n && all.length; i++) parts.push(all[c.int(all.length)]!);
  if (parts.length === 0) return { code: "0", type: INT };
  if (parts.length === 1 && c.chance(50)) return parts[0]!;
  return { code: `[${parts.map((p) => p.code).join(", ")}]`, type: tuple(...parts.map((p) => p.type)) };
}

/** A numeric contribution of one value (for aggregates): always a small exact number. */
export function numericOf(env: GenEnv, roots: readonly Access[]): string {
  const all = reachable(roots);
  const a = pickAccess(env, all, (x) => x.k !== "tuple" && x.k !== "obj" && !(x.k === "opt" && !["int", "num", "str"].includes(x.inner.k)));
  if (!a || env.c.chance(10)) return "1";
  switch (a.type.k) {
    case "int":
    case "num":
      return a.code;
    case "str":
      return `${a.code}.length`;
    case "bool":
      return `(${a.code} ? 1 : 0)`;
    case "opt":
      return a.type.inner.k === "str" ? `(${a.code}?.length ?? 0)` : `(${a.code} ?? 0)`;
    default:
      return "1";
  }
}

/**
 * A commutative, associative combination of two values of `t` (for reduceByKey,
 * foldByKey): the result must not depend on the order rows arrive in.
 * With `identity`, only operations with an identity element, returned as `zero`.
 */
export function genCombine(env: GenEnv, t: VType, a: string, b: string, identity: boolean): { code: string; zero: string } {
  const c = env.c;
  switch (t.k) {
    case "int":
    case "num":
      return c.chance(50) ? { code: `${a} + ${b}`, zero: "0" } : { code: `Math.max(${a}, ${b})`, zero: "-Infinity" };
    case "str":
      return !identity && c.chance(50) ? { code: `(${a} < ${b} ? ${a} : ${b})`, zero: '""' } : { code: `(${a} > ${b} ? ${a} : ${b})`, zero: '""' };
    case "bool":
      return c.chance(50) ? { code: `(${a} || ${b})`, zero: "false" } : { code: `(${a} && ${b})`, zero: "true" };
    case "opt": {
      const inner = genCombine(env, t.inner, `${a}!`, `${b}!`, identity);
      return { code: `(${a} === undefined ? ${b} : ${b} === undefined ? ${a} : ${inner.code})`, zero: "undefined" };
    }
    case "tuple": {
      const parts = t.items.map((item, i) => genCombine(env, item, `${a}[${i}]`, `${b}[${i}]`, identity));
      return { code: `[${parts.map((p) => p.code).join(", ")}]`, zero: `[${parts.map((p) => p.zero).join(", ")}]` };
    }
    case "obj": {
      const parts = t.fields.map((f) => {
        const ft = f.optional ? opt(f.type) : f.type;
        return { name: f.name, optional: f.optional, ...genCombine(env, ft, `${a}.${f.name}`, `${b}.${f.name}`, identity) };
      });
      // Under exactOptionalPropertyTypes an optional property cannot be set to undefined: leave it absent instead.
      const field = (p: { name: string; optional: boolean }, code: string) =>
        env.variant === "exact" && p.optional ? `...((${code}) === undefined ? {} : { ${p.name}: (${code})! })` : `${p.name}: ${code}`;
      return {
        code: `{ ${parts.map((p) => field(p, p.code)).join(", ")} }`,
        zero: `{ ${parts.map((p) => (env.variant === "exact" && p.optional ? "" : `${p.name}: ${p.zero}`)).filter(Boolean).join(", ")} }`,
      };
    }
    case "list":
      throw new Error("lists are not row values");
  }
}

/** An order-insensitive summary of a group (array) of values: count, sum, sorted strings, any. */
export function genGroupAggregate(env: GenEnv, group: string, element: VType): Access {
  const c = env.c;
  const x = env.fresh("x");
  const roots = [{ code: x, type: element }];
  if (env.x.chance(6)) {
    // reduce with the array parameter: `all[i]` reads every element (the same sum in any order).
    env.tag("group:reduceArrayParameter");
    const all = env.fresh("all");
    return { code: `${group}.reduce((s: number, _${x}, i, ${all}) => s + ${numericOf(env, [{ code: `${all}[i]!`, type: element }])}, 0)`, type: NUM };
  }
  if (env.x.chance(10)) {
    // An index read of the group, made order-insensitive by sorting first (`?? ` for noUncheckedIndexedAccess).
    const s = pickAccess(env, reachable(roots), (t) => t.k === "str" || t.k === "int");
    if (s) {
      env.tag("group:sortedIndex");
      return { code: `(${group}.map((${x}) => String(${s.code})).sort()[0] ?? "-")`, type: STR };
    }
  }
  switch (c.int(4)) {
    case 0:
      return { code: `${group}.length`, type: INT };
    case 1:
      return { code: `${group}.reduce((s: number, ${x}) => s + ${numericOf(env, roots)}, 0)`, type: NUM };
    case 2: {
      const s = pickAccess(env, reachable(roots), (t) => t.k === "str" || t.k === "int");
      if (!s) return { code: `${group}.length`, type: INT };
      return { code: `${group}.map((${x}) => String(${s.code})).sort().join("|")`, type: STR };
    }
    default:
      return { code: `${group}.some((${x}) => ${genPredicate(env, roots)})`, type: BOOL };
  }
}

// ---------------------------------------------------------------- issue 10 regions

/** A primitive (or optional primitive) type a helper can read and turn into a number. */
function isReadable(t: VType): boolean {
  return t.k === "int" || t.k === "num" || t.k === "str" || t.k === "bool" || (t.k === "opt" && (t.inner.k === "int" || t.inner.k === "num" || t.inner.k === "str" || t.inner.k === "bool"));
}

/** A number computed from a readable value (never -0 or NaN unless the value is a `num`). */
function numberOf(code: string, t: VType): Access {
  switch (t.k) {
    case "int":
      return { code: `${code} + 1`, type: INT };
    case "num":
      return { code: `${code} * 3`, type: NUM };
    case "str":
      return { code: `${code}.length`, type: INT };
    case "bool":
      return { code: `(${code} ? 1 : 0)`, type: INT };
    case "opt":
      if (t.inner.k === "str") return { code: `(${code}?.length ?? -1)`, type: INT };
      if (t.inner.k === "bool") return { code: `(${code} === undefined ? -1 : ${code} ? 1 : 0)`, type: INT };
      return { code: `(${code} ?? -1)`, type: t.inner.k === "num" ? NUM : INT };
    default:
      throw new Error(`not readable: ${renderType(t)}`);
  }
}

/** `t` may be passed where `want` is declared (the types the generator prints, compared as printed). */
function fits(t: VType, want: VType): boolean {
  const r = renderType(t);
  return r === renderType(want) || (want.k === "opt" && r === renderType(want.inner));
}

/**
 * A call of a same-module helper that reads one position of a tuple (parameter
 * `readonly [unknown, T, ...unknown[]]`) or one property of an object (`{ readonly f: T }`):
 * one helper is called from several lambdas with whatever tuple or object types fit.
 */
function valueHelperCall(env: GenEnv, all: Access[]): Access | undefined {
  const x = env.x;
  const uses = env.valueHelpers().flatMap((h) => all.filter((a) => h.accepts(a.type)).map((a) => ({ h, a })));
  if (uses.length && x.chance(85)) {
    const { h, a } = uses[x.int(uses.length)]!;
    h.argTypes.add(renderType(a.type));
    env.tag(h.argTypes.size > 1 ? "valueHelper:severalTypes" : "valueHelper:reused");
    return { code: `${env.useValueHelper(h)}(${a.code})`, type: h.out };
  }
  const targets: { a: Access; at: number | string; item: VType }[] = [];
  for (const a of all) {
    if (a.type.k === "tuple") a.type.items.forEach((item, i) => isReadable(item) && targets.push({ a, at: i, item }));
    if (a.type.k === "obj") for (const f of a.type.fields) if (!f.optional && isReadable(f.type)) targets.push({ a, at: f.name, item: f.type });
  }
  if (!targets.length) return undefined;
  // Mostly the first positions, which tuples of other types share more often.
  const early = targets.filter((t) => typeof t.at === "string" || t.at <= 1);
  const from = early.length && x.chance(70) ? early : targets;
  const { a, at, item } = from[x.int(from.length)]!;
  const name = env.fresh("val");
  const param = typeof at === "number" ? `readonly [${"unknown, ".repeat(at)}${renderType(item)}, ...unknown[]]` : `{ readonly ${at}: ${renderType(item)} }`;
  const body = numberOf(typeof at === "number" ? `x[${at}]` : `x.${at}`, item);
  const accepts =
    typeof at === "number"
      ? (t: VType) => t.k === "tuple" && t.items.length > at && fits(t.items[at]!, item)
      : (t: VType) => t.k === "obj" && t.fields.some((f) => f.name === at && !f.optional && fits(f.type, item));
  const h: ValueHelper = { name, accepts, out: body.type, argTypes: new Set([renderType(a.type)]) };
  env.addValueHelper(h, { name, text: `function ${name}(x: ${param}): number {\n  return ${body.code};\n}`, exported: false });
  env.tag("valueHelper");
  return { code: `${name}(${a.code})`, type: h.out };
}

/**
 * Observations through a widened type: same-module helpers whose parameter is
 * `readonly unknown[]`, `unknown`, `object`, a generic or a union, and casts to
 * `unknown[]`; each yields a number that depends on the whole value.
 */
function widened(env: GenEnv, all: Access[]): Access | undefined {
  const x = env.x;
  const tuples = all.filter((a) => a.type.k === "tuple");
  const composites = all.filter((a) => a.type.k === "tuple" || a.type.k === "obj");
  const optTuples = all.filter((a) => a.type.k === "tuple" || (a.type.k === "opt" && a.type.inner.k === "tuple"));
  const any = (list: Access[]) => (list.length ? list[x.int(list.length)]! : undefined);
  const kind = x.int(12);
  const use = (tag: string, code: string): Access => {
    env.tag(`widened:${tag}`);
    return { code, type: INT };
  };
  switch (kind) {
    case 0: {
      const t = any(tuples);
      if (!t) return undefined;
      const f = env.helper("arity", (n) => `function ${n}(xs: readonly unknown[]): number {\n  return xs.length;\n}`);
      return use("readonlyUnknown.length", `${f}(${t.code})`);
    }
    case 1: {
      const t = any(tuples);
      if (!t) return undefined;
      const f = env.helper("definedCount", (n) => `function ${n}(xs: readonly unknown[]): number {\n  let n = 0;\n  xs.forEach((x) => {\n    if (x !== undefined) n++;\n  });\n  return n;\n}`);
      return use("readonlyUnknown.forEach", `${f}(${t.code})`);
    }
    case 2: {
      const t = any(all);
      if (!t) return undefined;
      const f = env.helper("shapeOf", (n) => `function ${n}(x: unknown): number {\n  return Array.isArray(x) ? x.length : typeof x === "object" && x !== null ? Object.keys(x).length : String(x).length;\n}`);
      return use("unknown.isArray", `${f}(${t.code})`);
    }
    case 3: {
      const t = any(composites);
      if (!t) return undefined;
      const f = env.helper("jsonSize", (n) => `function ${n}(x: object): number {\n  return JSON.stringify(x).length;\n}`);
      return use("object.stringify", `${f}(${t.code})`);
    }
    case 4: {
      const t = any(tuples);
      if (!t) return undefined;
      const f = env.helper("lenOf", (n) => `function ${n}<T extends readonly unknown[]>(x: T): number {\n  return x.length;\n}`);
      return use("generic.length", `${f}(${t.code})`);
    }
    case 5: {
      const t = any(all);
      if (!t) return undefined;
      const f = env.helper("sizeOf", (n) => `function ${n}<T>(x: T): number {\n  return String(JSON.stringify(x)).length;\n}`);
      return use("generic.stringify", `${f}(${t.code})`);
    }
    case 6: {
      const t = any(optTuples);
      if (!t) return undefined;
      const f = env.helper("countOr", (n) => `function ${n}(x: readonly unknown[] | undefined): number {\n  return x === undefined ? -1 : x.length;\n}`);
      return use("union.length", `${f}(${t.code})`);
    }
    case 7: {
      const t = any(tuples);
      return t && use("cast.length", `(${t.code} as unknown[]).length`);
    }
    case 8: {
      const t = any(tuples);
      return t && use("cast.filter", `(${t.code} as readonly unknown[]).filter((e) => typeof e === "string").length`);
    }
    case 9: {
      const t = any(tuples);
      return t && use("angleCast.length", `(<unknown[]>${t.code}).length`);
    }
    case 10: {
      // Not widened, but a read of the whole tuple all the same: its length.
      const t = any(tuples);
      return t && use("tuple.length", `${t.code}.length`);
    }
    default: {
      // Truthiness of a composite or optional value (an object may be null at run time under strict: false).
      const t = any(all.filter((a) => a.type.k === "opt" || a.type.k === "tuple" || a.type.k === "obj"));
      return t && use("truthiness", `(${t.code} ? 1 : 0)`);
    }
  }
}
