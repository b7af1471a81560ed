/**
 * A fuzzing session: sample cases from a seed, run them in batches, count
 * outcomes, shrink each failure to a small program and save it as a
 * regression. Used by `npm run fuzz` (test/fuzz/run.mjs) and by the quick run
 * in `npm test`.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { caseArbitrary, Harness, type CaseResult, type FuzzCase, type HarnessOptions } from "./harness.js";

export interface FuzzOptions extends HarnessOptions {
  runs: number;
  seed: number;
  batchSize?: number;
  /** Shrink failures (each shrink step compiles and runs one program). */
  shrink?: boolean;
  /** Milliseconds to spend shrinking one failure. */
  shrinkMs?: number;
  /** Where minimal failing programs are saved as regression tests. */
  regressionsDir?: string;
  log?: (line: string) => void;
  /** Called with the running totals after each batch (to save partial summaries). */
  onBatch?: (summary: FuzzSummary) => void;
}

export interface Failure {
  status: CaseResult["status"];
  detail: string;
  case: FuzzCase;
  source: string;
  minimal?: { source: string; detail: string; case: FuzzCase; savedAs?: string };
}

export interface FuzzSummary {
  seed: number;
  programs: number;
  ok: number;
  mismatches: number;
  crashes: number;
  typeErrors: number;
  /** Programs whose plain run threw and every variant threw alike (a generator or runtime problem, not a soundness one). */
  errorEverywhere: number;
  /** Programs a variant could not finish within the child's time or heap limit (inconclusive). */
  skipped: number;
  changedByPrune: number;
  changedByAll: number;
  transformerDiagnostics: number;
  opCounts: Record<string, number>;
  failures: Failure[];
  /** A few type errors and errors-everywhere, to fix the generator or report a runtime bug. */
  samples: { status: string; detail: string; source: string }[];
  wallMs: number;
  compileMs: number;
  checkMs: number;
  emitMs: Record<"plain" | "prune" | "all", number>;
  runMs: number;
}

const isFailure = (r: CaseResult) => r.status === "mismatch" || r.status === "crash";

export async function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const start = performance.now();
  const log = options.log ?? (() => {});
  const harness = new Harness(options);
  const cases = fc.sample(caseArbitrary, { seed: options.seed, numRuns: options.runs });
  const batchSize = options.batchSize ?? 100;
  const summary: FuzzSummary = {
    seed: options.seed,
    programs: 0,
    ok: 0,
    mismatches: 0,
    crashes: 0,
    typeErrors: 0,
    errorEverywhere: 0,
    skipped: 0,
    changedByPrune: 0,
    changedByAll: 0,
    transformerDiagnostics: 0,
    opCounts: {},
    failures: [],
    samples: [],
    wallMs: 0,
    compileMs: 0,
    checkMs: 0,
    emitMs: { plain: 0, prune: 0, all: 0 },
    runMs: 0,
  };
  for (let at = 0; at < cases.length; at += batchSize) {
    const batch = await harness.runBatch(cases.slice(at, at + batchSize));
    summary.compileMs += batch.compileMs;
    summary.checkMs += batch.checkMs;
    for (const v of ["plain", "prune", "all"] as const) summary.emitMs[v] += batch.emitMs[v];
    summary.runMs += batch.runMs;
    summary.transformerDiagnostics += batch.diagnostics;
    for (const r of batch.results) {
      summary.programs++;
      for (const op of r.ops) summary.opCounts[op] = (summary.opCounts[op] ?? 0) + 1;
      if (r.changedBy.includes("prune")) summary.changedByPrune++;
      if (r.changedBy.includes("all")) summary.changedByAll++;
      switch (r.status) {
        case "ok":
          summary.ok++;
          break;
        case "mismatch":
          summary.mismatches++;
          break;
        case "crash":
          summary.crashes++;
          break;
        case "type-error":
          summary.typeErrors++;
          break;
        case "error-everywhere":
          summary.errorEverywhere++;
          break;
        case "skipped":
          summary.skipped++;
          break;
      }
      if (isFailure(r)) {
        summary.failures.push({ status: r.status, detail: r.detail ?? "", case: r.case, source: r.source });
        log(`[fuzz] ${r.status}: ${(r.detail ?? "").slice(0, 300)} (data seed ${r.case.seed})`);
      }
      else if (r.status !== "ok" && summary.samples.length < 5) summary.samples.push({ status: r.status, detail: r.detail ?? "", source: r.source });
    }
    options.onBatch?.(summary);
    log(
      `[fuzz] ${summary.programs}/${cases.length} programs: ${summary.mismatches} mismatches, ${summary.crashes} crashes, ` +
        `${summary.typeErrors} type errors, ${summary.skipped} skipped, changed by prune ${summary.changedByPrune}, by all ${summary.changedByAll} ` +
        `(${Math.round((performance.now() - start) / 1000)} s)`,
    );
  }
  if (options.shrink) {
    for (const failure of summary.failures.slice(0, 5)) {
      log(`[fuzz] shrinking a ${failure.status}: ${failure.detail.slice(0, 200)}`);
      failure.minimal = await shrinkFailure(harness, failure, options.shrinkMs ?? 120_000);
      if (failure.minimal && options.regressionsDir) failure.minimal.savedAs = saveRegression(options.regressionsDir, failure.minimal, failure.status);
    }
  }
  summary.wallMs = performance.now() - start;
  return summary;
}

/** The smallest failing case fast-check finds (same kind of failure) within the time limit. */
export async function shrinkFailure(harness: Harness, failure: Failure, timeLimitMs: number): Promise<Failure["minimal"]> {
  let smallest: Failure["minimal"];
  const property = fc.asyncProperty(caseArbitrary, async (c) => {
    const [r] = (await harness.runBatch([c])).results;
    if (r && r.status === failure.status) {
      if (!smallest || r.source.length <= smallest.source.length) smallest = { source: r.source, detail: r.detail ?? "", case: c };
      return false;
    }
    return true;
  });
  await fc.check(property, { examples: [[failure.case]], numRuns: 1, interruptAfterTimeLimit: timeLimitMs });
  return smallest;
}

/** Writes a minimal program with its seed and what differed; the regression test replays every such file. */
export function saveRegression(dir: string, minimal: NonNullable<Failure["minimal"]>, status: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const hash = createHash("sha1").update(minimal.source).digest("hex").slice(0, 10);
  const file = path.join(dir, `${status}-${hash}.ts`);
  const header = [
    `// Fuzz regression (${status}), found by test/fuzz. Replayed by test/fuzz/regressions.test.ts:`,
    `// compiled without the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.`,
    ...minimal.detail.split("\n").slice(0, 6).map((l) => `// ${l.slice(0, 300)}`),
    `export const FUZZ_SEED = ${minimal.case.seed};`,
    "",
  ].join("\n");
  fs.writeFileSync(file, header + minimal.source);
  return file;
}
