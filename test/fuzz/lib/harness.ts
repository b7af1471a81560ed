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
import { generateProgram, type GeneratedFile } from "./program.js";
import { cachingHost, compileBatch, COMPILER_OPTIONS, loadTransformer, VARIANTS, writeVariants, type ProgramTransformer, type Variant } from "./compile.js";
import type { TsVariant } from "./types.js";

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

/** A program to compile and run: its main module, its other modules, and its data seed. */
export interface SourceProgram {
  source: string;
  /** The main module's file name (default main.ts); regression files keep theirs. */
  mainName?: string;
  /** Other modules, written next to the main module. */
  files?: GeneratedFile[];
  ops: string[];
  case: FuzzCase;
}

export interface CaseResult {
  case: FuzzCase;
  /** The main module. */
  source: string;
  files?: GeneratedFile[];
  /** The tsconfig variant it was generated for and compiled under. */
  tsVariant: TsVariant;
  ops: string[];
  /** "skipped": a variant ran out of time or heap (inconclusive, see child.mjs). */
  status: "ok" | "mismatch" | "crash" | "type-error" | "error-everywhere" | "skipped";
  /** What differed, for a report. */
  detail?: string;
  /** Variants whose emitted JavaScript differs from the plain emit. */
  changedBy: Variant[];
  outcomes?: Partial<Record<Variant, Outcome>>;
  /** Results of the plain program that are errors (attempt() caught one: the same error is expected everywhere). */
  errorResults?: number;
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
  /** "workers": the optimized variants run with worker threads forced on (2 workers, every shippable stage shipped); the plain one in process. */
  executor?: "in-process" | "workers";
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

  /** Generates, compiles and runs one program per case, for and under one tsconfig variant. */
  runBatch(cases: readonly FuzzCase[], tsVariant: TsVariant = "strict"): Promise<BatchResult> {
    return this.runSources(
      cases.map((c) => ({ ...generateProgram(c.choices, { variant: tsVariant }), case: c })),
      tsVariant,
    );
  }

