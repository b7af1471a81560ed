/**
 * One-parameter lambdas in the styles users write: expression bodies,
 * destructured parameters (holes, defaults, rest, nested), block bodies with
 * `const` aliases, function expressions, and named helper functions declared
 * in the same file.
 */
import type { Access, GenEnv } from "./exprs.js";
import { reachable } from "./exprs.js";
import { renderType, type Field, type VType } from "./types.js";

export type Body = (roots: readonly Access[]) => Access;

function containsTuple(t: VType): boolean {
  switch (t.k) {
    case "tuple":
      return true;
    case "opt":
      return containsTuple(t.inner);
    case "obj":
      return t.fields.some((f) => containsTuple(f.type));
    case "list":
      return true;
    default:
      return false;
  }
}

const PARAM_NAMES = ["v", "row", "rec", "p"];

function defaultFor(t: VType): string | undefined {
  switch (t.k) {
    case "int":
    case "num":
      return "0";
    case "str":
      return '""';
    case "bool":
      return "false";
    default:
      return undefined;
  }
}

/** A destructuring pattern for a tuple or object parameter and the variables it binds. */
function destructure(env: GenEnv, t: VType, depth = 0, bound = new Set<string>()): { pattern: string; roots: Access[] } | undefined {
  const c = env.c;
  if (t.k === "tuple" && t.items.length > 0) {
    const parts: string[] = [];
    const roots: Access[] = [];
    const restAt = t.items.length > 1 && c.chance(15) ? 1 + c.int(t.items.length - 1) : t.items.length;
    for (let i = 0; i < restAt; i++) {
      const item = t.items[i]!;
      const mode = c.int(6);
      if (mode === 1 && i < restAt - 1) {
        parts.push(""); // a hole
        continue;
      }
      const nested = mode === 2 && depth < 1 ? destructure(env, item, depth + 1, bound) : undefined;
      if (nested) {
        parts.push(nested.pattern);
        roots.push(...nested.roots);
        continue;
      }
      const name = env.fresh("e");
      const counted = countedDefault(env, item);
      if (counted) {
        // A default with a side effect (a counter that is one of the results) on a part that may be absent.
        parts.push(`${name} = ${counted.code}`);
        roots.push({ code: name, type: counted.type });
        continue;
      }
      const dflt = mode === 3 ? defaultFor(item) : undefined;
      parts.push(dflt ? `${name} = ${dflt}` : name);
      roots.push({ code: name, type: item });
    }
    if (restAt < t.items.length) {
      const name = env.fresh("rest");
      parts.push(`...${name}`);
      roots.push({ code: name, type: { k: "tuple", items: t.items.slice(restAt) } });
    }
    if (roots.length === 0) return undefined;
    return { pattern: `[${parts.join(", ")}]`, roots };
  }
  if (t.k === "obj" && t.fields.length > 0) {
    const parts: string[] = [];
    const roots: Access[] = [];
    const restFields: Field[] = [];
    const withRest = t.fields.length > 1 && c.chance(15);
    for (const f of t.fields) {
      const ft = f.optional ? ({ k: "opt", inner: f.type } as VType) : f.type;
      const mode = c.int(5);
      if (mode === 1) {
        if (withRest) restFields.push(f);
        continue;
      }
      // A field name bound twice in one pattern (nested objects with the same fields) would be a syntax error: alias it.
      const taken = bound.has(f.name);
      bound.add(f.name);
      const counted = countedDefault(env, f.optional ? { k: "opt", inner: f.type } : f.type);
      if (counted) {
        const local = taken ? env.fresh(f.name) : f.name;
        parts.push(`${taken ? `${f.name}: ${local}` : f.name} = ${counted.code}`);
        roots.push({ code: local, type: counted.type });
        continue;
      }
      if (mode === 2 || taken) {
        const alias = env.fresh(f.name);
        parts.push(`${f.name}: ${alias}`);
        roots.push({ code: alias, type: ft });
      } else if (mode === 3 && f.optional && defaultFor(f.type)) {
        parts.push(`${f.name} = ${defaultFor(f.type)}`);
        roots.push({ code: f.name, type: f.type });
      } else {
        parts.push(f.name);
        roots.push({ code: f.name, type: ft });
      }
    }
    if (withRest && restFields.length) {
      const name = env.fresh("others");
      parts.push(`...${name}`);
      roots.push({ code: name, type: { k: "obj", fields: restFields } });
    }
    if (roots.length === 0) return undefined;
    return { pattern: `{ ${parts.join(", ")} }`, roots };
  }
  return undefined;
}

/**
 * With an extension choice: a default that calls the program's counter (its count is a result). On a part
 * typed `T | undefined` it runs for the rows where the part is absent; on a part that is always present it
 * never runs, unless the part were pruned away.
 */
function countedDefault(env: GenEnv, t: VType): { code: string; type: VType } | undefined {
  const inner = t.k === "opt" ? t.inner : t;
  if (!env.x.chance(t.k === "opt" ? 40 : 20)) return undefined;
  if (inner.k === "int" || inner.k === "num") {
    env.tag(t.k === "opt" ? "default:counter" : "default:counterNeverRuns");
    return { code: env.tick(), type: inner.k === "int" ? inner : { k: "num" } };
  }
  if (inner.k === "str") {
    env.tag(t.k === "opt" ? "default:counter" : "default:counterNeverRuns");
    return { code: `String(${env.tick()})`, type: inner };
  }
  return undefined;
}

