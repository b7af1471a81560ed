/** The transformer's explanation of itself, as data: what `rddopt report`, diagnostics and tests read. */

export interface RddoptOptions {
  /** Prune unused tuple elements / object fields before every shuffle (default true). */
  prune?: boolean;
  /** Give joins written without a strategy `strategy: "auto"` and a site id (default true). */
  broadcast?: boolean;
  /**
   * Read through helper functions and callbacks declared in other files of the Program (default true; they
   * are never rewritten). Always off under `--watch`, `incremental` and `composite`, whose rebuilds re-emit
   * only changed files and would leave a dependent file's plan stale.
   */
  crossFile?: boolean;
  /**
   * How warnings (codes 90001-90099) are reported under ts-patch: "diagnostic" (default) adds them to the
   * compiler's diagnostics, which makes tsc exit with status 2 ("diagnostics present, outputs generated")
   * although every file was emitted; "stderr" prints them instead and leaves the exit status alone.
   */
  warnings?: "diagnostic" | "stderr";
  /**
   * Hand each action's static column lineage (`rddopt lineage`) to the runtime, which attaches it to the
   * action's OpenLineage events (default false; ts-patch builds only). See docs/lineage.md.
   */
  lineage?: boolean;
  /**
   * Annotate every function passed to an RDD method with what a worker needs to rebuild it: its captured
   * values, imports and same-file functions, or why it must run in process (default true). See
   * transformer/README.md, "Closure capture".
   */
  capture?: boolean;
  /**
   * Whether captures may name module imports (default true). Set `imports: false` where the output is
   * bundled: its modules cannot be loaded by a worker, so functions using imports run in process.
   */
  imports?: boolean;
}

export type OptimizationKind = "prune" | "broadcast" | "capture";

export interface Optimization {
  /** file:line:column of the shuffle call (1-based line and column), as written into `site`. */
  site: string;
  file: string;
  line: number;
  column: number;
  kind: OptimizationKind;
  /** The shuffle operation, e.g. "join", "reduceByKey" (for captures: the RDD method the functions are passed to). */
  operation: string;
  status: "applied" | "skipped";
  /** Why it was applied (what was removed) or skipped (what kept it whole). */
  reason: string;
  /** For prunes: which input of the shuffle ("left", "right", "input", "input 2", ...). */
  input?: string;
  /** For applied prunes: the kept shape, e.g. `[0, 3] of 5` or `{a, b} of 4`. */
  kept?: string;
  /** For applied prunes: "fused" into the preceding map/mapValues, or "inserted" as a new mapValues. */
  placement?: "fused" | "inserted";
  /** For applied prunes: bytes per shuffled value before and after, estimated from the static types (plan/estimate.ts). */
  estimate?: ValueEstimate;
}

/** An estimated encoded size: `bytes`, or at least `bytes` when the size depends on the data (strings, arrays). */
export interface SizeEstimate {
  bytes: number;
  atLeast: boolean;
}

/** A projection's effect per shuffled value, from the types alone (msgpack sizes; no data is looked at). */
export interface ValueEstimate {
  before: SizeEstimate;
  after: SizeEstimate;
  saved: SizeEstimate;
}

/** A warning the transformer reports as a compiler diagnostic (codes 90001-90099, see transformer/diagnostics.ts). */
export interface TransformerWarning {
  code: number;
  file: string;
  /** 0-based offset into the file. */
  start: number;
  length: number;
  message: string;
}

export interface FileResult {
  fileName: string;
  /** The source as written (with `output: "printer"`: printed by the TypeScript printer), before the transformer. */
  before: string;
  /** The same text with the transformer's edits applied in place (or the printer's output after it). Equal to `before` when nothing changed. */
  after: string;
  changed: boolean;
  optimizations: Optimization[];
  /** Pipelines left untouched because of an internal error, and other warnings. */
  warnings?: TransformerWarning[];
}
