/**
 * One file's plan: for every shuffle input, the projection to insert (or why none), the downstream edits
 * that read the new shape, and for joins the strategy and site. Decisions only; rewrite/ builds the code.
 */
import type * as ts from "typescript";
import { Unsupported, innerExpression, position, type FileContext } from "../context.js";
import { findRddCalls, mappedValues, type RddCall } from "../find/rdd-calls.js";
import { operatorOf, type Role } from "../operators.js";
import { NO_TARGETS, downstreamCalls } from "../find/graph.js";
import { PipelineAnalysis } from "../analyse/rdd-demand.js";
import { describe, firstReason, isAll, isUnobserved, part, type Demand } from "../analyse/demand.js";
import { DIAGNOSTIC_CODES } from "../diagnostics.js";
import type { Optimization, TransformerWarning } from "../report/types.js";
import { Forward } from "./forward.js";
import { Edits } from "./edits.js";
import { KEEP, composeShapes, describeShape, isKeep, valueShape, type Mode, type Shape } from "./shape.js";
import { isDataType, plainObjectProperties, tupleElements } from "../analyse/types.js";
import { canPruneLiteral } from "./fusion.js";
import { broadcastEdit } from "./broadcast.js";
import { IdentityAnalysis } from "../analyse/identity.js";
import { findReaderCalls, sourceOptionsEdit } from "./sources.js";
import { planCaptures } from "./capture.js";
import { estimateProjection } from "./estimate.js";

export interface PlanOptions {
  prune: boolean;
  broadcast: boolean;
  /** Read through functions of other files of the Program (never rewriting them), where the build allows. */
  crossFile: boolean;
  /** Annotate RDD methods' functions with what a worker needs to rebuild them (plan/capture.ts). */
  capture: boolean;
  /** Whether captures may name imports (`imports: false` for bundled code). */
  captureImports: boolean;
}

export interface FilePlan {
  edits: Edits;
  /** Closure annotations (plan/capture.ts), kept apart so the report's diff shows the optimizations alone. */
  captures: Edits;
  optimizations: Optimization[];
  warnings: TransformerWarning[];
}


interface Candidate {
  rdd: RddCall;
  role: Role;
  label: string;
  expression: ts.Expression;
  valueType: ts.Type;
  demand: Demand;
  compact: Shape;
  stable?: Shape;
  mode: Mode | "off";
  fallbackReason?: string;
}

const isShuffle = (c: RddCall): boolean => !!operatorOf(c.method)?.shuffle;
const isJoin = (c: RddCall): boolean => !!operatorOf(c.method)?.join;
/** Joins whose type lets one side be broadcast (full outer joins keep both sides' unmatched rows). */
const canBroadcast = (c: RddCall): boolean => isJoin(c) && operatorOf(c.method)?.join !== "fullOuter";

