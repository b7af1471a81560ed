/**
 * Generates a random, well-typed rddopt program: sources built from a seed,
 * pipelines of narrow operations and every kind of shuffle, shared
 * intermediate RDDs with several consumers, and collected results.
 *
 * Every program is deterministic as a multiset: reducers are commutative and
 * associative, folds start from an identity, groups are only summarised
 * order-insensitively, and keys never hold -0 (which SameValueZero would
 * merge with 0 in an order-dependent way).
 */
import { Chooser } from "./chooser.js";
import { genCombine, genGroupAggregate, genHashable, genKey, genPredicate, genValue, numericOf, type Access, type GenEnv } from "./exprs.js";
import { lambda, lambda2 } from "./lambdas.js";
import { buildKey, buildValue, randomKeyType, randomValueType, renderElementType, renderType, tuple, typeSize, opt, type VType } from "./types.js";

/** A pair RDD held in a `const`. */
interface RddVar {
  name: string;
  key: VType;
  value: VType;
}

export interface GeneratedProgram {
  source: string;
  /** Operations used, for coverage counts. */
  ops: string[];
}

const sameType = (a: VType, b: VType) => JSON.stringify(a) === JSON.stringify(b);

class ProgramBuilder {
  readonly decls: string[] = [];
  readonly typeAliases: string[] = [];
  readonly stmts: string[] = [];
  readonly pool: RddVar[] = [];
  readonly ops: string[] = [];
  private counter = 0;
  readonly env: GenEnv;

  constructor(readonly c: Chooser) {
    this.env = { c, decls: this.decls, fresh: (p) => `${p}${this.counter++}`, escapes: c.chance(70) };
  }

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  // ---------------------------------------------------------------- sources

  source(key: VType): RddVar {
    const c = this.c;
    const value = randomValueType(c);
    const name = this.fresh("s");
    const n = c.pick([8, 0, 1, 30, 120]);
    const domain = c.pick([4, 1, 12, 60]);
    const skew = c.chance(25);
    const parts = c.pick([2, 1, 3, 5]);
    const seed = `seed + ${this.counter}`;
    if (c.chance(25)) {
      // A non-pair source keyed by one of its fields.
      const alias = this.fresh("Row");
      this.typeAliases.push(`type ${alias} = ${renderType(value)};`);
      const keyFn = lambda(this.env, value, (roots) => ({ code: genKey(this.env, roots, key), type: key }));
      this.stmts.push(`const ${name} = ctx.parallelize(rows<${alias}>(${seed}, ${n}, ${domain}, ${skew}, (r) => (${buildValue(value)})), ${parts}).keyBy(${keyFn.code});`);
      this.ops.push("keyBy");
    } else {
      const alias = this.fresh("Pair");
      this.typeAliases.push(`type ${alias} = [${renderType(key)}, ${renderType(value)}];`);
      this.stmts.push(`const ${name} = ctx.parallelize(rows<${alias}>(${seed}, ${n}, ${domain}, ${skew}, (r) => [${buildKey(key)}, ${buildValue(value)}]), ${parts});`);
    }
    const v = { name, key, value };
    this.pool.push(v);
    return v;
  }

  /** Another input with the given key type: an existing RDD (shared) or a new branch. */
  partner(key: VType): RddVar {
    const c = this.c;
    const existing = this.pool.filter((v) => sameType(v.key, key));
    if (existing.length && c.chance(35)) return existing[c.int(existing.length)]!;
    const src = this.source(key);
    if (!c.chance(50)) return src;
    const shaped = this.statement(src, 1);
    return sameType(shaped.key, key) ? shaped : src; // the operation re-keyed it: join the source instead
  }

  // ---------------------------------------------------------------- statements

  /** `const rN = base.op(...).op(...)` with `steps` operations; the result joins the pool. */
  statement(base: RddVar, steps: number): RddVar {
    let cur: RddVar = { ...base };
    let code = base.name;
    for (let i = 0; i < steps; i++) {
      const next = this.op(cur, code);
      cur = next.rdd;
      code = next.code;
    }
    const name = this.fresh("r");
    this.stmts.push(`const ${name} = ${code};`);
    const v = { ...cur, name };
    this.pool.push(v);
    return v;
  }

