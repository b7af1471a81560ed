// Seeded workload, as the team measured for peers (../../../shared/reference/peer-join-benchmark.md):
// left N rows [key, [c0..c(C-1)]] with key = perm[i] % M (a seeded random permutation, so the probe order is random),
// right M rows [key, [r0..r4]] with unique keys 0..M-1. Values are k/256 with k in [0, 2^20): real non-integer
// doubles whose sums are exact in any order, so every variant must return the bit-identical total.

/** mulberry32: a small seeded PRNG. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const value = (rand) => Math.floor(rand() * 2 ** 20) / 256;

export function generate({ n, m, c }) {
  const rand = mulberry32(0x5eed ^ n ^ (m << 3) ^ (c << 7));
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const left = new Array(n);
  for (let i = 0; i < n; i++) {
    const cols = new Array(c);
    for (let j = 0; j < c; j++) cols[j] = value(rand);
    left[i] = [perm[i] % m, cols];
  }
  const right = new Array(m);
  for (let k = 0; k < m; k++) {
    const cols = new Array(5);
    for (let j = 0; j < 5; j++) cols[j] = value(rand);
    right[k] = [k, cols];
  }
  return { left, right };
}

/** The expected total: a plain loop over an index of the right side (keys are 0..M-1). */
export function referenceSum(left, right) {
  const r1 = new Float64Array(right.length);
  for (const [k, v] of right) r1[k] = v[1];
  let sum = 0;
  for (const [k, v] of left) sum += v[0] + r1[k];
  return sum;
}
