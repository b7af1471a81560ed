/**
 * Generates a random, well-typed rddopt program: sources built from a seed,
 * pipelines of narrow operations and every kind of shuffle, shared
 * intermediate RDDs with several consumers, and collected results.
 *
 * Every program is deterministic as a multiset: reducers are commutative and
 * associative, folds start from an identity, groups are only summarised
 * order-insensitively, and keys never hold -0 (which SameValueZero would
 * merge with 0 in an order-dependent way).
 *
 * Regions added for issue 10 (each decided by an extension choice, read from
 * the back of the choice sequence, see GenEnv.x; with no such choice a
 * program is what the first generator made): programs of two to four modules
 * (a library exporting RDDs, helpers and callbacks in every export form, a
 * re-exporting barrel), helpers with several call sites of different shapes,
 * observations through widened types, getters and methods using `this`,
 * side-effecting destructuring defaults and counting getters of class
 * instances (the counts are results), odd values (holes, extra array
 * properties, null prototypes, pair values, class instances and functions
 * reaching a shuffle), partition-dependent operations and actions downstream
 * of joins, and programs written for a tsconfig variant (see TsVariant).
 */
import { Chooser } from "./chooser.js";
import { genCombine, genGroupAggregate, genHashable, genKey, genPredicate, genValue, numericOf, type Access, type Decl, type GenEnv, type ValueHelper } from "./exprs.js";
import { lambda, lambda2, typedLambda } from "./lambdas.js";
import { buildKey, buildValue, randomKeyType, randomValueType, renderElementType, renderType, tuple, typeSize, opt, INT, STR, type Field, type TsVariant, type VType } from "./types.js";

type ModuleName = "lib" | "barrel" | "main";

/** A pair RDD held in a `const`. */
interface RddVar {
  name: string;
  key: VType;
  value: VType;
  /** The module whose top level (lib, barrel) or main() (main) declares it. */
  module?: ModuleName;
  /** A join is upstream (partition-dependent actions are most interesting there). */
  joined?: boolean;
}

/** One module of a program being generated. */
interface Module {
  name: ModuleName;
  decls: (string | Decl)[];
  stmts: string[];
  /** Module-level helpers by key (env.helper). */
  helpers: Map<string, string>;
  valueHelpers: ValueHelper[];
}

export interface GeneratedFile {
  /** File name next to the main module (`lib.ts`), imported as `./lib.js`. */
  name: string;
  source: string;
}

export interface GeneratedProgram {
  /** The main module (exports `main(seed)`). */
  source: string;
  /** The program's other modules, if it has several. */
  files?: GeneratedFile[];
  /** Operations used, and `x:`-prefixed tags of the issue-10 regions used, for coverage counts. */
  ops: string[];
}

export interface GenerateOptions {
  /** The tsconfig variant the program will be compiled under (default strict). */
  variant?: TsVariant;
  /** false: only the first generator's choices (the extension stream reads as all zeros). */
  extensions?: boolean;
}

const sameType = (a: VType, b: VType) => JSON.stringify(a) === JSON.stringify(b);
const isKeyType = (t: VType) => sameType(t, INT) || sameType(t, STR) || sameType(t, tuple(INT, STR));

/** An output of the program: an expression that evaluates to the rows (array) of one result. */
interface Output {
  code: string;
}

class ProgramBuilder {
  readonly typeAliases: string[] = [];
  readonly pool: RddVar[] = [];
  readonly ops: string[] = [];
  private counter = 0;
  readonly env: GenEnv;
  readonly main: Module = newModule("main");
  lib: Module | undefined;
  barrel: Module | undefined;
  cur: Module = this.main;
  /** Program-wide facilities the prelude must define: attempt, tick, reads, holes, extra, bare. */
  readonly uses = new Set<string>();
  /** Class declarations (counting getters), emitted with the prelude. */
  readonly classes: string[] = [];
  /** Results besides the chains' ends: second call sites of helpers, hazards, counters. */
  readonly extraOutputs: Output[] = [];
  /** Exported callbacks of the library module, by parameter type. */
  readonly callbacks: { name: string; param: string; out: VType }[] = [];

  constructor(
    readonly c: Chooser,
    readonly x: Chooser,
    readonly variant: TsVariant,
    readonly extended: boolean,
  ) {
    const b = this;
    this.env = {
      c,
      get decls() {
        return b.cur.decls;
      },
      fresh: (p) => `${p}${this.counter++}`,
      escapes: c.chance(70),
      x,
      variant,
      tag: (region) => this.tag(region),
      helper: (key, make) => {
        const known = this.cur.helpers.get(key);
        if (known) {
          this.tag(`helper:reused`);
          return known;
        }
        const name = this.fresh(key.split(":")[0]!);
        this.cur.helpers.set(key, name);
        this.cur.decls.push(make(name));
        return name;
      },
      valueHelpers: () => (this.lib && this.cur !== this.lib ? [...this.cur.valueHelpers, ...this.lib.valueHelpers] : this.cur.valueHelpers),
      addValueHelper: (h, decl) => {
        this.cur.valueHelpers.push(h);
        this.cur.decls.push(decl);
      },
      useValueHelper: (h) => {
        if (this.lib && this.cur !== this.lib && this.lib.valueHelpers.includes(h)) this.tag("module:importedValueHelper");
        return h.name;
      },
      tick: () => {
        this.uses.add("tick");
        return "tick()";
      },
    };
  }

  get decls(): (string | Decl)[] {
    return this.cur.decls;
  }

