/**
 * The differential harness: generate programs, compile each batch once in
 * three variants (no plugin, prune only, everything), run every variant in a
 * child Node process on the same seeded data, and compare the results as
 * multisets. A case fails when a variant's result (or error) differs from the
 * plain program's, or when the transformer crashes.
 */
import fs from "node:fs";
import path from "node:path";
import { execFile } from "node:child_process";
import fc from "fast-check";
import type ts from "typescript";
import { generateProgram } from "./program.js";
import { cachingHost, compileBatch, COMPILER_OPTIONS, loadTransformer, VARIANTS, writeVariants, type ProgramTransformer, type Variant } from "./compile.js";

export interface FuzzCase {
  /** The generator's choice sequence (see chooser.ts). */
  choices: number[];
  /** Seed of the program's data. */
  seed: number;
}

export const caseArbitrary: fc.Arbitrary<FuzzCase> = fc.record({
  // Unbiased: biased numbers would be mostly 0 (the simplest option), so programs would be trivial.
  choices: fc.noBias(fc.array(fc.noBias(fc.nat({ max: 1_000_000 })), { maxLength: 500, size: "max" })),
  seed: fc.nat({ max: 2 ** 31 - 1 }),
});

const BUILD_MISSING = /Cannot find (module|package)|ERR_MODULE_NOT_FOUND|child process failed|does not provide an export/;

type Outcome = { ok: true; outputs: string[][] } | { ok: false; error: string };

export interface CaseResult {
  case: FuzzCase;
  source: string;
  ops: string[];
  /** "skipped": a variant ran out of time or heap (inconclusive, see child.mjs). */
  status: "ok" | "mismatch" | "crash" | "type-error" | "error-everywhere" | "skipped";
  /** What differed, for a report. */
  detail?: string;
  /** Variants whose emitted JavaScript differs from the plain emit. */
  changedBy: Variant[];
  outcomes?: Partial<Record<Variant, Outcome>>;
}

export interface BatchResult {
  results: CaseResult[];
  compileMs: number;
  checkMs: number;
  emitMs: Record<Variant, number>;
  runMs: number;
  diagnostics: number;
}

export interface HarnessOptions {
  /** The repository root (the `rddopt` package). */
  root: string;
  /** Scratch directory inside the package, so that generated programs resolve `rddopt`. */
  workDir: string;
  /** A transformer to use instead of loading one (tests of the harness itself). */
  transformer?: ProgramTransformer;
  /** Fuzz the built transformer (default) or its current sources. */
  transformerFrom?: "dist" | "source";
  /** Skip the full type check of generated programs (long runs; see FAST_OPTIONS). */
  fast?: boolean;
  /** Milliseconds a child process may run a variant's whole batch. */
  timeoutMs?: number;
}

/** Compiles and runs batches; keeps the compiler host (parsed libraries) between batches. */
export class Harness {
  private transformer: ProgramTransformer | undefined;
  private readonly host: ts.CompilerHost;
  private batchNo = 0;
  private oldProgram: ts.Program | undefined;

  constructor(private readonly options: HarnessOptions) {
    this.transformer = options.transformer;
    const work = path.resolve(options.workDir);
    this.host = cachingHost(COMPILER_OPTIONS, (f) => path.resolve(f).startsWith(work));
    fs.mkdirSync(work, { recursive: true });
  }

  /** Generates, compiles and runs one program per case. */
  runBatch(cases: readonly FuzzCase[]): Promise<BatchResult> {
    return this.runSources(cases.map((c) => ({ ...generateProgram(c.choices), case: c })));
  }

