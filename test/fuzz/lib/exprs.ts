/**
 * Expressions over a lambda's parameters: reading fields (to any depth, with
 * optional chaining), computing from them, building new tuples and objects,
 * and the "escapes" a pruning analysis must treat as observing a whole value
 * (JSON.stringify, spread, Object.keys, dynamic index, an opaque function).
 */
import type { Chooser } from "./chooser.js";
import { BOOL, INT, NUM, STR, isKeySafe, opt, renderType, tuple, type Field, type VType } from "./types.js";

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

/** Helpers and context a body generator may use; collects module-level declarations it needs. */
export interface GenEnv {
  c: Chooser;
  /** Module-level declarations (helper functions) to emit before the pipeline. */
  decls: string[];
  fresh(prefix: string): string;
  /** Allow whole-value escapes in this program. */
  escapes: boolean;
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
        return { name: f.name, ...genCombine(env, ft, `${a}.${f.name}`, `${b}.${f.name}`, identity) };
      });
      return {
        code: `{ ${parts.map((p) => `${p.name}: ${p.code}`).join(", ")} }`,
        zero: `{ ${parts.map((p) => `${p.name}: ${p.zero}`).join(", ")} }`,
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
