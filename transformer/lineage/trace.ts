/**
 * Column lineage of one pipeline, read backward from its action with the transformer's own analysis: the
 * demand on one output field is pushed upstream through every RDD method (as analyse/rdd-demand.ts does
 * for all consumers at once), through the same value analysis of the lambdas, until it reaches a source.
 * What reaches a source is the set of input fields that field depends on. The demand that starts at the
 * output is one All instance (SEED); an input field reached by that very instance was copied unchanged
 * (IDENTITY), one reached by another All was computed (TRANSFORMATION, the All's reason says how).
 * Filters, join keys, group keys and sort keys are traced once per pipeline as indirect dependencies.
 */
import type * as ts from "typescript";
import { innerExpression, short, type FileContext } from "../context.js";
import { ELEMENT, PRESENT, all, elementDemand, fields, part, union, type Demand } from "../analyse/demand.js";
import { fieldwiseDemand } from "../analyse/fieldwise.js";
import { rddCallOf, isInRddoptPackage, type RddCall } from "../find/rdd-calls.js";
import { functionOf, usesArguments } from "../find/functions.js";
import type { SiteInfo } from "../plan/plan.js";
import { LineageValueAnalysis } from "./values.js";
import { isWrite } from "../analyse/values.js";
import { demandOnField, leafFields, observedFields, rowTypeOf } from "./fields.js";
import { FILE_NAMESPACE, MEMORY_NAMESPACE, type DatasetRef, type IndirectSubtype, type Transformation } from "./types.js";

/** The demand an output field starts with: its identity marks inputs copied unchanged. */
const SEED = all("the output field");

/** How the rows being traced reach the output. */
type Mode =
  | { kind: "plain" }
  | { kind: "aggregation"; description: string }
  | { kind: "indirect"; subtype: IndirectSubtype; description: string };
export type Effect = Exclude<Mode, { kind: "plain" }>;

/** A dependency found at a source: which field, how, and whether it shapes the whole output. */
export interface Found {
  dataset: DatasetRef;
  field: string;
  transformation: Transformation;
  level: "field" | "dataset";
}

/** What a lineage rule can do for one RDD method call. */
interface LineageUse {
  /** What is traced of the call's output rows. */
  out: Demand;
  rdd: RddCall;
  site: string;
  /** What function argument `arg` observes of its parameter `parameter` when its result is observed as `returned`. */
  fn(arg: number, returned: Demand, parameter?: number): Demand;
  /** What the field-wise (or whole) combiner `arg` observes of its inputs, as in analyse/fieldwise.ts. */
  combiner(arg: number, out: Demand, zeroArg?: number): Demand;
  /** Whether argument `role` is an RDD (cogroup's last argument may be a partitioner). */
  isRdd(role: number): boolean;
  /** Continue upstream: the rows of `role` (receiver or argument index) are observed as `demand`. */
  flow(role: "receiver" | number, demand: Demand, effect?: Effect): void;
}

type Rule = (u: LineageUse) => void;

const KEY_ONLY = (why: string): Demand => fields([["0", all(why)]]);
const pairOf = (key: Demand, value: Demand): Demand => fields([["0", key], ["1", value]]);
const iterated = (element: Demand): Demand => fields([[ELEMENT, union(PRESENT, element)]]);
const pass: Rule = (u) => u.flow("receiver", u.out);
const indirect = (subtype: IndirectSubtype, description: string): Effect => ({ kind: "indirect", subtype, description });
const aggregation = (description: string): Effect => ({ kind: "aggregation", description });

/** Rows the user function sees all at once: it may compute anything from them and drop any. */
const opaquePartitions: Rule = (u) => {
  const why = `\`${u.rdd.method}\` at ${u.site} is not followed: its function sees whole partitions`;
  if (u.out !== null) u.flow("receiver", all(why));
  u.flow("receiver", all(why), indirect("FILTER", why));
};

const joinRule: Rule = (u) => {
  const key = part(u.out, "0");
  const values = part(u.out, "1");
  u.flow("receiver", pairOf(key, part(values, "0")));
  u.flow(0, pairOf(key, part(values, "1")));
  for (const role of ["receiver", 0] as const) u.flow(role, KEY_ONLY("join key"), indirect("JOIN", `${u.rdd.method} at ${u.site}`));
};