export function planFile(fc: FileContext, options: PlanOptions, siteOf: (node: ts.Node) => SiteInfo): FilePlan {
  const plan: FilePlan = { edits: new Edits(), captures: new Edits(), optimizations: [], warnings: [] };
  const calls = findRddCalls(fc);
  if (calls.length === 0) return plan;
  const analysis = new PipelineAnalysis(fc);
  const candidates: Candidate[] = [];
  const record = (rdd: RddCall, kind: Optimization["kind"], status: Optimization["status"], reason: string, extra: Partial<Optimization> = {}): void => {
    const site = siteOf(rdd.name);
    plan.optimizations.push({ ...site, kind, operation: rdd.method, status, reason, ...extra });
  };
  const warn = (rdd: RddCall, what: string, error: unknown): void => {
    const message = `rddopt: left \`${rdd.method}\` at ${siteOf(rdd.name).site} as written (${what}): ${errorText(error)}`;
    plan.warnings.push({ code: DIAGNOSTIC_CODES.internalError, file: fc.sourceFile.fileName, start: rdd.name.getStart(fc.sourceFile), length: rdd.name.getWidth(fc.sourceFile), message });
    record(rdd, what === "broadcast" ? "broadcast" : "prune", "skipped", `internal error: ${errorText(error)}`);
  };

  const dynamicScope = options.prune ? dynamicScopeUse(fc) : undefined;
  const partitioning = new PartitionSensitivity(fc);
  for (const rdd of calls.filter(isShuffle)) {
    if (!options.prune) continue;
    if (dynamicScope) {
      record(rdd, "prune", "skipped", `${dynamicScope} in this file can read any variable: nothing in the file is pruned`);
      continue;
    }
    const sizeSensitive = partitioning.sizeDecidedJoinFeedingSensitive(rdd);
    if (sizeSensitive) {
      record(rdd, "prune", "skipped", sizeSensitive);
      continue;
    }
    try {
      // test hook: proves that an internal error leaves the pipeline untouched and the build going
      if (process.env.RDDOPT_FAULT_INJECTION === rdd.method) throw new Error("injected fault (RDDOPT_FAULT_INJECTION)");
      for (const input of shuffleInputs(fc, rdd)) {
        const candidate = evaluate(fc, analysis, rdd, input.role, input.expression, input.label);
        if (typeof candidate === "string") record(rdd, "prune", "skipped", candidate, { input: input.label });
        else candidates.push(candidate);
      }
    } catch (error) {
      warn(rdd, "pruning", error);
    }
  }

  const { arriving, edits: downstream } = settleShapes(fc, candidates);
  const pruning = new Edits();
  pruning.merge(downstream);
  const applied: Optimization[] = [];
  let projectionFailed = false;
  for (const candidate of candidates) {
    const shape = shapeOf(fc, candidate);
    if (isKeep(shape)) {
      const why = candidate.mode === "off" ? `the pruned value cannot be followed downstream: ${candidate.fallbackReason}` : (candidate.fallbackReason ?? "nothing can be removed");
      record(candidate.rdd, "prune", "skipped", why, { input: candidate.label });
      continue;
    }
    const arrivingShape = arriving.get(candidate) ?? KEEP;
    if (JSON.stringify(composeShapes(shape, arrivingShape)) === JSON.stringify(arrivingShape)) {
      record(candidate.rdd, "prune", "skipped", `values already arrive pruned to ${describeShape(arrivingShape)} by an earlier projection`, { input: candidate.label });
      continue;
    }
    try {
      const placement = addProjection(fc, pruning, candidate, shape, arrivingShape);
      const note = candidate.mode === "stable" ? ` (positions kept: ${candidate.fallbackReason})` : "";
      record(candidate.rdd, "prune", "applied", `downstream reads ${describe(candidate.demand)} of the ${candidate.label} value${note}`, {
        input: candidate.label,
        kept: describeShape(shape),
        placement,
        estimate: estimateProjection(fc, candidate.valueType, shape, arrivingShape),
      });
      applied.push(plan.optimizations[plan.optimizations.length - 1]);
    } catch (error) {
      // downstream code already reads the shapes every projection was to produce: without this one, none is sound
      projectionFailed = true;
      warn(candidate.rdd, "pruning", error);
    }
  }
  if (projectionFailed) {
    for (const optimization of applied) Object.assign(optimization, { status: "skipped", reason: "another projection in this file could not be built: pruning left out", kept: undefined, placement: undefined, estimate: undefined });
  } else {
    plan.edits.merge(pruning);
  }

  if (options.prune && !dynamicScope) {
    for (const reader of findReaderCalls(fc)) {
      try {
        const decision = sourceOptionsEdit(fc, analysis, reader, siteOf(reader.name).site);
        if (decision.edit) plan.edits.add(reader.call, decision.edit);
        record(reader, "prune", decision.columns.applied ? "applied" : "skipped", decision.columns.reason, { input: "source columns" });
        record(reader, "prune", decision.partitions.applied ? "applied" : "skipped", decision.partitions.reason, { input: "source partitions" });
      } catch (error) {
        warn(reader, "pruning", error);
      }
    }
  }

  let identity: IdentityAnalysis | undefined;
  for (const rdd of calls.filter(isJoin)) {
    if (!options.broadcast) continue;
    const sensitive = partitioning.reason(rdd.call);
    if (sensitive) {
      record(rdd, "broadcast", "skipped", `left as written: a broadcast would change the output's partitioning, and ${sensitive}`);
      continue;
    }
    try {
      const decision = broadcastEdit(fc, rdd, siteOf(rdd.name).site, () => (identity ??= new IdentityAnalysis(fc)).joinVerdict(rdd));
      if (decision.edit) plan.edits.add(rdd.call, decision.edit);
      record(rdd, "broadcast", decision.edit ? "applied" : "skipped", decision.reason);
    } catch (error) {
      warn(rdd, "broadcast", error);
    }
  }
  if (options.capture) addCaptures(fc, plan, calls, options, record);
  return plan;
}