  get stmts(): string[] {
    return this.cur.stmts;
  }

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  tag(region: string): void {
    this.ops.push(`x:${region}`);
  }

  /** Generates code for module `m` (its helpers and declarations go there). */
  within<T>(m: Module, f: () => T): T {
    const saved = this.cur;
    this.cur = m;
    try {
      return f();
    } finally {
      this.cur = saved;
    }
  }

  // ---------------------------------------------------------------- sources

  source(key: VType): RddVar {
    const c = this.c;
    let value = randomValueType(c);
    const name = this.fresh("s");
    const n = c.pick([8, 0, 1, 30, 120]);
    const domain = c.pick([4, 1, 12, 60]);
    const skew = c.chance(25);
    const parts = c.pick([2, 1, 3, 5]);
    const seed = `seed + ${this.counter}`;
    const odd = this.oddValue(value);
    value = odd.value;
    const raw = odd.klass ? `${name}raw` : name;
    if (c.chance(25)) {
      // A non-pair source keyed by one of its fields.
      const alias = this.fresh("Row");
      this.typeAliases.push(`type ${alias} = ${renderType(value)};`);
      const keyFn = lambda(this.env, value, (roots) => ({ code: genKey(this.env, roots, key), type: key }));
      this.stmts.push(`const ${raw} = ctx.parallelize(rows<${alias}>(${seed}, ${n}, ${domain}, ${skew}, (r) => (${odd.build})), ${parts}).keyBy(${keyFn.code});`);
      this.ops.push("keyBy");
    } else {
      const alias = this.fresh("Pair");
      this.typeAliases.push(`type ${alias} = [${renderType(key)}, ${renderType(value)}];`);
      this.stmts.push(`const ${raw} = ctx.parallelize(rows<${alias}>(${seed}, ${n}, ${domain}, ${skew}, (r) => [${buildKey(key)}, ${odd.build}]), ${parts});`);
    }
    if (odd.klass) {
      // Class instances behind the value's object type: copied into plain objects (reading the counting getter) before any shuffle.
      this.stmts.push(`const ${name} = ${raw}.mapValues(${odd.klass.copy});`);
      if (this.x.chance(30)) this.hazard({ name: raw, key, value, module: this.cur.name }, "classInstance");
    }
    const v: RddVar = { name, key, value, module: this.cur.name };
    this.pool.push(v);
    return v;
  }

  /**
   * Extension choices for a source's values: holes (undefined elements deleted), an extra array property,
   * a null prototype, or instances of a class with a counting getter. Returns the code that builds one value.
   */
  oddValue(value: VType): { value: VType; build: string; klass?: { copy: string } } {
    const plain = { value, build: buildValue(value) };
    if (!this.x.chance(30)) return plain;
    const kinds = value.k === "tuple" ? ["holes", "extra"] : value.k === "obj" ? ["bare", "class", "class"] : [];
    if (!kinds.length) return plain;
    switch (kinds[this.x.int(kinds.length)]) {
      case "holes": {
        if (value.k !== "tuple") return plain;
        // Some elements T | undefined, and undefined ones deleted (holes) in some rows.
        const items = value.items.map((item, i) => (item.k !== "opt" && (i === value.items.length - 1 || this.x.chance(40)) ? opt(item) : item));
        const holed: VType = { k: "tuple", items };
        this.uses.add("holes");
        this.tag("value:holes");
        return { value: holed, build: `holes(r, ${buildValue(holed)})` };
      }
      case "extra":
        this.uses.add("extra");
        this.tag("value:extraArrayProperty");
        return { value, build: `extra(${buildValue(value)})` };
      case "bare":
        this.uses.add("bare");
        this.tag("value:nullPrototype");
        return { value, build: `bare(${buildValue(value)})` };
      default: {
        if (value.k !== "obj") return plain;
        const got = value.fields.filter((f) => !f.optional && (f.type.k === "int" || f.type.k === "str" || f.type.k === "bool" || f.type.k === "num"));
        if (!got.length) return plain;
        const g = got[this.x.int(got.length)]!;
        const rest: VType = { k: "obj", fields: value.fields.filter((f) => f !== g) };
        const cls = this.fresh("Klass");
        const restType = rest.k === "obj" && rest.fields.length ? renderType(rest) : "{}";
        this.classes.push(
          `interface ${cls} extends ${restType === "{}" ? "Record<never, never>" : `Readonly<${restType}>`} {}\n` +
            `class ${cls} {\n  constructor(rest: ${restType}, private readonly _${g.name}: ${renderType(g.type)}) {\n    Object.assign(this, rest);\n  }\n` +
            `  get ${g.name}(): ${renderType(g.type)} {\n    reads++;\n    return this._${g.name};\n  }\n}`,
        );
        this.uses.add("reads");
        this.tag("value:classWithCountingGetter");
        const copyField = (f: Field) =>
          f.optional ? `...(o.${f.name} === undefined ? {} : { ${f.name}: o.${f.name} })` : `${f.name}: o.${f.name}`;
        return {
          value,
          build: `new ${cls}(${buildValue(rest)}, ${buildValue(g.type)})`,
          klass: { copy: `(o): ${renderType(value)} => ({ ${value.fields.map(copyField).join(", ")} })` },
        };
      }
    }
  }