/** reduceByKey / foldByKey: each output value field from the input value fields its combiner reads. */
const combineRule = (fnArg: number, zeroArg?: number): Rule => (u) => {
  u.flow("receiver", pairOf(part(u.out, "0"), null));
  const value = part(u.out, "1");
  if (value !== null) u.flow("receiver", pairOf(null, u.combiner(fnArg, value, zeroArg)), aggregation(`${u.rdd.method} at ${u.site}`));
  u.flow("receiver", KEY_ONLY("group key"), indirect("GROUP_BY", `${u.rdd.method} at ${u.site}`));
};

/** aggregateByKey / combineByKey: accumulators mix fields, so every output value field reads all the functions read. */
const accumulateRule = (read: (u: LineageUse) => Demand): Rule => (u) => {
  u.flow("receiver", pairOf(part(u.out, "0"), null));
  if (part(u.out, "1") !== null) u.flow("receiver", pairOf(null, read(u)), aggregation(`${u.rdd.method} at ${u.site}`));
  u.flow("receiver", KEY_ONLY("group key"), indirect("GROUP_BY", `${u.rdd.method} at ${u.site}`));
};

/** One rule per RDD method that returns an RDD; methods without one make their output depend on whole inputs. */
const RULES: Record<string, Rule> = {
  map: (u) => u.flow("receiver", u.fn(0, u.out)),
  flatMap: (u) => u.flow("receiver", u.fn(0, iterated(u.out))),
  filter: (u) => {
    u.flow("receiver", u.out);
    u.flow("receiver", u.fn(0, PRESENT), indirect("FILTER", `filter at ${u.site}`));
  },
  keyBy: (u) => u.flow("receiver", union(part(u.out, "1"), u.fn(0, part(u.out, "0")))),
  union: (u) => {
    u.flow("receiver", u.out);
    u.flow(0, u.out);
  },
  sample: pass,
  coalesce: pass,
  persist: pass,
  cache: pass,
  unpersist: pass,
  setName: pass,
  repartition: pass,
  partitionBy: pass,
  mapPartitions: opaquePartitions,
  mapPartitionsWithIndex: opaquePartitions,
  glom: opaquePartitions,
  mapValues: (u) => u.flow("receiver", pairOf(part(u.out, "0"), u.fn(0, part(u.out, "1")))),
  flatMapValues: (u) => u.flow("receiver", pairOf(part(u.out, "0"), u.fn(0, iterated(part(u.out, "1"))))),
  keys: (u) => u.flow("receiver", pairOf(u.out, null)),
  values: (u) => u.flow("receiver", pairOf(null, u.out)),
  sortByKey: (u) => {
    pass(u);
    u.flow("receiver", KEY_ONLY("sort key"), indirect("SORT", `sortByKey at ${u.site}`));
  },
  sortBy: (u) => {
    pass(u);
    u.flow("receiver", u.fn(0, all("sort key")), indirect("SORT", `sortBy at ${u.site}`));
  },
  distinct: (u) => {
    pass(u);
    u.flow("receiver", all("distinct compares whole rows"), indirect("GROUP_BY", `distinct at ${u.site}`));
  },
  groupByKey: (u) => {
    u.flow("receiver", pairOf(part(u.out, "0"), null));
    const grouped = elementDemand(part(u.out, "1"));
    if (grouped !== null) u.flow("receiver", pairOf(null, grouped), aggregation(`groupByKey at ${u.site}`));
    u.flow("receiver", KEY_ONLY("group key"), indirect("GROUP_BY", `groupByKey at ${u.site}`));
  },
  reduceByKey: combineRule(0),
  foldByKey: combineRule(1, 0),
  aggregateByKey: accumulateRule((u) => u.fn(1, all("aggregateByKey accumulator"), 1)),
  combineByKey: accumulateRule((u) => union(u.fn(0, all("combiner"), 0), u.fn(1, all("combiner"), 1))),
  subtractByKey: (u) => {
    u.flow("receiver", u.out);
    for (const role of ["receiver", 0] as const) u.flow(role, KEY_ONLY("key"), indirect("FILTER", `subtractByKey at ${u.site}`));
  },
  cogroup: (u) => {
    const key = part(u.out, "0");
    const groups = part(u.out, "1");
    const description = `cogroup at ${u.site}`;
    const roles: ("receiver" | number)[] = ["receiver", ...u.rdd.call.arguments.map((_, i) => i)];
    roles.forEach((role, index) => {
      if (role !== "receiver" && !u.isRdd(role)) return; // a trailing partitioner
      u.flow(role, pairOf(key, null));
      const values = elementDemand(part(groups, String(index)));
      if (values !== null) u.flow(role, pairOf(null, values), aggregation(description));
      u.flow(role, KEY_ONLY("cogroup key"), indirect("JOIN", description));
    });
  },
  join: joinRule,
  leftOuterJoin: joinRule,
  rightOuterJoin: joinRule,
  fullOuterJoin: joinRule,
};