  /** One operation applied to `code` (an expression of type RDD<[key, value]>). */
  op(cur: RddVar, code: string): { rdd: RddVar; code: string } {
    const c = this.c;
    const { key, value } = cur;
    const env = this.env;
    const pairType = tuple(key, value);
    const too_big = typeSize(value) > 10;
    const kind = too_big ? 0 : c.int(22);
    const to = (newValue: VType, text: string, op: string, newKey: VType = key) => {
      this.ops.push(op);
      return { rdd: { name: cur.name, key: newKey, value: newValue }, code: `${code}\n    .${text}` };
    };
    switch (kind) {
      case 0:
      case 1: {
        const f = lambda(env, value, (roots) => genValue(env, roots));
        return to(f.out, `mapValues(${f.code})`, "mapValues");
      }
      case 2:
      case 3: {
        const f = lambda(env, pairType, (roots) => ({ code: genPredicate(env, roots), type: { k: "bool" } }), { predicate: true });
        return to(value, `filter(${f.code})`, "filter");
      }
      case 4: {
        // map over the pair: keep the key (found among the values in scope) or compute a new one.
        const newKey = c.chance(70) ? key : randomKeyType(c);
        let outValue: VType = value;
        const f = lambda(env, pairType, (roots) => {
          const v = genValue(env, roots);
          outValue = v.type;
          const k = newKey === key && c.chance(70) ? keyAccess(roots, key) ?? genKey(env, roots, newKey) : genKey(env, roots, newKey);
          return { code: `[${k}, ${v.code}]`, type: tuple(newKey, v.type) };
        });
        return to(outValue, `map(${f.code})`, "map", newKey);
      }
      case 5: {
        let item: VType = value;
        const f = lambda(env, value, (roots) => {
          const a = genValue(env, roots);
          item = a.type;
          const list = c.chance(50) ? `[${a.code}]` : `[${a.code}, ${a.code}]`;
          // Boolean(...) keeps TypeScript from narrowing the list's accesses by the condition.
          return { code: c.chance(50) ? `Boolean(${genPredicate(env, roots)}) ? ${list} : []` : list, type: { k: "list", item: a.type } };
        });
        return to(item, `flatMapValues(${f.code})`, "flatMapValues");
      }
      case 6: {
        let item: VType = value;
        const f = lambda(env, pairType, (roots) => {
          const a = genValue(env, roots);
          item = a.type;
          const k = keyAccess(roots, key) ?? genKey(env, roots, key);
          return { code: `[[${k}, ${a.code}]]`, type: { k: "list", item: tuple(key, a.type) } };
        });
        return to(item, `flatMap(${f.code})`, "flatMap");
      }
      case 7:
      case 8:
      case 9: {
        const other = this.partner(key);
        const type = c.pick(["join", "leftOuterJoin", "rightOuterJoin", "fullOuterJoin"] as const);
        const strategies = type === "fullOuterJoin" ? ["shuffle", "auto"] : ["shuffle", "broadcast", "auto"];
        const opts = c.chance(35) ? `, { strategy: "${c.pick(strategies)}"${c.chance(20) ? ", numPartitions: 3" : ""} }` : c.chance(10) ? ", { numPartitions: 2 }" : "";
        const l = type === "rightOuterJoin" || type === "fullOuterJoin" ? opt(value) : value;
        const r = type === "leftOuterJoin" || type === "fullOuterJoin" ? opt(other.value) : other.value;
        return to(tuple(l, r), `${type}(${other.name}${opts})`, type);
      }
      case 10: {
        const comb = genCombine(env, value, "a", "b", false);
        return to(value, `reduceByKey(${lambda2(env, value, value, () => comb.code)}${c.chance(20) ? ", 3" : ""})`, "reduceByKey");
      }
      case 11: {
        const vs = env.fresh("vs");
        const agg = genGroupAggregate(env, vs, value);
        return to(agg.type, `groupByKey()\n    .mapValues((${vs}) => ${agg.code})`, "groupByKey");
      }
      case 12: {
        const { zero, seq, comb, type } = this.accumulator(value);
        return to(type, `aggregateByKey(${zero}, ${seq}, ${comb})`, "aggregateByKey");
      }
      case 13: {
        const comb = genCombine(env, value, "a", "b", true);
        return to(value, `foldByKey(${castZero(comb.zero, value)}, ${lambda2(env, value, value, () => comb.code)})`, "foldByKey");
      }
      case 14: {
        const acc = this.accumulator(value);
        return to(acc.type, `combineByKey(${acc.create}, ${acc.seq}, ${acc.comb})`, "combineByKey");
      }
      case 15: {
        const other = this.partner(key);
        const [a, b] = [env.fresh("vs"), env.fresh("ws")];
        const left = genGroupAggregate(env, a, value);
        const right = genGroupAggregate(env, b, other.value);
        return to(tuple(left.type, right.type), `cogroup(${other.name})\n    .mapValues(([${a}, ${b}]): ${renderType(tuple(left.type, right.type))} => [${left.code}, ${right.code}])`, "cogroup");
      }
      case 16: {
        const f = lambda(env, value, (roots) => genHashable(env, roots));
        return to(f.out, `mapValues(${f.code})\n    .distinct()`, "distinct");
      }
      case 17: {
        if (c.chance(50)) return to(value, `sortByKey(${c.pick(["", "false", "true, 2"])})`, "sortByKey");
        const sortKey = c.pick([{ k: "int" }, { k: "str" }] as VType[]);
        const f = lambda(env, pairType, (roots) => ({ code: genKey(env, roots, sortKey), type: sortKey }), { predicate: true });
        return to(value, `sortBy(${f.code}${c.chance(30) ? ", false" : ""})`, "sortBy");
      }
      case 18:
        return c.chance(50)
          ? to(value, `partitionBy(new HashPartitioner(${c.pick([3, 1, 4])}))`, "partitionBy")
          : to(value, `repartition(${c.pick([3, 1, 2])})`, "repartition");
      case 19: {
        const other = this.partner(key);
        return to(value, `subtractByKey(${other.name})`, "subtractByKey");
      }
      case 20: {
        // Drop the key, then key by a field again.
        const f = lambda(env, value, (roots) => ({ code: genKey(env, roots, key), type: key }));
        return to(value, `${c.chance(50) ? "values()" : "map(([, v]) => v)"}\n    .keyBy(${f.code})`, "keyBy");
      }
      default: {
        // A stage written as a helper function that takes and returns an RDD.
        const name = this.fresh("stage");
        const f = lambda(env, value, (roots) => genValue(env, roots));
        this.decls.push(
          `function ${name}(input: RDD<[${renderType(key)}, ${renderType(value)}]>) {\n  return input.mapValues(${f.code});\n}`,
        );
        this.ops.push("helperStage");
        return { rdd: { name: cur.name, key, value: f.out }, code: `${name}(${code})` };
      }
    }
  }

