/** Transformer warnings as compiler diagnostics (category Warning, codes 90001-90099). */
import type * as ts from "typescript";
import type { TS } from "../context.js";
import type { TransformerWarning } from "./types.js";

export function toDiagnostic(typescript: TS, sourceFile: ts.SourceFile, warning: TransformerWarning): ts.Diagnostic {
  return {
    category: typescript.DiagnosticCategory.Warning,
    code: warning.code,
    file: sourceFile,
    start: warning.start,
    length: warning.length,
    messageText: warning.message,
    source: "rddopt",
  };
}