function exprBody(code: string): string {
  return code.startsWith("{") ? `(${code})` : code;
}

/**
 * A lambda `(param: t) => body`, in a random style. Returns the lambda's
 * source and the type it returns.
 */
export function lambda(env: GenEnv, t: VType, body: Body, opts: { predicate?: boolean } = {}): { code: string; out: VType } {
  const c = env.c;
  const style = c.int(6);
  const param = c.pick(PARAM_NAMES);
  const whole: Access = { code: param, type: t };
  const annotate = (out: VType) => (!opts.predicate && (containsTuple(out) || c.chance(15)) ? `: ${renderType(out)}` : "");
  if (env.x.chance(6)) {
    const w = widenedAlias(env, whole, body, annotate);
    if (w) return w;
  }
  switch (style) {
    case 1: {
      const d = destructure(env, t);
      if (!d) break;
      const out = body(d.roots);
      return { code: `(${d.pattern})${annotate(out.type)} => ${exprBody(out.code)}`, out: out.type };
    }
    case 2: {
      const candidates = reachable([whole]).slice(1);
      if (candidates.length === 0) break;
      const sub = candidates[c.int(candidates.length)]!;
      const alias = env.fresh("t");
      const out = body([whole, { code: alias, type: sub.type }]);
      return { code: `(${param})${annotate(out.type)} => {\n      const ${alias} = ${sub.code};\n      return ${out.code};\n    }`, out: out.type };
    }
    case 3: {
      const out = body([whole]);
      return { code: `function (${param})${annotate(out.type)} {\n      return ${out.code};\n    }`, out: out.type };
    }
    case 4: {
      const name = env.fresh(opts.predicate ? "keep" : "project");
      const out = body([whole]);
      env.decls.push(`function ${name}(${param}: ${renderType(t)}): ${renderType(out.type)} {\n  return ${out.code};\n}`);
      return { code: c.chance(50) ? name : `(x) => ${name}(x)`, out: out.type };
    }
  }
  const out = body([whole]);
  return { code: `(${param})${annotate(out.type)} => ${exprBody(out.code)}`, out: out.type };
}

/** A two-parameter lambda (reducers): arrow, function expression or helper. */
export function lambda2(env: GenEnv, t: VType, out: VType, make: (a: string, b: string) => string): string {
  const c = env.c;
  switch (c.int(3)) {
    case 1:
      return `function (a, b)${containsTuple(out) ? `: ${renderType(out)}` : ""} {\n      return ${make("a", "b")};\n    }`;
    case 2: {
      const name = env.fresh("merge");
      env.decls.push(`function ${name}(a: ${renderType(t)}, b: ${renderType(t)}): ${renderType(out)} {\n  return ${make("a", "b")};\n}`);
      return name;
    }
    default:
      return `(a, b)${containsTuple(out) ? `: ${renderType(out)}` : ""} => ${exprBody(make("a", "b"))}`;
  }
}

/**
 * A block body that keeps a sub-value in a variable annotated with a wider type
 * (`const xs: readonly unknown[] = v[1]`, `const o: object = v`) and observes it
 * through that type: its width is offered to the body, and checked (a pruned
 * tuple or object would fail the check).
 */
function widenedAlias(env: GenEnv, whole: Access, body: Body, annotate: (out: VType) => string): { code: string; out: VType } | undefined {
  const x = env.x;
  const candidates = reachable([whole]).filter((a) => a.type.k === "tuple" || a.type.k === "obj");
  if (!candidates.length) return undefined;
  const sub = candidates[x.int(candidates.length)]!;
  const alias = env.fresh("xs");
  const width = env.fresh("w");
  let decl: string;
  let check: string;
  if (sub.type.k === "tuple") {
    decl = `const ${alias}: readonly unknown[] = ${sub.code};\n      const ${width} = ${alias}.length;`;
    check = `if (${width} !== ${sub.type.items.length}) throw new Error("tuple of width " + ${width});`;
    env.tag("widened:annotatedVariable.tuple");
  } else {
    const fields = (sub.type as Extract<VType, { k: "obj" }>).fields;
    decl = `const ${alias}: object = ${sub.code};\n      const ${width} = Object.keys(${alias}).length;`;
    check = `if (${width} < ${fields.filter((f) => !f.optional).length}) throw new Error("object with " + ${width} + " keys");`;
    env.tag("widened:annotatedVariable.object");
  }
  const out = body([whole, { code: width, type: { k: "int" } }]);
  return { code: `(${whole.code})${annotate(out.type)} => {\n      ${decl}\n      ${check}\n      return ${out.code};\n    }`, out: out.type };
}

/** A lambda with its parameter annotated, for a module-level `const`: `(v: T): R => ...` or a destructured parameter. */
export function typedLambda(env: GenEnv, t: VType, body: Body): { code: string; out: VType } {
  const c = env.x;
  const param = c.pick(PARAM_NAMES);
  if (c.chance(40)) {
    const d = destructure(env, t);
    if (d) {
      const out = body(d.roots);
      return { code: `(${d.pattern}: ${renderType(t)}): ${renderType(out.type)} => ${exprBody(out.code)}`, out: out.type };
    }
  }
  const out = body([{ code: param, type: t }]);
  return { code: `(${param}: ${renderType(t)}): ${renderType(out.type)} => ${exprBody(out.code)}`, out: out.type };
}
