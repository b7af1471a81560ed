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
import { caseArbitrary, Harness, mismatchKind, type CaseResult, type FuzzCase, type HarnessOptions } from "./harness.js";
import type { GeneratedFile } from "./program.js";
import { TS_VARIANTS, type TsVariant } from "./types.js";

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
  /** The tsconfig variants batches rotate through (batch i uses tsVariants[i % length]); default all four. */
  tsVariants?: readonly TsVariant[];
}

export interface Failure {
  status: CaseResult["status"];
  detail: string;
  case: FuzzCase;
  tsVariant: TsVariant;
  source: string;
  files?: GeneratedFile[];
  minimal?: { source: string; files?: GeneratedFile[]; detail: string; case: FuzzCase; tsVariant: TsVariant; savedAs?: string };
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
  /** Programs per tsconfig variant. */
  byTsVariant: Record<string, number>;
  /** Programs using each issue-10 region (the `x:` tags of the generator, counted once per program). */
  regionPrograms: Record<string, number>;
  /** Programs with several modules. */
  multiModule: number;
  /** Programs with at least one result that is an error (the same in every variant, else a mismatch). */
  withErrorResult: number;
  /** Mismatches by kind (harness.ts mismatchKind), and the variant that showed them first. */
  mismatchKinds: Record<string, number>;
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
    byTsVariant: {},
    regionPrograms: {},
    multiModule: 0,
    withErrorResult: 0,
    mismatchKinds: {},
    failures: [],
    samples: [],
    wallMs: 0,
    compileMs: 0,
    checkMs: 0,
    emitMs: { plain: 0, prune: 0, all: 0 },
    runMs: 0,
  };
  const tsVariants = options.tsVariants ?? TS_VARIANTS;
  for (let at = 0, batchNo = 0; at < cases.length; at += batchSize, batchNo++) {
    const tsVariant = tsVariants[batchNo % tsVariants.length]!;
    const batch = await harness.runBatch(cases.slice(at, at + batchSize), tsVariant);
    summary.compileMs += batch.compileMs;
    summary.checkMs += batch.checkMs;
    for (const v of ["plain", "prune", "all"] as const) summary.emitMs[v] += batch.emitMs[v];
    summary.runMs += batch.runMs;
    summary.transformerDiagnostics += batch.diagnostics;
    for (const r of batch.results) {
      summary.programs++;
      for (const op of r.ops) summary.opCounts[op] = (summary.opCounts[op] ?? 0) + 1;
      for (const region of new Set(r.ops.filter((o) => o.startsWith("x:")).map((o) => o.slice(2)))) summary.regionPrograms[region] = (summary.regionPrograms[region] ?? 0) + 1;
      summary.byTsVariant[r.tsVariant] = (summary.byTsVariant[r.tsVariant] ?? 0) + 1;
      if (r.files?.length) summary.multiModule++;
      if (r.errorResults) summary.withErrorResult++;
      if (r.changedBy.includes("prune")) summary.changedByPrune++;
      if (r.changedBy.includes("all")) summary.changedByAll++;
      switch (r.status) {
        case "ok":
          summary.ok++;
          break;
        case "mismatch":
          summary.mismatches++;
          {
            const kind = `${(r.detail ?? "").split(":")[0]}:${mismatchKind(r.detail ?? "")}`;
            summary.mismatchKinds[kind] = (summary.mismatchKinds[kind] ?? 0) + 1;
          }
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
        summary.failures.push({ status: r.status, detail: r.detail ?? "", case: r.case, tsVariant: r.tsVariant, source: r.source, ...(r.files ? { files: r.files } : {}) });
        log(`[fuzz] ${r.status} (${r.tsVariant}${r.files ? ", several modules" : ""}): ${(r.detail ?? "").slice(0, 300)} (data seed ${r.case.seed})`);
      } else if (r.status !== "ok" && summary.samples.length < 5) summary.samples.push({ status: r.status, detail: r.detail ?? "", source: programText(r.source, r.files) });
    }
    options.onBatch?.(summary);
    log(
      `[fuzz] ${summary.programs}/${cases.length} programs (last batch ${tsVariant}): ${summary.mismatches} mismatches, ${summary.crashes} crashes, ` +
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
  const size = (m: { source: string; files?: GeneratedFile[] }) => programText(m.source, m.files).length;
  const property = fc.asyncProperty(caseArbitrary, async (c) => {
    const [r] = (await harness.runBatch([c], failure.tsVariant)).results;
    if (r && r.status === failure.status) {
      if (!smallest || size(r) <= size(smallest)) smallest = { source: r.source, ...(r.files ? { files: r.files } : {}), detail: r.detail ?? "", case: c, tsVariant: failure.tsVariant };
      return false;
    }
    return true;
  });
  await fc.check(property, { examples: [[failure.case]], numRuns: 1, interruptAfterTimeLimit: timeLimitMs });
  return smallest;
}

/** A program's modules as one text (reports, sizes): the main module, then each other module under a marker line. */
export function programText(source: string, files?: readonly GeneratedFile[]): string {
  return [source, ...(files ?? []).map((f) => `// ==> ${f.name}\n${f.source}`)].join("\n");
}

/**
 * Writes a minimal program with its seed, tsconfig variant and what differed; the regression test replays
 * every such file. A program with several modules is saved as `<kind>-<hash>.ts` (the main module) and
 * `<kind>-<hash>.<module>.ts` next to it, with the imports between them renamed to match.
 */
export function saveRegression(dir: string, minimal: NonNullable<Failure["minimal"]>, status: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const hash = createHash("sha1").update(programText(minimal.source, minimal.files)).digest("hex").slice(0, 10);
  const base = `${status}-${hash}`;
  const file = path.join(dir, `${base}.ts`);
  const rename = (text: string) => text.replace(/from "\.\/(\w+)\.js"/g, (_, m: string) => `from "./${base}.${m}.js"`);
  const header = [
    `// Fuzz regression (${status}), found by test/fuzz. Replayed by test/fuzz/regressions.test.ts:`,
    `// compiled without the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.`,
    ...(minimal.files?.length ? [`// Modules: ${minimal.files.map((f) => `${base}.${f.name}`).join(", ")} (next to this file).`] : []),
    ...minimal.detail.split("\n").slice(0, 6).map((l) => `// ${l.slice(0, 300)}`),
    `export const FUZZ_SEED = ${minimal.case.seed};`,
    ...(minimal.tsVariant !== "strict" ? [`export const FUZZ_TS_VARIANT = "${minimal.tsVariant}";`] : []),
    "",
  ].join("\n");
  fs.writeFileSync(file, header + rename(minimal.source));
  for (const f of minimal.files ?? []) fs.writeFileSync(path.join(dir, `${base}.${f.name}`), rename(f.source));
  return file;
}
