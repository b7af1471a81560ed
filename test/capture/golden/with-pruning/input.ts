import type { RDD } from "rddopt";

const bonus = 2;

export function pruned(a: RDD<[string, [number, string, boolean]]>, b: RDD<[string, number]>): unknown {
  return a
    .mapValues((v) => [v[0] + bonus, v[1], v[2]] as [number, string, boolean])
    .join(b)
    .mapValues(([left, right]) => left[0] * right + bonus);
}

export function fused(a: RDD<[string, [number, string]]>, b: RDD<[string, number]>): unknown {
  return a
    .mapValues((v): [number, string] => [v[0] * bonus, "dropped"])
    .join(b)
    .mapValues(([left]) => left[0]);
}