  /** An aggregate of numeric contributions: a zero, createCombiner, seqOp, combOp, and the accumulator type. */
  accumulator(value: VType): { zero: string; create: string; seq: string; comb: string; type: VType } {
    const env = this.env;
    const n = 1 + this.c.int(2);
    const type = tuple(...Array.from({ length: n }, () => ({ k: "num" }) as VType));
    const t = renderType(type);
    const acc = env.fresh("acc");
    const v = env.fresh("v");
    const roots = [{ code: v, type: value }];
    const parts = Array.from({ length: n }, (_, i) => (i === 0 && this.c.chance(50) ? "1" : numericOf(env, roots)));
    return {
      zero: `[${parts.map(() => "0").join(", ")}] as ${t}`,
      create: `(${v}): ${t} => [${parts.join(", ")}]`,
      seq: `(${acc}: ${t}, ${v}): ${t} => [${parts.map((x, i) => `${acc}[${i}] + ${x}`).join(", ")}]`,
      comb: `(x, y): ${t} => [${parts.map((_, i) => `x[${i}] + y[${i}]`).join(", ")}]`,
      type,
    };
  }

  render(outputs: RddVar[], ctxOptions: string): string {
    const collected = outputs.map((o) => (this.c.chance(15) ? `[await ${o.name}.count()]` : `await ${o.name}.collect()`));
    return [
      PRELUDE,
      ...this.typeAliases,
      "",
      ...this.decls.flatMap((d) => [d, ""]),
      "export async function main(seed: number): Promise<unknown[][]> {",
      "  dyn = (seed % 5) + 1;",
      `  const ctx = new Context(${ctxOptions});`,
      "  try {",
      ...this.stmts.map((s) => "    " + s.replaceAll("\n", "\n    ")),
      `    return [${collected.join(", ")}];`,
      "  } finally {",
      "    await ctx.stop();",
      "  }",
      "}",
      "",
    ].join("\n");
  }
}