/** Context methods that create RDDs from outside data, and which argument names the data. */
const SOURCE_METHODS: Record<string, "data" | "path" | "range"> = {
  parallelize: "data",
  makeRDD: "data",
  range: "range",
  textFile: "path",
  readCsv: "path",
  readJsonLines: "path",
  readParquet: "path",
  wholeTextFiles: "path",
};

export class PipelineTracer {
  private readonly values: LineageValueAnalysis;
  /** Told of every source a "dataset" walk reaches (that walk visits every branch). */
  private reached: ((dataset: DatasetRef) => void) | undefined;

  constructor(
    private readonly fc: FileContext,
    private readonly siteOf: (node: ts.Node) => SiteInfo,
  ) {
    this.values = new LineageValueAnalysis(fc);
  }

  /** Records what an output field observed as `demand` of the rows of `rdd` depends on. */
  traceField(rdd: ts.Expression, demand: Demand, effect: Effect | undefined, found: Found[]): void {
    this.trace(rdd, demand, effect ?? { kind: "plain" }, found, "field", 0);
  }

  /** The indirect dependencies of everything upstream of `rdd` (filters, keys), plus those `extra` adds at the sink. */
  traceIndirect(rdd: ts.Expression, found: Found[], extra: { demand: Demand; effect: Effect } | undefined, reached: (dataset: DatasetRef) => void): void {
    this.reached = reached;
    try {
      this.trace(rdd, null, { kind: "plain" }, found, "dataset", 0);
      if (extra) this.trace(rdd, extra.demand, extra.effect, found, "dataset", 0);
    } finally {
      this.reached = undefined;
    }
  }

  /** The seed demand on one output field, for the sink code. */
  static seedOn(keys: readonly string[]): Demand {
    return demandOnField(keys, SEED);
  }

  get valueAnalysis(): LineageValueAnalysis {
    return this.values;
  }

  combinerDemand(fnArg: ts.Expression | undefined, out: Demand, method: string, zero?: ts.Expression): Demand {
    return fieldwiseDemand(this.fc, fnArg, out, method, zero);
  }

  site(node: ts.Node): string {
    return this.siteOf(node).site;
  }

  /**
   * `pass` "field" records direct dependencies (and presence tests) of one output field, "dataset" only
   * indirect ones: the two never mix, so each walk records what it is for.
   */
  private trace(expression: ts.Expression, demand: Demand, mode: Mode, found: Found[], pass: "field" | "dataset", depth: number, bound: Bindings = NO_BINDINGS): void {
    if (pass === "field" && (mode.kind === "indirect" || demand === null)) return;
    const expr = innerExpression(this.fc.ts, expression);
    if (depth > 200) return this.atSource(this.opaqueDataset(expr), rowTypeOf(this.fc, expr), all("the pipeline is too deep to follow"), mode, found, pass);
    const next = (e: ts.Expression, b: Bindings = bound) => this.trace(e, demand, mode, found, pass, depth + 1, b);
    const rdd = rddCallOf(this.fc, expr);
    if (rdd && rowTypeOf(this.fc, expr) !== undefined) return this.throughCall(rdd, demand, mode, found, pass, depth, bound);
    const argument = this.fc.ts.isIdentifier(expr) ? boundArgument(bound, this.fc.symbolOf(expr)) : undefined;
    if (argument) return next(argument.expression, argument.outer);
    const aliased = this.constInitializer(expr);
    if (aliased) return next(aliased);
    const helper = this.helperReturns(expr, bound);
    if (helper) {
      for (const returned of helper.returns) next(returned, helper.bindings);
      return;
    }
    const source = this.contextCall(expr);
    if (source?.method === "union") {
      const list = source.call.arguments[0] && innerExpression(this.fc.ts, source.call.arguments[0]);
      if (list && this.fc.ts.isArrayLiteralExpression(list) && list.elements.every((e) => !this.fc.ts.isSpreadElement(e))) {
        for (const element of list.elements) next(element);
        return;
      }
    }
    const dataset = source && SOURCE_METHODS[source.method] ? this.sourceDataset(source.call, source.method) : this.opaqueDataset(expr);
    this.atSource(dataset, rowTypeOf(this.fc, expr), demand, mode, found, pass);
  }