/** Closure annotations; an internal error leaves them all out (no annotation: the runtime runs functions in process). */
function addCaptures(fc: FileContext, plan: FilePlan, calls: RddCall[], options: PlanOptions, record: (rdd: RddCall, kind: Optimization["kind"], status: Optimization["status"], reason: string) => void): void {
  try {
    const { edits, outcomes } = planCaptures(fc, calls, { capture: true, imports: options.captureImports });
    plan.captures = edits;
    for (const o of outcomes) {
      if (o.inProcess) record(o.rdd, "capture", "skipped", `runs in process: ${o.inProcess}`);
      else record(o.rdd, "capture", "applied", o.captured ? `runs on workers (captures ${o.captured})` : "runs on workers");
    }
  } catch (error) {
    plan.captures = new Edits();
    plan.warnings.push({ code: DIAGNOSTIC_CODES.internalError, file: fc.sourceFile.fileName, start: 0, length: 0, message: `rddopt: closure capture left out for this file (its functions run in process): ${errorText(error)}` });
  }
}

export interface SiteInfo {
  site: string;
  file: string;
  line: number;
  column: number;
}

function shuffleInputs(fc: FileContext, rdd: RddCall): { role: Role; expression: ts.Expression; label: string }[] {
  const inputs: { role: Role; expression: ts.Expression; label: string }[] = [];
  const kind = operatorOf(rdd.method)?.shuffle?.inputs ?? "one";
  inputs.push({ role: "receiver", expression: rdd.receiver, label: kind === "one" ? "input" : "left" });
  if (kind === "two") {
    if (rdd.call.arguments[0]) inputs.push({ role: 0, expression: rdd.call.arguments[0], label: "right" });
  } else if (kind === "cogroup") {
    rdd.call.arguments.forEach((arg, index) => {
      if (isRddTyped(fc, arg)) inputs.push({ role: index, expression: arg, label: `input ${index + 2}` });
    });
  }
  return inputs;
}

function isRddTyped(fc: FileContext, expression: ts.Expression): boolean {
  return rowType(fc, expression) !== undefined;
}

/** T of an expression of type RDD<T>. */
function rowType(fc: FileContext, expression: ts.Expression): ts.Type | undefined {
  const type = fc.checker.getTypeAtLocation(expression);
  if (type.getSymbol()?.name !== "RDD") return undefined;
  const args = fc.checker.getTypeArguments(type as ts.TypeReference);
  return args.length === 1 ? args[0] : undefined;
}

function evaluate(fc: FileContext, analysis: PipelineAnalysis, rdd: RddCall, role: Role, expression: ts.Expression, label: string): Candidate | string {
  const row = rowType(fc, expression);
  if (!row) return "the input's type is not RDD<T>";
  const pair = tupleElements(fc, row);
  if (!pair || pair.length !== 2) return "rows are not [key, value] pairs: only values are pruned";
  const valueType = pair[1];
  const typeText = (): string => fc.checker.typeToString(valueType);
  const noParts = (): string => `nothing to prune: the values are ${typeText()}, not fixed tuples or plain objects`;
  const hasParts = !!(tupleElements(fc, valueType) || plainObjectProperties(fc, valueType));
  if (!hasParts && !isDataType(fc, valueType)) return noParts();
  const rowDemand = analysis.useDemand({ kind: "call", rdd, role, via: expression, returnTo: NO_TARGETS });
  const demand = part(rowDemand, "1");
  // a value without parts can still be dropped whole, when nothing observes it (`join(...).count()`)
  if (!hasParts && !isUnobserved(demand)) return noParts();
  if (isAll(demand)) return `the ${label} value is observed whole: ${demand.reason}`;
  const compact = valueShape(fc, valueType, demand, "compact");
  if (isUnobserved(demand) && isKeep(compact)) {
    return `nothing downstream reads the ${label} value, but values of type ${typeText()} may not be data the shuffle carries: dropping them could make a job succeed that fails without the plugin`;
  }
  if (isKeep(compact)) {
    const why = firstReason(demand);
    return why ? `nothing can be removed (${why})` : `nothing can be removed: downstream reads ${describe(demand)} of a ${typeText()}`;
  }
  return { rdd, role, label, expression, valueType, demand, compact, mode: "compact" };
}

