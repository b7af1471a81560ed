// Seeded data for every experiment, generated inside each child process (never timed).
// Values are k/256 with k in [0, 2^20): real non-integer doubles (8 bytes each in the columnar
// codec), yet every sum is exact, so all variants and peers must return the bit-identical total.

/** mulberry32: small, fast, good enough for benchmark data. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const value = (next) => (next() >>> 12) / 256;

/** A seeded random permutation of 0..n-1, so probe order is random and every key has the same fan-in. */
export function permutation(n, seed) {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const next = prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Column names of the record shape: f0, f1, ... */
export const field = (j) => `f${j}`;

function makeValue(next, columns, shape) {
  if (shape === "object") {
    const o = {};
    for (let j = 0; j < columns; j++) o[field(j)] = value(next);
    return o;
  }
  const v = new Array(columns);
  for (let j = 0; j < columns; j++) v[j] = value(next);
  return v;
}

/**
 * Left: n rows keyed perm[i] % m; right: m rows keyed 0..m-1 (unique), so each left row
 * matches exactly one right row. Values are tuples (or records) of `columns` doubles.
 */
export function joinSides({ n, m, leftColumns, rightColumns, shape = "tuple", seed = 1 }) {
  const perm = permutation(n, seed);
  const next = prng(seed * 7919 + 13);
  const left = new Array(n);
  for (let i = 0; i < n; i++) left[i] = [perm[i] % m, makeValue(next, leftColumns, shape)];
  const right = new Array(m);
  for (let i = 0; i < m; i++) right[i] = [i, makeValue(next, rightColumns, shape)];
  return { left, right };
}

const col = (v, j, shape) => (shape === "object" ? v[field(j)] : v[j]);

/**
 * The reference answer, by a plain loop: for each left row, the sum of its first `usedLeft`
 * columns plus the first `usedRight` columns of its right match.
 */
export function referenceSum({ left, right }, { usedLeft, usedRight, shape = "tuple" }) {
  const byKey = new Map();
  for (const [k, v] of right) byKey.set(k, v);
  let total = 0;
  for (const [k, l] of left) {
    const r = byKey.get(k);
    if (r === undefined) continue;
    let s = 0;
    for (let j = 0; j < usedLeft; j++) s += col(l, j, shape);
    for (let j = 0; j < usedRight; j++) s += col(r, j, shape);
    total += s;
  }
  return total;
}

/** Data for a grid cell: C columns on both sides, U used on the left and one on the right. */
export function gridData({ n, m, columns, used, shape }) {
  const sides = joinSides({ n, m, leftColumns: columns, rightColumns: columns, shape, seed: 1 + columns });
  return { args: [sides.left, sides.right], expected: referenceSum(sides, { usedLeft: used, usedRight: 1, shape }) };
}

/** Data for the broadcast experiment: every column of both sides is used, so pruning has nothing to take. */
export function broadcastData({ n, m, columns }) {
  const sides = joinSides({ n, m, leftColumns: columns, rightColumns: columns, shape: "tuple", seed: 3 });
  return { args: [sides.left, sides.right], expected: referenceSum(sides, { usedLeft: columns, usedRight: columns }) };
}

/**
 * Data for the peers' aggregation: n rows [key, [c0..c(C-1)]], key = perm[i] % k (every key n/k times, in random
 * order). Query: per key sum(c0) and count(*); the answer is "total of the sums/total of the counts/groups", exact.
 */
export function aggregateData({ n, k, columns }) {
  const { left } = joinSides({ n, m: k, leftColumns: columns, rightColumns: 0, shape: "tuple", seed: 5 });
  const groups = new Set();
  let sum = 0;
  for (const [key, v] of left) {
    groups.add(key);
    sum += v[0];
  }
  return { args: [left], expected: aggregateAnswer(sum, n, groups.size) };
}

/** How every engine reports the aggregation: the three totals, compared as one string. */
export const aggregateAnswer = (sum, count, groups) => `${sum}/${count}/${groups}`;

/** Builds the data a worker spec asks for. */
export function buildData(spec) {
  switch (spec.kind) {
    case "grid":
      return gridData(spec);
    case "broadcast":
      return broadcastData(spec);
    case "aggregate":
      return aggregateData(spec);
    default:
      throw new Error(`unknown data kind ${spec.kind}`);
  }
}

/** Encoded bytes per row of a tuple side in the columnar codec: an int32 key and `columns` doubles. */
export const encodedRowBytes = (columns) => 4 + 8 * columns;