  /** Compiles and runs given sources (regression files) on their seeds. */
  async runSources(programs: readonly SourceProgram[], tsVariant: TsVariant = "strict"): Promise<BatchResult> {
    const cases = programs.map((p) => p.case);
    const dir = path.join(this.options.workDir, `batch-${process.pid}-${this.batchNo++}`);
    fs.rmSync(dir, { recursive: true, force: true });
    const generated = programs.map((program, i) => {
      // Each program in its own folder: its modules import each other as "./lib.js".
      const folder = path.resolve(dir, "src", `p${i}`);
      fs.mkdirSync(folder, { recursive: true });
      const file = path.join(folder, program.mainName ?? "main.ts");
      fs.writeFileSync(file, program.source);
      const others = (program.files ?? []).map((f) => {
        const other = path.join(folder, f.name);
        fs.writeFileSync(other, f.source);
        return other;
      });
      return { ...program, file, all: [file, ...others] };
    });
    await waitForBuild(this.options.root);
    this.transformer ??= loadTransformer(this.options.root, this.options.transformerFrom ?? "dist", path.dirname(this.options.workDir));
    const compiled = compileBatch(
      generated.flatMap((g) => g.all),
      this.transformer,
      this.host,
      this.oldProgram,
      this.options.fast,
      tsVariant,
    );
    this.oldProgram = compiled.program;
    const written = writeVariants(dir, compiled);
    const runStart = performance.now();
    const outcomes = await Promise.all(
      (Object.keys(VARIANTS) as Variant[]).map(async (v) => {
        const jobs = generated.map((g, i) => ({ file: g.all.every((f) => written[v].has(f)) ? written[v].get(g.file) : undefined, seed: cases[i]!.seed }));
        return [v, await this.runChildRetrying(dir, v, jobs)] as const;
      }),
    );
    const byVariant = Object.fromEntries(outcomes) as Record<Variant, Outcome[]>;
    const runMs = performance.now() - runStart;
    const results = generated.map((g, i): CaseResult => {
      const base: Pick<CaseResult, "case" | "source" | "files" | "tsVariant" | "ops" | "errorResults"> = { case: cases[i]!, source: g.source, ...(g.files?.length ? { files: g.files } : {}), tsVariant, ops: g.ops };
      const changedBy = (["prune", "all"] as const).filter((v) => g.all.some((f) => compiled.js[v].get(f) !== compiled.js.plain.get(f)));
      const errors = g.all.flatMap((f) => (compiled.typeErrors.get(f) ?? []).map((e) => `${path.basename(f)}:${e}`));
      if (errors.length) return { ...base, changedBy, status: "type-error", detail: errors.join("\n") };
      const crash = compiled.crashes.find((c) => g.all.includes(c.file) || c.file === "(factory)");
      if (crash) return { ...base, changedBy, status: "crash", detail: `${crash.variant}: ${crash.message}` };
      const o = { plain: byVariant.plain[i]!, prune: byVariant.prune[i]!, all: byVariant.all[i]! };
      base.errorResults = o.plain.ok ? o.plain.outputs.filter((rows) => rows.some((row) => row.startsWith("<error "))).length : 0;
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

  /** The plain build runs in process; with `executor: "workers"` the optimized builds run on forced workers. */
  private executorEnv(variant: Variant): Record<string, string> {
    if (variant === "plain") return { RDDOPT_WORKERS: "0" };
    return this.options.executor === "workers" ? { RDDOPT_WORKERS: "2", RDDOPT_WORKER_DISPATCH: "always" } : { RDDOPT_WORKERS: "0" };
  }

  private runChild(dir: string, variant: Variant, jobs: { file: string | undefined; seed: number }[]): Promise<Outcome[]> {
    const jobsFile = path.join(dir, `${variant}-jobs.json`);
    fs.writeFileSync(jobsFile, JSON.stringify(jobs));
    const child = path.join(this.options.root, "test", "fuzz", "lib", "child.mjs");
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [child, jobsFile],
        { timeout: this.options.timeoutMs ?? 120_000, maxBuffer: 256 * 2 ** 20, env: { ...process.env, NODE_OPTIONS: "", ...this.executorEnv(variant) } },
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

/**
 * Undefined when equal as multisets, else what differed. Errors (of the whole program, or of one result,
 * `<error ...>` rows) are equal when their class and message are (child.mjs masks stage numbers, RDD ids
 * and positions, which differ between builds when the plugin inserts a projection).
 */
export function compareOutcomes(expected: Outcome, actual: Outcome): string | undefined {
  if (!expected.ok || !actual.ok) {
    if (!expected.ok && !actual.ok) {
      if (expected.error === actual.error) return undefined;
      return `${errorKind(expected.error) === errorKind(actual.error) ? "error messages" : "errors"} differ: ${expected.error} / ${actual.error}`;
    }
    return expected.ok ? `threw ${(actual as { error: string }).error}` : `succeeded where the plain program threw ${expected.error}`;
  }
  if (expected.outputs.length !== actual.outputs.length) return `number of outputs ${expected.outputs.length} vs ${actual.outputs.length}`;
  for (let i = 0; i < expected.outputs.length; i++) {
    const e = expected.outputs[i]!;
    const a = actual.outputs[i]!;
    const count = e.length !== a.length ? `${e.length} rows vs ${a.length}; ` : "";
    for (let j = 0; j < Math.max(e.length, a.length); j++) {
      if (e[j] !== a[j]) return `output ${i}: ${count}plain has ${e[j] ?? "(no row)"}, got ${a[j] ?? "(no row)"} (first difference of the sorted rows)`;
    }
  }
  return undefined;
}

/**
 * A mismatch's kind, to tell apart classes of mismatches in a long run: an error only without the plugin
 * (`plain-only-error:<class>`), only with it (`variant-only-error:<class>`), errors with different
 * messages, or different rows.
 */
export function mismatchKind(detail: string): string {
  const errorClass = (text: string) => {
    const cls = /<error (\w+)/.exec(text)?.[1] ?? "?";
    const cause = /\(cause: (\w+)/.exec(text)?.[1];
    const inner = /Cannot serialize .*?: it is (a function|a symbol|an instance of class \w+|an array of class \w+)/.exec(text)?.[1];
    return `${cls}${cause && cause !== cls ? `/${cause}` : ""}${inner ? `(${inner})` : ""}`;
  };
  if (/^\w+: (errors|error messages) differ/.test(detail)) return /^\w+: error messages/.test(detail) ? "error-message" : "error-class";
  if (/^\w+: threw /.test(detail)) return "variant-only-error:program";
  if (/^\w+: succeeded where the plain program threw/.test(detail)) return "plain-only-error:program";
  const m = /plain has (.*), got (.*) \(first difference/.exec(detail);
  if (!m) return "other";
  const [plainRow, gotRow] = [m[1]!, m[2]!];
  const pe = plainRow.startsWith("<error "), ge = gotRow.startsWith("<error ");
  if (pe && ge) {
    // Messages that differ only in a tuple index a TypeError names ("reading '2'" vs "reading '0'", "x[1] is not
    // iterable" vs "x[0] ..."): the index the transformer renumbered.
    const mask = (t: string) => t.replace(/\(reading '\d+'\)/g, "(reading '#')").replace(/\[\d+\]/g, "[#]");
    return mask(plainRow) === mask(gotRow) ? "error-message:index" : "error-message";
  }
  if (pe) return `plain-only-error:${errorClass(plainRow)}`;
  if (ge) return `variant-only-error:${errorClass(gotRow)}`;
  return "rows";
}

function errorKind(message: string): string {
  return message.slice(0, message.indexOf(":"));
}