  /** Compiles and runs given sources (regression files) on their seeds. */
  async runSources(programs: readonly { source: string; ops: string[]; case: FuzzCase }[]): Promise<BatchResult> {
    const cases = programs.map((p) => p.case);
    const dir = path.join(this.options.workDir, `batch-${process.pid}-${this.batchNo++}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, "src"), { recursive: true });
    const generated = programs.map((program, i) => {
      const file = path.resolve(dir, "src", `p${i}.ts`);
      fs.writeFileSync(file, program.source);
      return { ...program, file };
    });
    await waitForBuild(this.options.root);
    this.transformer ??= loadTransformer(this.options.root, this.options.transformerFrom ?? "dist", path.dirname(this.options.workDir));
    const compiled = compileBatch(generated.map((g) => g.file), this.transformer, this.host, this.oldProgram, this.options.fast);
    this.oldProgram = compiled.program;
    const written = writeVariants(dir, compiled);
    const runStart = performance.now();
    const outcomes = await Promise.all(
      (Object.keys(VARIANTS) as Variant[]).map(async (v) => {
        const jobs = generated.map((g, i) => ({ file: written[v].get(g.file), seed: cases[i]!.seed }));
        return [v, await this.runChildRetrying(dir, v, jobs)] as const;
      }),
    );
    const byVariant = Object.fromEntries(outcomes) as Record<Variant, Outcome[]>;
    const runMs = performance.now() - runStart;
    const results = generated.map((g, i): CaseResult => {
      const base = { case: cases[i]!, source: g.source, ops: g.ops };
      const changedBy = (["prune", "all"] as const).filter((v) => compiled.js[v].get(g.file) !== compiled.js.plain.get(g.file));
      const errors = compiled.typeErrors.get(g.file);
      if (errors) return { ...base, changedBy, status: "type-error", detail: errors.join("\n") };
      const crash = compiled.crashes.find((c) => c.file === g.file);
      if (crash) return { ...base, changedBy, status: "crash", detail: `${crash.variant}: ${crash.message}` };
      const o = { plain: byVariant.plain[i]!, prune: byVariant.prune[i]!, all: byVariant.all[i]! };
      const limited = Object.values(o).find((x) => !x.ok && x.error.startsWith("ResourceLimit"));
      if (limited && !limited.ok) return { ...base, changedBy, status: "skipped", detail: limited.error, outcomes: o };
      for (const v of ["prune", "all"] as const) {
        const diff = compareOutcomes(o.plain, o[v]);
        if (diff) return { ...base, changedBy, status: "mismatch", detail: `${v}: ${diff}`, outcomes: o };
      }
      if (!o.plain.ok) return { ...base, changedBy, status: "error-everywhere", detail: o.plain.error, outcomes: o };
      return { ...base, changedBy, status: "ok" };
    });
    if (!process.env.FUZZ_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    return { results, compileMs: compiled.compileMs, checkMs: compiled.checkMs, emitMs: compiled.emitMs, runMs, diagnostics: compiled.diagnostics.length };
  }

  /** Reruns a variant whose child saw dist/ half-rebuilt by another session. */
  private async runChildRetrying(dir: string, variant: Variant, jobs: { file: string | undefined; seed: number }[]): Promise<Outcome[]> {
    let outcomes = await this.runChild(dir, variant, jobs);
    for (let attempt = 0; attempt < 3 && outcomes.some((o) => !o.ok && BUILD_MISSING.test(o.error)); attempt++) {
      await new Promise((r) => setTimeout(r, 3000));
      await waitForBuild(this.options.root);
      outcomes = await this.runChild(dir, variant, jobs);
    }
    return outcomes;
  }

  private runChild(dir: string, variant: Variant, jobs: { file: string | undefined; seed: number }[]): Promise<Outcome[]> {
    const jobsFile = path.join(dir, `${variant}-jobs.json`);
    fs.writeFileSync(jobsFile, JSON.stringify(jobs));
    const child = path.join(this.options.root, "test", "fuzz", "lib", "child.mjs");
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [child, jobsFile],
        { timeout: this.options.timeoutMs ?? 120_000, maxBuffer: 256 * 2 ** 20, env: { ...process.env, NODE_OPTIONS: "" } },
        (err, stdout, stderr) => {
          if (err) {
            const error = `child process failed: ${err.message.slice(0, 300)} ${stderr.slice(0, 300)}`;
            resolve(jobs.map(() => ({ ok: false, error })));
            return;
          }
          resolve(JSON.parse(stdout) as Outcome[]);
        },
      );
    });
  }
}

/**
 * Other sessions rebuild dist/ (which deletes it first) while the fuzzer runs:
 * wait until the runtime and the transformer are there again.
 */
export async function waitForBuild(root: string, timeoutMs = 180_000): Promise<void> {
  const needed = [path.join(root, "dist", "runtime", "index.js"), path.join(root, "dist", "runtime", "index.d.ts"), path.join(root, "dist", "cjs", "transformer", "index.js")];
  const deadline = Date.now() + timeoutMs;
  while (!needed.every((f) => fs.existsSync(f))) {
    if (Date.now() > deadline) throw new Error(`dist/ is missing (${needed.filter((f) => !fs.existsSync(f)).join(", ")}): run npm run build`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Undefined when equal as multisets (errors compare by their kind only), else what differed. */
export function compareOutcomes(expected: Outcome, actual: Outcome): string | undefined {
  if (!expected.ok || !actual.ok) {
    if (!expected.ok && !actual.ok) return errorKind(expected.error) === errorKind(actual.error) ? undefined : `errors differ: ${expected.error} / ${actual.error}`;
    return expected.ok ? `threw ${(actual as { error: string }).error}` : `succeeded where the plain program threw ${expected.error}`;
  }
  if (expected.outputs.length !== actual.outputs.length) return `number of outputs ${expected.outputs.length} vs ${actual.outputs.length}`;
  for (let i = 0; i < expected.outputs.length; i++) {
    const e = expected.outputs[i]!;
    const a = actual.outputs[i]!;
    if (e.length !== a.length) return `output ${i}: ${e.length} rows vs ${a.length}`;
    for (let j = 0; j < e.length; j++) {
      if (e[j] !== a[j]) return `output ${i}: plain has ${e[j]}, got ${a[j]} (first difference of the sorted rows)`;
    }
  }
  return undefined;
}

function errorKind(message: string): string {
  return message.slice(0, message.indexOf(":"));
}
