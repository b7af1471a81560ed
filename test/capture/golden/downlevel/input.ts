import type { RDD } from "rddopt";

const extra = { bonus: 1 };

export function downlevel(rows: RDD<[string, { n: number }]>): unknown[] {
  return [
    // below ES2018 the compiler turns spread and rest into helper calls a worker does not have
    rows.mapValues((v) => ({ ...v, m: extra.bonus })),
    rows.mapValues(({ ...rest }) => rest.n),
    rows.mapValues((v) => v.n + extra.bonus),
  ];
}