/** The access that is the whole key when a lambda destructured or kept the row (`k`, `row[0]`). */
function keyAccess(roots: readonly Access[], key: VType): string | undefined {
  for (const r of roots) {
    if (r.type.k === "tuple" && r.type.items.length === 2 && sameType(r.type.items[0]!, key)) return `${r.code}[0]`;
  }
  return undefined;
}

function castZero(zero: string, t: VType): string {
  return t.k === "tuple" || t.k === "obj" || t.k === "opt" ? `${zero} as ${renderType(t)}` : zero;
}

/** The module header: imports, a seeded random source, the opaque sink. */
const PRELUDE = `import { Context, HashPartitioner, type RDD } from "rddopt";

class Rand {
  private s: number;
  constructor(seed: number, private readonly domain: number, private readonly skew: boolean) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bool(): boolean {
    return this.next() < 0.5;
  }
  key(): number {
    return this.skew && this.next() < 0.6 ? 0 : this.int(this.domain);
  }
  num(): number {
    const x = this.next();
    return x < 0.04 ? -0 : x < 0.07 ? NaN : x < 0.2 ? this.int(64) / 8 : this.int(41) - 20;
  }
  str(): string {
    return ["", "a", "b", "ab", "k1", "é", "日本", "z z", "B"][this.int(9)]!;
  }
}

function rows<T>(seed: number, n: number, domain: number, skew: boolean, make: (r: Rand) => T): T[] {
  const r = new Rand(seed, domain, skew);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(make(r));
  return out;
}

let dyn = 1;
const opaque: (x: unknown) => number =
  (globalThis as { fuzzOpaque?: (x: unknown) => number }).fuzzOpaque ?? ((x) => JSON.stringify(x)?.length ?? 0);
`;

/** Builds one program from a choice sequence. */
export function generateProgram(choices: readonly number[]): GeneratedProgram {
  const c = new Chooser(choices);
  const b = new ProgramBuilder(c);
  const ctxOptions = `{ defaultParallelism: ${c.pick([2, 1, 3, 4])}, broadcastThreshold: ${c.pick(["10 * 2 ** 20", "0", "300"])}, shuffleMemoryBytes: ${c.pick(["256 * 2 ** 20", "0", "2048"])}, progress: false }`;
  const outputs: RddVar[] = [];
  const chains = 1 + c.int(2);
  for (let i = 0; i < chains; i++) {
    const start = b.pool.length && c.chance(40) ? b.pool[c.int(b.pool.length)]! : b.source(randomKeyType(c));
    let cur = start;
    const statements = 1 + c.int(3);
    for (let s = 0; s < statements; s++) cur = b.statement(cur, 1 + c.int(3));
    outputs.push(cur);
  }
  if (c.chance(25) && b.pool.length > 1) outputs.push(b.pool[c.int(b.pool.length)]!);
  return { source: b.render(outputs, ctxOptions), ops: b.ops };
}
