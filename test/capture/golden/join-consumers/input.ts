import type { RDD } from "rddopt";

const scale = 3;

/**
 * mapValues and map right on a join, with a pruned left side (the body reads the renumbered index): each function
 * gets its closure annotation only, nothing else (no joined-row twin: the runtime builds the `[l, r]` it reads).
 */
export function onJoins(a: RDD<[string, [number, string, number]]>, b: RDD<[string, number]>): unknown {
  const joined = a.join(b);
  return [
    a.join(b).mapValues(([l, r]) => l[2] * r + scale),
    a.leftOuterJoin(b).mapValues(([, r]) => r ?? 0).values(),
    a.rightOuterJoin(b).map(([k, [l, r]]) => `${k}:${l?.[0] ?? 0}:${r}`),
    a.fullOuterJoin(b).map(([, [l]]) => l),
    joined.mapValues(([l, r]) => [l, r]),
  ];
}

/** Other patterns, a `function`, an async arrow, one not on a join: closure annotations only, as above. */
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