/**
 * Runs the downstream rewrite of every pruned shuffle until all agree. A shuffle whose compacted shape
 * cannot be followed switches to position-keeping shapes, and one that still cannot be followed is not
 * pruned at all (its values then flow on as they arrive, and upstream rewrites follow them further).
 * Each shuffle's downstream reads what its projection really outputs: its shape composed with the shape in
 * which values arrive from upstream projections, so shapes are iterated until the arriving shapes are stable.
 */
function settleShapes(fc: FileContext, candidates: Candidate[]): { arriving: Map<Candidate, Shape>; edits: Edits } {
  const byShuffle = new Map<ts.CallExpression, Candidate[]>();
  for (const c of candidates) byShuffle.set(c.rdd.call, [...(byShuffle.get(c.rdd.call) ?? []), c]);
  let assumed = new Map<Candidate, Shape>();
  const limit = (2 * candidates.length + 2) * (candidates.length + 2);
  for (let round = 0; round <= limit; round++) {
    const edits = new Edits();
    const arriving = new Map<Candidate, Shape>();
    const sink = (rdd: RddCall, role: Role, shape: Shape | undefined): boolean => {
      const target = candidates.find((c) => c.rdd.call === rdd.call && c.role === role && !isKeep(shapeOf(fc, c)));
      if (!target) return false;
      if (!shape) return true; // only asked whether a projection waits here
      const previous = arriving.get(target);
      if (previous && JSON.stringify(previous) !== JSON.stringify(shape)) throw new Unsupported("values of different shapes meet");
      arriving.set(target, shape);
      return true;
    };
    let failed: { group: Candidate[]; reason: string } | undefined;
    for (const group of byShuffle.values()) {
      const shuffleEdits = new Edits();
      try {
        // an input left unpruned is no sink: upstream rewrites follow its values through this shuffle
        const effective = new Map(group.map((c) => [c.role, isKeep(shapeOf(fc, c)) ? KEEP : composeShapes(shapeOf(fc, c), assumed.get(c) ?? KEEP)]));
        new Forward(fc, shuffleEdits, sink).shuffle(group[0].rdd, (role) => effective.get(role) ?? KEEP);
        edits.merge(shuffleEdits);
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        failed = { group, reason: error.message };
        break;
      }
    }
    if (failed) {
      for (const c of failed.group) fallBack(c, failed.reason);
      assumed = new Map(); // sinks changed: arriving shapes are found again from scratch
      continue;
    }
    for (const c of candidates) if (!isKeep(shapeOf(fc, c)) && !arriving.has(c)) arriving.set(c, KEEP);
    if (sameShapes(arriving, assumed)) return { arriving, edits };
    assumed = arriving;
  }
  throw new Error("pruned shapes did not settle");
}

function shapeOf(fc: FileContext, c: Candidate): Shape {
  if (c.mode === "compact") return c.compact;
  if (c.mode === "off") return KEEP;
  return (c.stable ??= valueShape(fc, c.valueType, c.demand, "stable"));
}

/** compact -> stable (positions kept) -> off (not pruned). */
function fallBack(c: Candidate, reason: string): void {
  if (c.mode === "compact") c.mode = "stable";
  else if (c.mode !== "off") c.mode = "off";
  else return;
  c.fallbackReason = reason;
}

function sameShapes(a: Map<Candidate, Shape>, b: Map<Candidate, Shape>): boolean {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const key of keys) if (JSON.stringify(a.get(key) ?? KEEP) !== JSON.stringify(b.get(key) ?? KEEP)) return false;
  return true;
}