  private throughCall(rdd: RddCall, demand: Demand, mode: Mode, found: Found[], pass: "field" | "dataset", depth: number, bound: Bindings): void {
    const args = rdd.call.arguments;
    const site = this.site(rdd.name);
    const use: LineageUse = {
      out: demand,
      rdd,
      site,
      fn: (arg, returned, parameter = 0) => (args[arg] ? this.values.parameterDemand(args[arg], parameter, returned) : all("missing function argument")),
      isRdd: (role) => !!args[role] && rowTypeOf(this.fc, args[role]) !== undefined,
      combiner: (arg, out, zeroArg) => fieldwiseDemand(this.fc, args[arg], out, rdd.method, zeroArg === undefined ? undefined : args[zeroArg], rdd.receiver),
      flow: (role, next, effect) => {
        const target = role === "receiver" ? rdd.receiver : args[role];
        if (target) this.trace(target, next, compose(mode, effect), found, pass, depth + 1, bound);
      },
    };
    const rule = RULES[rdd.method];
    if (rule) return rule(use);
    // not modelled: the output depends on everything of every RDD going in
    const why = `\`${rdd.method}\` at ${site} is not modelled for lineage`;
    if (demand !== null) use.flow("receiver", all(why));
    args.forEach((arg, i) => {
      if (rowTypeOf(this.fc, arg) !== undefined && demand !== null) use.flow(i, all(why));
    });
  }

  /** Records what `demand` observes of the rows of `dataset`. */
  private atSource(dataset: DatasetRef, rowType: ts.Type | undefined, demand: Demand, mode: Mode, found: Found[], pass: "field" | "dataset"): void {
    if (pass === "dataset") this.reached?.(dataset);
    for (const observed of observedFields(this.fc, rowType, demand)) {
      if (mode.kind === "indirect") {
        if (pass === "dataset") found.push({ dataset, field: observed.name, level: "dataset", transformation: { type: "INDIRECT", subtype: mode.subtype, description: mode.description } });
        continue;
      }
      if (pass !== "field") continue;
      let transformation: Transformation;
      if (observed.observed === "presence") transformation = { type: "INDIRECT", subtype: "CONDITIONAL", description: "tested for presence or truthiness" };
      else if (mode.kind === "aggregation") transformation = { type: "DIRECT", subtype: "AGGREGATION", description: mode.description };
      else if (observed.all === SEED) transformation = { type: "DIRECT", subtype: "IDENTITY" };
      else transformation = { type: "DIRECT", subtype: "TRANSFORMATION", description: observed.reason };
      found.push({ dataset, field: observed.name, level: "field", transformation });
    }
  }

  /**
   * A call of a function of this file that returns an RDD (`function load(ctx) { return ctx.textFile(...) }`):
   * its returned expressions, with its parameters bound to the call's arguments. Not when it reads
   * `arguments`, has rest parameters or spread arguments: then the call is a dataset of its own.
   */
  private helperReturns(expr: ts.Expression, outer: Bindings): { returns: ts.Expression[]; bindings: Bindings } | undefined {
    const { ts } = this.fc;
    if (!ts.isCallExpression(expr) || expr.arguments.some((a) => ts.isSpreadElement(a))) return undefined;
    const fn = functionOf(this.fc, expr.expression);
    if (!fn?.body || fn.getSourceFile() !== this.fc.sourceFile || usesArguments(this.fc, fn) || fn.asteriskToken) return undefined;
    if (fn.parameters.some((p) => p.dotDotDotToken || !ts.isIdentifier(p.name))) return undefined;
    const returns: ts.Expression[] = [];
    if (!ts.isBlock(fn.body)) returns.push(fn.body);
    else {
      const visit = (node: ts.Node): void => {
        if (ts.isReturnStatement(node) && node.expression) returns.push(node.expression);
        if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
      };
      ts.forEachChild(fn.body, visit);
    }
    if (returns.length === 0) return undefined;
    // a default is evaluated in the helper's own scope: such calls are datasets of their own
    if (fn.parameters.some((p, i) => p.initializer && !expr.arguments[i])) return undefined;
    // a parameter assigned in the body no longer holds the argument: the call is a dataset of its own
    const symbols = fn.parameters.map((p) => this.fc.checker.getSymbolAtLocation(p.name));
    if (symbols.some((symbol) => !symbol || this.fc.references(symbol).some((ref) => isWrite(this.fc, ref)))) return undefined;
    let bindings = outer;
    symbols.forEach((symbol, i) => {
      const argument = expr.arguments[i];
      if (symbol && argument) bindings = { symbol, expression: argument, outer, next: bindings };
    });
    return { returns, bindings };
  }