  /** A fresh source of exactly `[key, value]` (for a helper's second call site). */
  rawSource(key: VType, value: VType): RddVar {
    const x = this.x;
    const name = this.fresh("s");
    const n = x.pick([8, 1, 30, 0]);
    const domain = x.pick([4, 12, 1]);
    this.stmts.push(
      `const ${name} = ctx.parallelize(rows<[${renderType(key)}, ${renderType(value)}]>(seed + ${this.counter}, ${n}, ${domain}, ${x.chance(25)}, (r) => [${buildKey(key)}, ${buildValue(value)}]), ${x.pick([2, 1, 3])});`,
    );
    const v: RddVar = { name, key, value, module: this.cur.name };
    this.pool.push(v);
    return v;
  }

  /** An RDD of type `[key, value]` visible here: an existing one or a fresh source. */
  sameTyped(key: VType, value: VType): RddVar {
    const visible = this.pool.filter((v) => sameType(v.key, key) && sameType(v.value, value) && this.visible(v));
    if (visible.length && this.x.chance(50)) return visible[this.x.int(visible.length)]!;
    return this.rawSource(key, value);
  }

  /** Whether code of the current module may refer to `v` (earlier modules are imported). */
  visible(v: RddVar): boolean {
    const order: ModuleName[] = ["lib", "barrel", "main"];
    return order.indexOf(v.module ?? "main") <= order.indexOf(this.cur.name);
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
    const v = { ...cur, name, module: this.cur.name };
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
    if (!too_big && this.x.chance(22)) {
      const ext = this.extOp(cur, code);
      if (ext) return ext;
    }
    const kind = too_big ? 0 : c.int(22);
    const to = (newValue: VType, text: string, op: string, newKey: VType = key) => {
      this.ops.push(op);
      return { rdd: { ...cur, key: newKey, value: newValue }, code: `${code}\n    .${text}` };
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
        // strict: false: an outer join's missing side is typed as present; reads of it are then not defensive.
        const present = env.variant === "loose" && this.x.chance(50);
        if (present && type !== "join") this.tag("loose:sideTypedPresent");
        const l = !present && (type === "rightOuterJoin" || type === "fullOuterJoin") ? opt(value) : value;
        const r = !present && (type === "leftOuterJoin" || type === "fullOuterJoin") ? opt(other.value) : other.value;
        const joined = to(tuple(l, r), `${type}(${other.name}${opts})`, type);
        joined.rdd.joined = true;
        // A partition-dependent operation right downstream of the join.
        return this.x.chance(25) ? this.partitionOp(joined.rdd, joined.code) : joined;
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
        // A stage written as a helper function that takes and returns an RDD (with an extension
        // choice, exported by the library module and imported here).
        const name = this.fresh("stage");
        const home = this.lib && this.cur !== this.lib && this.x.chance(40) ? this.lib : this.cur;
        const f = this.within(home, () => lambda(env, value, (roots) => genValue(env, roots)));
        const text = `function ${name}(input: RDD<[${renderType(key)}, ${renderType(value)}]>) {\n  return input.mapValues(${f.code});\n}`;
        if (home === this.cur) this.decls.push(text);
        else {
          home.decls.push({ name, text, exported: false });
          this.tag("module:exportedStage");
        }
        this.ops.push("helperStage");
        return { rdd: { ...cur, value: f.out }, code: `${name}(${code})` };
      }
    }
  }

  // ---------------------------------------------------------------- issue 10 operations

  /** One operation of the regions added for issue 10, or undefined (then an ordinary operation follows). */
  extOp(cur: RddVar, code: string): { rdd: RddVar; code: string } | undefined {
    switch (this.x.int(9)) {
      case 0:
        return this.sharedHelper(cur, code);
      case 1:
        return this.passThrough(cur, code);
      case 2:
        return this.defaultParamHelper(cur, code);
      case 3:
        return this.getterWrap(cur, code);
      case 4:
        return this.partitionOp(cur, code);
      case 5:
        return this.valuesAsPairs(cur, code);
      case 6:
        return this.callback(cur, code);
      case 7: {
        const visible = this.pool.filter((v) => this.visible(v));
        if (visible.length) this.hazard(visible[this.x.int(visible.length)]!, "function");
        return undefined;
      }
      default: {
        // A shuffle first, so that a helper or callback downstream gets a shuffled (pruned) input.
        const shuffle = this.x.pick(["partitionBy(new HashPartitioner(2))", "sortByKey()", "groupByKey()\n    .flatMapValues((vs) => vs)", "repartition(3)"]);
        this.ops.push(shuffle.slice(0, shuffle.indexOf("(")));
        const next = { rdd: cur, code: `${code}\n    .${shuffle}` };
        return this.x.chance(50) ? this.sharedHelper(next.rdd, next.code) : this.callback(next.rdd, next.code);
      }
    }
  }

  /** An RDD helper with two call sites: this chain (often shuffled or joined) and another RDD of the same type (often a raw source). */
  sharedHelper(cur: RddVar, code: string): { rdd: RddVar; code: string } {
    const { key, value } = cur;
    const env = this.env;
    const name = this.fresh("stage");
    const home = this.lib && this.cur !== this.lib && this.x.chance(50) ? this.lib : this.cur;
    const body = this.x.chance(30)
      ? this.within(home, () => {
          const p = lambda(env, tuple(key, value), (roots) => ({ code: genPredicate(env, roots), type: { k: "bool" } }), { predicate: true });
          const f = lambda(env, value, (roots) => genValue(env, roots));
          return { code: `input.filter(${p.code}).mapValues(${f.code})`, out: f.out };
        })
      : this.within(home, () => {
          const f = lambda(env, value, (roots) => genValue(env, roots));
          return { code: `input.mapValues(${f.code})`, out: f.out };
        });
    const text = `function ${name}(input: RDD<[${renderType(key)}, ${renderType(value)}]>) {\n  return ${body.code};\n}`;
    home.decls.push({ name, text, exported: false });
    // The second call site, in the helper's module.
    this.within(home, () => {
      const other = this.sameTyped(key, value);
      const r = this.fresh("r");
      this.stmts.push(`const ${r} = ${name}(${other.name});`);
      this.extraOutputs.push({ code: this.collect(r) });
    });
    this.tag(home === this.cur ? "helper:twoCallSites" : "helper:exportedTwoCallSites");
    if (cur.joined) this.tag("helper:calledWithJoined");
    this.ops.push("helperStage");
    return { rdd: { ...cur, value: body.out }, code: `${name}(${code})` };
  }

  /** A pass-through helper (`r => r`, generic or typed) feeding this chain and another consumer. */
  passThrough(cur: RddVar, code: string): { rdd: RddVar; code: string } {
    const { key, value } = cur;
    const pair = `[${renderType(key)}, ${renderType(value)}]`;
    const pass = this.x.chance(50)
      ? this.env.helper("pass", (n) => `const ${n} = <T>(r: T): T => r;`)
      : this.env.helper(`same:${pair}`, (n) => `function ${n}(r: RDD<${pair}>): RDD<${pair}> {\n  return r;\n}`);
    const other = this.sameTyped(key, value);
    const r = this.fresh("r");
    const f = lambda(this.env, value, (roots) => genValue(this.env, roots));
    this.stmts.push(`const ${r} = ${pass}(${other.name})\n    .mapValues(${f.code});`);
    this.extraOutputs.push({ code: this.collect(r) });
    this.tag("helper:passThrough");
    return { rdd: cur, code: `${pass}(${code})` };
  }

  /** A helper whose RDD parameter has a default value, called without the argument and with this chain. */
  defaultParamHelper(cur: RddVar, code: string): { rdd: RddVar; code: string } {
    const { key, value } = cur;
    const env = this.env;
    const dflt = this.sameTyped(key, value);
    const dfltCode = this.x.chance(30) ? `${dflt.name}.filter(${lambda(env, tuple(key, value), (roots) => ({ code: genPredicate(env, roots), type: { k: "bool" } }), { predicate: true }).code})` : dflt.name;
    const f = lambda(env, value, (roots) => genValue(env, roots));
    const name = this.fresh("stage");
    this.stmts.push(`const ${name} = (r: RDD<[${renderType(key)}, ${renderType(value)}]> = ${dfltCode}) => r.mapValues(${f.code});`);
    const r = this.fresh("r");
    this.stmts.push(`const ${r} = ${name}();`);
    this.extraOutputs.push({ code: this.collect(r) });
    this.tag("helper:defaultParameter");
    this.ops.push("helperStage");
    return { rdd: { ...cur, value: f.out }, code: `${name}(${code})` };
  }

  /** Wraps the value in an object literal with a getter or method using `this`, read right after or later. */
  getterWrap(cur: RddVar, code: string): { rdd: RddVar; code: string } {
    const env = this.env;
    const g = this.fresh("g");
    const field = this.x.pick(["inner", "v", "box"]);
    const got = genValue(env, [{ code: `this.${field}`, type: cur.value }]);
    const t = renderType(got.type);
    const method = this.x.chance(35);
    const member = method ? `${g}(): ${t} {\n        return ${got.code};\n      }` : `get ${g}(): ${t} {\n        return ${got.code};\n      }`;
    const literal = `{\n      ${field}: v,\n      ${member},\n    }`;
    const wrap = this.x.chance(50) ? `mapValues((v) => (${literal}))` : `mapValues((v) => {\n      const w = ${literal};\n      return w;\n    })`;
    this.tag(method ? "this:method" : "this:getter");
    if (method || this.x.chance(60)) {
      return { rdd: { ...cur, value: got.type }, code: `${code}\n    .${wrap}\n    .mapValues((w) => w.${g}${method ? "()" : ""})` };
    }
    // Kept as the value: the getter reaches later operations (and a shuffle, which reads it).
    this.tag("this:getterKept");
    const fields: Field[] = [
      { name: field, type: cur.value, optional: false },
      { name: g, type: got.type, optional: false },
    ];
    return { rdd: { ...cur, value: { k: "obj", fields } }, code: `${code}\n    .${wrap}` };
  }

  /** sample, mapPartitions, mapPartitionsWithIndex or glom (the result depends on partitioning). */
  partitionOp(cur: RddVar, code: string): { rdd: RddVar; code: string } {
    const pair = `[${renderType(cur.key)}, ${renderType(cur.value)}]`;
    const tagged = `[${renderType(cur.key)}, [number, ${renderType(cur.value)}]]`;
    const withIndex = (): VType => tuple(INT, cur.value);
    const suffix = cur.joined ? ":afterJoin" : "";
    switch (this.x.int(6)) {
      case 0:
      case 1:
        this.tag(`partition:sample${suffix}`);
        return { rdd: cur, code: `${code}\n    .sample(${this.x.pick(["false", "true"])}, ${this.x.pick(["0.5", "0.3", "0.8"])}, ${this.x.pick(["42", "7", "1"])})` };
      case 2:
        this.tag(`partition:mapPartitions${suffix}`);
        return { rdd: cur, code: `${code}\n    .mapPartitions((rows) => rows.slice(0, ${this.x.pick([2, 1, 5])}))` };
      case 3:
        this.tag(`partition:mapPartitionsWithIndex${suffix}`);
        return { rdd: { ...cur, value: withIndex() }, code: `${code}\n    .mapPartitionsWithIndex((i, rows) => rows.map(([k, v]): ${tagged} => [k, [i, v]]))` };
      case 4:
        this.tag(`partition:mapPartitionsWithIndex${suffix}`);
        return { rdd: cur, code: `${code}\n    .mapPartitionsWithIndex((i, rows): ${pair}[] => rows.filter((_, j) => (i + j) % 2 === 0))` };
      default:
        this.tag(`partition:glom${suffix}`);
        return { rdd: { ...cur, value: withIndex() }, code: `${code}\n    .glom()\n    .flatMap((p) => p.map(([k, v]): ${tagged} => [k, [p.length, v]]))` };
    }
  }

  /** `[k, [a, b]]` rows whose value is itself a pair: `.values()` makes `a` the key. */
  valuesAsPairs(cur: RddVar, code: string): { rdd: RddVar; code: string } | undefined {
    const v = cur.value;
    if (v.k === "tuple" && v.items.length === 2 && isKeyType(v.items[0]!)) {
      this.tag("value:pairValues");
      this.ops.push("values");
      return { rdd: { ...cur, key: v.items[0]!, value: v.items[1]! }, code: `${code}\n    .values()` };
    }
    // Make the value a pair [newKey, v] first, shuffle, then let the pair become the row.
    const env = this.env;
    const newKey = randomKeyType(this.x);
    const f = lambda(env, v, (roots) => {
      const k = genKey(env, roots, newKey);
      const keep = this.x.chance(50) ? { code: roots[0]!.code, type: roots[0]!.type } : genValue(env, roots);
      return { code: `[${k}, ${keep.code}]`, type: tuple(newKey, keep.type) };
    });
    const out = f.out as Extract<VType, { k: "tuple" }>;
    const shuffle = this.x.pick(["partitionBy(new HashPartitioner(3))", "sortByKey()", "groupByKey()\n    .flatMapValues((vs) => vs)"]);
    this.tag("value:pairValues");
    this.ops.push("values");
    return { rdd: { ...cur, key: newKey, value: out.items[1]! }, code: `${code}\n    .mapValues(${f.code})\n    .${shuffle}\n    .values()` };
  }

  /**
   * A callback declared as a module-level `const` (exported by the library module when the program has
   * one), used here and, with an extension choice, again on another RDD of its parameter type.
   */
  callback(cur: RddVar, code: string): { rdd: RddVar; code: string } {
    const { key, value } = cur;
    const param = renderType(value);
    const known = this.callbacks.filter((cb) => cb.param === param);
    if (known.length && this.x.chance(60)) {
      const cb = known[this.x.int(known.length)]!;
      this.tag("callback:reused");
      return { rdd: { ...cur, value: cb.out }, code: `${code}\n    .mapValues(${cb.name})` };
    }
    const home = this.lib ?? this.cur;
    const name = this.fresh("pick");
    const f = this.within(home, () => typedLambda(this.env, value, (roots) => genValue(this.env, roots)));
    const text = `const ${name} = ${f.code};`;
    home.decls.push({ name, text, exported: false });
    this.callbacks.push({ name, param, out: f.out });
    this.tag(home === this.cur ? "callback:moduleConst" : "callback:exported");
    if (this.x.chance(50)) {
      this.within(home, () => {
        const other = this.sameTyped(key, value);
        const r = this.fresh("r");
        this.stmts.push(`const ${r} = ${other.name}.mapValues(${name});`);
        this.extraOutputs.push({ code: this.collect(r) });
      });
    }
    return { rdd: { ...cur, value: f.out }, code: `${code}\n    .mapValues(${name})` };
  }

  /**
   * A result that sends values the codec cannot carry through a shuffle (functions added to the value,
   * or class instances): the plain program fails with SerializationError in this result, and so must every variant.
   */
  hazard(v: RddVar, kind: "function" | "classInstance"): void {
    const env = this.env;
    const joins = this.pool.filter((p) => sameType(p.key, v.key) && this.visible(p) && p !== v);
    const partner = joins.length ? joins[this.x.int(joins.length)]! : undefined;
    let rdd = v.name;
    if (kind === "function") rdd += `\n    .mapValues((v): [${renderType(v.value)}, () => number] => [v, () => 1])`;
    const shuffles: [string, string][] = [
      ["partitionBy(new HashPartitioner(2))", "p"],
      ["sortByKey()", "p"],
      ["groupByKey()\n    .flatMapValues((vs) => vs)", "p"],
    ];
    if (partner) {
      shuffles.push([`join(${partner.name})`, "p[0]"], [`leftOuterJoin(${partner.name}, { strategy: "auto" })`, "p[0]"], [`join(${partner.name}, { strategy: "auto" })`, "p[0]"]);
    }
    const [shuffle, at] = shuffles[this.x.int(shuffles.length)]!;
    const root = kind === "function" ? `${at}[0]` : at;
    const read = numericOf(env, [{ code: root, type: v.value }]);
    this.tag(`hazard:${kind}${shuffle.startsWith("join") || shuffle.startsWith("left") ? ":join" : ""}`);
    this.extraOutputs.push({ code: this.collect(`${rdd}\n    .${shuffle}\n    .mapValues((p) => ${read})`, true) });
  }

  /** `rdd.collect()` for an extra output (wrapped in attempt when rendered). */
  collect(rdd: string, long = false): string {
    return long ? `${rdd}\n    .collect()` : `${rdd}.collect()`;
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

  // ---------------------------------------------------------------- rendering

  /** The expressions of the results (each an array of rows). */
  resultCodes(outputs: RddVar[]): string[] {
    const codes = outputs.map((o) => {
      const count = this.c.chance(15);
      if (!this.extended) return count ? `[await ${o.name}.count()]` : `await ${o.name}.collect()`;
      const form = this.x.int(o.joined ? 6 : 12);
      const partition = (what: string, code: string) => {
        this.tag(`action:${what}${o.joined ? ":afterJoin" : ""}`);
        return code;
      };
      switch (form) {
        case 1:
          return `await attempt(() => ${partition("take", `${o.name}.take(${this.x.pick([3, 1, 10])})`)})`;
        case 2:
          return `await attempt(async () => [await ${partition("first", `${o.name}.first()`)}])`;
        case 3:
          return `await attempt(() => ${partition("glom", `${o.name}.glom().collect()`)})`;
        case 4:
          return `await attempt(() => ${partition("glom", `${o.name}\n      .glom()\n      .map((p) => p.length)\n      .collect()`)})`;
        case 5:
          return `await attempt(() => ${partition("mapPartitionsWithIndex", `${o.name}.mapPartitionsWithIndex((i, rows) => [[i, rows.length]]).collect()`)})`;
        case 6:
          this.tag("action:keys");
          return `await attempt(() => ${o.name}.keys().collect())`;
        default:
          return count ? `await attempt(async () => [await ${o.name}.count()])` : `await attempt(() => ${o.name}.collect())`;
      }
    });
    for (const extra of this.extraOutputs) codes.push(`await attempt(() => ${extra.code})`);
    // How often user code ran is a result only if no job failed (a failing job stops at a point the
    // plugin may move: a broadcast join computes its small side first).
    if (this.uses.has("tick")) codes.push("[failures ? -1 : calls]");
    if (this.uses.has("reads")) codes.push("[failures ? -1 : reads]");
    return codes;
  }

  /** Facilities of the prelude the program uses (issue-10 regions), each line prefixed with `e` ("export " or ""). */
  extras(e: string): string[] {
    const out: string[] = [];
    if (this.extended) {
      out.push(
        `${e}let failures = 0;\n` +
          `${e}async function attempt(f: () => Promise<unknown[]>): Promise<unknown[]> {\n  try {\n    return await f();\n  } catch (e) {\n    failures++;\n` +
          `    const err = e as { name?: unknown; message?: unknown; cause?: { name?: unknown; message?: unknown } } | undefined;\n` +
          `    const cause = err?.cause ? \` (cause: \${String(err.cause.name)}: \${String(err.cause.message)})\` : "";\n` +
          `    return [{ "!error": \`\${String(err?.name)}: \${String(err?.message ?? e)}\${cause}\` }];\n  }\n}`,
      );
    }
    if (this.uses.has("tick")) out.push(`${e}let calls = 0;\n${e}const tick = (): number => ++calls;`);
    if (this.uses.has("reads")) out.push(`${e}let reads = 0;`);
    if (this.uses.has("holes"))
      out.push(`${e}function holes<T extends unknown[]>(r: Rand, t: T): T {\n  for (let i = 0; i < t.length; i++) if (t[i] === undefined && r.chance(0.6)) delete t[i];\n  return t;\n}`);
    if (this.uses.has("extra")) out.push(`${e}function extra<T extends unknown[]>(t: T): T {\n  return Object.assign(t, { note: "extra" });\n}`);
    if (this.uses.has("bare")) out.push(`${e}function bare<T extends object>(o: T): T {\n  return Object.assign(Object.create(null) as T, o);\n}`);
    out.push(...this.classes.map((k) => (e ? k.replace(/^interface /, "export interface ").replace(/\nclass /, "\nexport class ") : k)));
    return out;
  }

  /** One module. */
  render(outputs: RddVar[], ctxOptions: string): string {
    const collected = this.resultCodes(outputs);
    return [
      PRELUDE,
      ...this.extras(""),
      ...this.typeAliases,
      "",
      ...this.main.decls.flatMap((d) => [typeof d === "string" ? d : d.text, ""]),
      "export async function main(seed: number): Promise<unknown[][]> {",
      "  dyn = (seed % 5) + 1;",
      `  const ctx = new Context(${ctxOptions});`,
      "  try {",
      ...this.main.stmts.map((s) => "    " + s.replaceAll("\n", "\n    ")),
      `    return [${collected.join(", ")}];`,
      "  } finally {",
      "    await ctx.stop();",
      "  }",
      "}",
      "",
    ].join("\n");
  }

  /**
   * Several modules: prelude.ts (data helpers, counters, type aliases), lib.ts (the Context and the first
   * statements at top level, exported in every form), barrel.ts (re-exports, and statements of its own),
   * main.ts (the rest, in main()). A name used by a later module is exported by its module and imported.
   */
  renderModules(outputs: RddVar[], ctxOptions: string): { main: string; files: GeneratedFile[] } {
    const x = this.x;
    const collected = this.resultCodes(outputs);
    const lib = this.lib!;
    const barrel = this.barrel;
    const modules = [lib, ...(barrel ? [barrel] : []), this.main];
    const defined = new Map<string, Module>(); // top-level names of lib and barrel
    defined.set("ctx", lib);
    for (const m of [lib, ...(barrel ? [barrel] : [])]) {
      for (const s of m.stmts) {
        const n = /^const (\w+) =/.exec(s)?.[1];
        if (n) defined.set(n, m);
      }
      for (const d of m.decls) if (typeof d !== "string") defined.set(d.name, m);
    }
    const textOf = (m: Module) => [...m.decls.map((d) => (typeof d === "string" ? d : d.text)), ...m.stmts, ...(m === this.main ? collected : [])].join("\n");
    const uses = new Map<Module, Set<string>>();
    for (const m of modules) {
      const text = textOf(m);
      const used = new Set<string>();
      for (const [n, home] of defined) if (home !== m && modules.indexOf(home) < modules.indexOf(m) && new RegExp(`\\b${n}\\b`).test(text)) used.add(n);
      uses.set(m, used);
    }
    uses.get(this.main)!.add("ctx");
    // How each module exports the names others use.
    type Form = { kind: "inline" | "list" | "alias" | "default"; as: string };
    const forms = new Map<string, Form>();
    const needed = new Set<string>([...uses.values()].flatMap((u) => [...u]));
    const defaultTaken = new Set<Module>();
    for (const n of needed) {
      const home = defined.get(n)!;
      const isDecl = home.decls.some((d) => typeof d !== "string" && d.name === n);
      let kind = (["inline", "list", "alias", "default"] as const)[x.int(4)]!;
      if (isDecl && kind !== "inline") kind = x.chance(50) ? "inline" : "list";
      if (kind === "default" && (defaultTaken.has(home) || home === barrel)) kind = "list";
      if (kind === "default") defaultTaken.add(home);
      forms.set(n, { kind, as: kind === "alias" ? `${n}x` : kind === "default" ? "default" : n });
      this.tag(`module:export:${kind}${home === barrel ? ":barrel" : ""}`);
    }
    // The barrel re-exports lib names main takes through it.
    const star = barrel !== undefined && x.chance(50);
    const reexports: string[] = [];
    const spec = (exported: string, local: string) => (exported === local ? local : `${exported} as ${local}`);
    const importsOf = (m: Module): Map<string, string[]> => {
      const out = new Map<string, string[]>();
      const add = (file: string, s: string) => out.set(file, [...(out.get(file) ?? []), s]);
      for (const n of uses.get(m)!) {
        const home = defined.get(n)!;
        const f = forms.get(n)!;
        const viaBarrel = m === this.main && home === lib && barrel !== undefined && x.chance(60);
        if (!viaBarrel) {
          add(home === lib ? "./lib.js" : "./barrel.js", f.kind === "default" ? `default as ${n}` : spec(f.as, n));
          continue;
        }
        if (f.kind === "default") {
          reexports.push(`default as ${n}d`);
          add("./barrel.js", spec(`${n}d`, n));
          this.tag("module:reexport:default");
        } else if (star) {
          add("./barrel.js", spec(f.as, n));
          this.tag("module:reexport:star");
        } else if (x.chance(50)) {
          reexports.push(f.as);
          add("./barrel.js", spec(f.as, n));
          this.tag("module:reexport:named");
        } else {
          reexports.push(`${f.as} as ${n}b`);
          add("./barrel.js", spec(`${n}b`, n));
          this.tag("module:reexport:renamed");
        }
      }
      return out;
    };
    const importLines = (imports: Map<string, string[]>) =>
      [...imports].map(([file, specs]) => {
        const def = specs.find((s) => s.startsWith("default as "));
        const named = specs.filter((s) => s !== def);
        if (def && x.chance(50)) {
          this.tag("module:import:default");
          return `import ${def.slice("default as ".length)}${named.length ? `, { ${named.join(", ")} }` : ""} from "${file}";`;
        }
        return `import { ${specs.join(", ")} } from "${file}";`;
      });
    const preludeNames = (withSeed: boolean) => {
      const values = ["Rand", "rows", "opaque", "dyn", ...(withSeed ? ["seed"] : [])];
      if (this.extended) values.push("attempt", "failures");
      if (this.uses.has("tick")) values.push("calls", "tick");
      if (this.uses.has("reads")) values.push("reads");
      for (const h of ["holes", "extra", "bare"]) if (this.uses.has(h)) values.push(h);
      for (const k of this.classes) values.push(/^interface (\w+)/.exec(k)![1]!);
      const types = this.typeAliases.map((a) => `type ${/^type (\w+)/.exec(a)![1]!}`);
      return `import { ${[...values, ...types].join(", ")} } from "./prelude.js";`;
    };
    const declText = (m: Module, d: string | Decl) => {
      if (typeof d === "string") return d;
      const f = forms.get(d.name);
      return m !== this.main && f?.kind === "inline" ? `export ${d.text}` : d.text;
    };
    const stmtText = (s: string) => {
      const n = /^const (\w+) =/.exec(s)?.[1];
      return n && forms.get(n)?.kind === "inline" && defined.get(n) !== this.main ? `export ${s}` : s;
    };
    const exportList = (m: Module) => {
      const names = [...forms].filter(([n, f]) => defined.get(n) === m && f.kind !== "inline");
      const list = names.filter(([, f]) => f.kind !== "default").map(([n, f]) => spec(n, f.as));
      const dflt = names.find(([, f]) => f.kind === "default");
      return [...(list.length ? [`export { ${list.join(", ")} };`] : []), ...(dflt ? [`export default ${dflt[0]};`] : [])];
    };
    const header = `import { Context, HashPartitioner, type RDD } from "rddopt";`;
    const ctxForm = forms.get("ctx");
    const mainImports2 = importsOf(this.main);
    const barrelImports = barrel ? importsOf(barrel) : new Map<string, string[]>();
    const libText = [
      header,
      preludeNames(true),
      "",
      ...lib.decls.flatMap((d) => [declText(lib, d), ""]),
      `${ctxForm?.kind === "inline" ? "export " : ""}const ctx = new Context(${ctxOptions});`,
      ...lib.stmts.map(stmtText),
      "",
      ...exportList(lib),
      "",
    ].join("\n");
    const files: GeneratedFile[] = [
      { name: "prelude.ts", source: this.preludeModule() },
      { name: "lib.ts", source: libText },
    ];
    if (barrel) {
      files.push({
        name: "barrel.ts",
        source: [
          header,
          preludeNames(true),
          ...importLines(barrelImports),
          ...(star ? [`export * from "./lib.js";`] : []),
          ...(reexports.length ? [`export { ${reexports.join(", ")} } from "./lib.js";`] : []),
          "",
          ...barrel.decls.flatMap((d) => [declText(barrel, d), ""]),
          ...barrel.stmts.map(stmtText),
          "",
          ...exportList(barrel),
          "",
        ].join("\n"),
      });
    }
    const main = [
      header,
      preludeNames(false),
      ...importLines(mainImports2),
      "",
      ...this.main.decls.flatMap((d) => [declText(this.main, d), ""]),
      "export async function main(seed: number): Promise<unknown[][]> {",
      "  try {",
      ...this.main.stmts.map((s) => "    " + s.replaceAll("\n", "\n    ")),
      `    return [${collected.join(", ")}];`,
      "  } finally {",
      "    await ctx.stop();",
      "  }",
      "}",
      "",
    ].join("\n");
    return { main, files };
  }

  /** prelude.ts of a program with several modules: the single-module prelude, exported, with the seed read from globalThis. */
  preludeModule(): string {
    const body = PRELUDE.slice(PRELUDE.indexOf("\n") + 1)
      .replace(/^class Rand/m, "export class Rand")
      .replace(/^function rows/m, "export function rows")
      .replace(/^const opaque/m, "export const opaque")
      .replace(
        /^let dyn = 1;$/m,
        "/** The program's data seed (set by the fuzz child before it imports the program). */\n" +
          "export const seed: number = (globalThis as { fuzzSeed?: number }).fuzzSeed ?? 0;\nexport const dyn = (seed % 5) + 1;",
      );
    return [body, ...this.extras("export "), ...this.typeAliases.map((a) => `export ${a}`), ""].join("\n");
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

function newModule(name: ModuleName): Module {
  return { name, decls: [], stmts: [], helpers: new Map(), valueHelpers: [] };
}

/** Builds one program from a choice sequence. */
export function generateProgram(choices: readonly number[], options: GenerateOptions = {}): GeneratedProgram {
  const c = new Chooser(choices);
  // The extension stream: the same choices read from the back; its first choice keeps ~15% of programs
  // exactly as the first generator made them.
  const back = new Chooser([...choices].reverse());
  const extended = options.extensions !== false && back.chance(85);
  const x = extended ? back : new Chooser([]);
  const b = new ProgramBuilder(c, x, options.variant ?? "strict", extended);
  let ctxOptions = `{ defaultParallelism: ${c.pick([2, 1, 3, 4])}, broadcastThreshold: ${c.pick(["10 * 2 ** 20", "0", "300"])}, shuffleMemoryBytes: ${c.pick(["256 * 2 ** 20", "0", "2048"])}, progress: false }`;
  const threshold = x.int(4);
  if (threshold) ctxOptions = ctxOptions.replace(/broadcastThreshold: [^,]+,/, `broadcastThreshold: ${["", "4096", "1024", "2 ** 20"][threshold]},`);
  // Several modules: the first statements go to lib.ts (and barrel.ts), the rest to main().
  const multi = x.chance(35);
  const libStatements = multi ? 1 + x.int(2) : 0;
  const barrelStatements = multi && x.chance(50) ? x.int(2) : -1;
  if (multi) {
    b.lib = newModule("lib");
    b.cur = b.lib;
    if (barrelStatements >= 0) b.barrel = newModule("barrel");
    b.tag(barrelStatements >= 0 ? "module:threeModules" : "module:twoModules");
  }
  let made = 0;
  const place = () => {
    if (!multi) return;
    if (made >= libStatements && b.cur === b.lib) b.cur = b.barrel ?? b.main;
    if (made >= libStatements + Math.max(0, barrelStatements) && b.cur === b.barrel) b.cur = b.main;
  };
  const outputs: RddVar[] = [];
  const chains = 1 + c.int(2);
  for (let i = 0; i < chains; i++) {
    place();
    const start = b.pool.length && c.chance(40) ? b.pool[c.int(b.pool.length)]! : b.source(randomKeyType(c));
    let cur = start;
    const statements = 1 + c.int(3);
    for (let s = 0; s < statements; s++) {
      place();
      cur = b.statement(cur, 1 + c.int(3));
      made++;
    }
    outputs.push(cur);
  }
  if (c.chance(25) && b.pool.length > 1) outputs.push(b.pool[c.int(b.pool.length)]!);
  if (!multi) return { source: b.render(outputs, ctxOptions), ops: b.ops };
  const { main, files } = b.renderModules(outputs, ctxOptions);
  return { source: main, files, ops: b.ops };
}
