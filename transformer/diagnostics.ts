/** Diagnostic codes the transformer reports (all warnings: the transformer never fails a build). */
export const DIAGNOSTIC_CODES = {
  /** An internal error while analysing or rewriting one shuffle: that pipeline is left as written. */
  internalError: 90001,
  /** No type information (transpile-only / isolated module without a checker): nothing is changed. */
  needsTypeInformation: 90002,
  /** An internal error while rewriting a whole file: the file is left as written. */
  fileSkipped: 90003,
  /** The compiler is older than TypeScript 5.9: nothing is changed (printed once to stderr). */
  unsupportedTypeScript: 90004,
  /** The file has syntax or type errors: its types cannot be trusted, so it is left as written until they are fixed. */
  typeErrors: 90005,
} as const;

/** The oldest TypeScript whose AST and checker the transformer is tested against. */
export const MIN_TYPESCRIPT = [5, 9] as const;
