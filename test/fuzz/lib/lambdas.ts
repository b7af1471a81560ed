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
function destructure(env: GenEnv, t: VType, depth = 0): { pattern: string; roots: Access[] } | undefined {
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
      const nested = mode === 2 && depth < 1 ? destructure(env, item, depth + 1) : undefined;
      if (nested) {
        parts.push(nested.pattern);
        roots.push(...nested.roots);
        continue;
      }
      const name = env.fresh("e");
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
      if (mode === 2) {
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
