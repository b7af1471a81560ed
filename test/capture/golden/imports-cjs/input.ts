import type { RDD } from "rddopt";
import * as helper from "./helper";
import { scale } from "./helper";

export const exported = 4;
const local = 5;

export function imports(rows: RDD<[string, number]>): unknown[] {
  return [
    // namespace imports keep their name in CommonJS output
    rows.mapValues((v) => helper.scale(v) + local),
    // named imports become `helper_1.scale`, exported variables `exports.exported`
    rows.mapValues((v) => scale(v)),
    rows.mapValues((v) => v + exported),
  ];
}
