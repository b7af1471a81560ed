import type { RDD } from "rddopt";
import negate, { scale, RATE as rate } from "./helper.js";
import * as helper from "./helper.js";

export function imports(rows: RDD<[string, number]>): unknown[] {
  return [
    rows.mapValues((v) => scale(v) + rate),
    rows.mapValues((v) => negate(v)),
    rows.mapValues((v) => helper.scale(v) + helper.RATE),
  ];
}
