import type { RDD } from "rddopt";

const scale = 3;

/** Twins: mapValues and map right on a join, with a pruned left side (the twin's body reads the renumbered index). */
export function twins(a: RDD<[string, [number, string, number]]>, b: RDD<[string, number]>): unknown {
  const joined = a.join(b);
  return [
    a.join(b).mapValues(([l, r]) => l[2] * r + scale),
    a.leftOuterJoin(b).mapValues(([, r]) => r ?? 0).values(),
    a.rightOuterJoin(b).map(([k, [l, r]]) => `${k}:${l?.[0] ?? 0}:${r}`),
    a.fullOuterJoin(b).map(([, [l]]) => l),
    joined.mapValues(([l, r]) => [l, r]),
  ];
}

/** No twin: not the one pattern, not an arrow, not on a join. */
export function left(a: RDD<[string, [number, number]]>, b: RDD<[string, number]>): unknown {
  return [
    a.join(b).mapValues(([l, r = 1]) => l[0] + r),
    a.join(b).mapValues(([l, ...rest]) => l[0] + rest.length),
    a.join(b).mapValues(([[x], r]) => x + r),
    a.join(b).mapValues((lr) => lr[0][0] + lr[1]),
    a.join(b).mapValues(function ([l, r]) {
      return l[1] + r + arguments.length;
    }),
    a.join(b).mapValues(async ([l, r]) => l[0] + r),
    a.join(b).map(([k, v]) => [k, v]),
    a.mapValues(([l, r]) => l + r),
  ];
}
