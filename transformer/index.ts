/**
 * ts-patch program transformer entry (placeholder: passes code through
 * unchanged until the analysis lands).
 */
import type * as ts from "typescript";
import type { RddoptOptions } from "./report/types.js";

export type { RddoptOptions, Optimization, FileResult, OptimizationKind } from "./report/types.js";

export default function rddoptTransformer(
  _program: ts.Program,
  _config: RddoptOptions = {},
): ts.TransformerFactory<ts.SourceFile> {
  return () => (sourceFile) => sourceFile;
}