  /** `const x = <rdd>` of this file: the initializer (a `let`, a parameter or an import is a dataset of its own). */
  private constInitializer(expr: ts.Expression): ts.Expression | undefined {
    const { ts } = this.fc;
    if (!ts.isIdentifier(expr)) return undefined;
    const declaration = this.fc.symbolOf(expr)?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
    if (!ts.isIdentifier(declaration.name) || declaration.getSourceFile() !== this.fc.sourceFile) return undefined;
    const list = declaration.parent;
    return ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const ? declaration.initializer : undefined;
  }

  /** A call of a method of rddopt's Context (recognised by its resolved declaration, not by name). */
  private contextCall(expr: ts.Expression): { call: ts.CallExpression; method: string } | undefined {
    const { ts, checker } = this.fc;
    if (!ts.isCallExpression(expr) || !ts.isPropertyAccessExpression(expr.expression)) return undefined;
    const declaration = checker.getResolvedSignature(expr)?.declaration;
    // a method of class Context, or of an interface merged into it (readers added in other runtime files)
    if (!declaration || !(ts.isMethodDeclaration(declaration) || ts.isMethodSignature(declaration))) return undefined;
    const owner = declaration.parent;
    if (!(ts.isClassDeclaration(owner) || ts.isInterfaceDeclaration(owner)) || owner.name?.text !== "Context") return undefined;
    if (!isInRddoptPackage(this.fc, declaration.getSourceFile().fileName)) return undefined;
    return { call: expr, method: expr.expression.name.text };
  }

  private sourceDataset(call: ts.CallExpression, method: string): DatasetRef {
    const { ts } = this.fc;
    const first = call.arguments[0];
    const at = this.lineOf(call);
    if (SOURCE_METHODS[method] === "path" && first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
      return { namespace: FILE_NAMESPACE, name: first.text };
    }
    return { namespace: MEMORY_NAMESPACE, name: `${this.sourceLabel(call, method)}@${at}` };
  }

  /**
   * What names an in-memory source: the variable it is bound to (`const orders = ctx.parallelize(...)`),
   * else the data's expression when it is a name (`ctx.parallelize(rows)`), else the call.
   */
  private sourceLabel(call: ts.CallExpression, method: string): string {
    const { ts } = this.fc;
    let outer: ts.Node = call;
    while (outer.parent && (ts.isParenthesizedExpression(outer.parent) || ts.isAsExpression(outer.parent) || ts.isNonNullExpression(outer.parent))) outer = outer.parent;
    const parent = outer.parent;
    if (parent && ts.isVariableDeclaration(parent) && parent.initializer === outer && ts.isIdentifier(parent.name)) return parent.name.text;
    const first = call.arguments[0] && innerExpression(ts, call.arguments[0]);
    if (method !== "range" && first && (ts.isIdentifier(first) || ts.isPropertyAccessExpression(first))) return short(this.fc, first);
    return `${method}(${call.arguments.map((a) => short(this.fc, a)).join(", ")})`;
  }

  /** An RDD the lineage does not look behind (a parameter, an import, a helper's result): a dataset of its own. */
  private opaqueDataset(expr: ts.Expression): DatasetRef {
    return { namespace: MEMORY_NAMESPACE, name: `${short(this.fc, expr)}@${this.lineOf(expr)}` };
  }

  lineOf(node: ts.Node): string {
    const site = this.siteOf(node);
    return `${site.file}:${site.line}`;
  }

  leafFieldsOf(type: ts.Type | undefined): ReturnType<typeof leafFields> {
    return leafFields(this.fc, type);
  }
}

/**
 * Parameters of the helpers being followed, bound to the arguments of the calls that entered them (each
 * argument is traced with the bindings of its own call site, `outer`).
 */
interface Binding {
  symbol: ts.Symbol;
  expression: ts.Expression;
  outer: Bindings;
  next: Bindings;
}
type Bindings = Binding | undefined;
const NO_BINDINGS: Bindings = undefined;

function boundArgument(bound: Bindings, symbol: ts.Symbol | undefined): Binding | undefined {
  for (let b = bound; b && symbol; b = b.next) if (b.symbol === symbol) return b;
  return undefined;
}

/** The stronger of two ways: indirect over aggregation over plain; a new indirect names the step that filters. */
function compose(mode: Mode, effect: Effect | undefined): Mode {
  if (!effect) return mode;
  if (effect.kind === "indirect") return effect;
  return mode.kind === "plain" ? effect : mode;
}
