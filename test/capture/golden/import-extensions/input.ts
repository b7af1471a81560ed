import type { RDD } from "rddopt";
import { scale } from "./helper.ts";
import { RATE } from "./helper";

export function extensions(rows: RDD<[string, number]>): unknown[] {
  return [
    // written with .ts: the compiler rewrites it to .js (rewriteRelativeImportExtensions), so does the URL
    rows.mapValues((v) => scale(v)),
    // extensionless (bundler resolution): the emitted file it resolves to
    rows.mapValues((v) => v + RATE),
  ];
}