/** Adds the projection of one input: fused into the map/mapValues right before it when simple, else inserted. */
function addProjection(fc: FileContext, edits: Edits, candidate: Candidate, shape: Shape, arriving: Shape): "fused" | "inserted" {
  // a literal holding parts that arrive pruned would need their arriving shapes: project after it instead
  const fusable = arriving.kind === "keep" ? fusableLiterals(fc, candidate.expression, shape) : undefined;
  if (fusable) {
    for (const literal of fusable) {
      edits.add(literal, { kind: "pruneLiteral", shape });
    }
    return "fused";
  }
  edits.add(candidate.expression, { kind: "project", shape, arriving });
  return "inserted";
}

/**
 * The value literals returned by the lambda of a `mapValues`/`map` chained directly before the shuffle, when
 * every one of them can be pruned in place.
 */
function fusableLiterals(fc: FileContext, expression: ts.Expression, shape: Shape): ts.Expression[] | undefined {
  const values = mappedValues(fc, expression);
  return values?.every((value) => canPruneLiteral(fc, value, shape)) ? values : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A direct `eval` call or a `with` statement: code the analysis cannot see may read any local value. */
function dynamicScopeUse(fc: FileContext): string | undefined {
  const { ts } = fc;
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isWithStatement(node)) found = "a `with` statement";
    else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "eval") found = "a direct `eval` call";
    else ts.forEachChild(node, visit);
  };
  visit(fc.sourceFile);
  return found;
}

/**
 * Which joins' outputs reach operations whose results depend on partitioning (`take`, `sample`, `glom`, ...)
 * or code the analysis cannot see. A broadcast streams the big side in place, so it changes the output's
 * partitioning: such joins are not given `strategy: "auto"`, and inputs of joins that already decide by
 * size (explicit "auto"/"broadcast") are not pruned when a changed size could flip that decision.
 */
class PartitionSensitivity {
  private readonly reasons = new Map<ts.Node, string | undefined>();
  private readonly downstreams = new Map<ts.Node, ReturnType<typeof downstreamCalls>>();

  constructor(private readonly fc: FileContext) {}

  /** downstreamCalls, once per expression: both questions below walk the same pipelines. */
  private downstream(expression: ts.Expression): ReturnType<typeof downstreamCalls> {
    let found = this.downstreams.get(expression);
    if (!found) this.downstreams.set(expression, (found = downstreamCalls(this.fc, expression)));
    return found;
  }

  /** Why the rows of `expression` must keep their partitioning, or undefined. */
  reason(expression: ts.Expression): string | undefined {
    if (this.reasons.has(expression)) return this.reasons.get(expression);
    const { calls, escapes } = this.downstream(expression);
    const sensitive = calls.find((c) => operatorOf(c.method)?.partitionSensitive);
    const reason = sensitive
      ? `its rows reach \`${sensitive.method}\`, whose result depends on partitioning`
      : escapes.length
        ? `its rows reach code the analysis cannot see (${escapes[0]})`
        : undefined;
    this.reasons.set(expression, reason);
    return reason;
  }

  /** Why pruning before `shuffle` could change a size-decided join's partitioning that matters, or undefined. */
  sizeDecidedJoinFeedingSensitive(shuffle: RddCall): string | undefined {
    const joins = [shuffle, ...this.downstream(shuffle.call).calls].filter(canBroadcast);
    for (const join of joins) {
      if (!decidesBySize(this.fc, join)) continue;
      const why = this.reason(join.call);
      if (why) return `pruning changes sizes, which may change how the \`${join.method}\` at ${position(this.fc, join.name)} decides to broadcast, and ${why}`;
    }
    return undefined;
  }
}

/** Joins whose strategy depends on sizes: an options argument that is not literally `strategy: "shuffle"`. */
function decidesBySize(fc: FileContext, join: RddCall): boolean {
  const { ts } = fc;
  const options = join.call.arguments[1];
  if (!options) return false; // "auto" is only added where partitioning does not matter
  const literal = innerExpression(ts, options);
  if (!ts.isObjectLiteralExpression(literal)) return true;
  const strategy = literal.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === "strategy");
  // no written strategy: "shuffle", unless a spread may hold one ("auto" is only added where partitioning does not matter)
  if (!strategy) return literal.properties.some((p) => ts.isSpreadAssignment(p));
  return !(ts.isPropertyAssignment(strategy) && ts.isStringLiteral(strategy.initializer) && strategy.initializer.text === "shuffle");
}
