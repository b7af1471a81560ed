// Fuzz regression (mismatch), found by test/fuzz. Replayed by test/fuzz/regressions.test.ts:
// compiled without the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has ["k52",10], got ["k52",0] (first difference of the sorted rows)
export const FUZZ_SEED = 526233818;
import { Context, HashPartitioner, type RDD } from "rddopt";

class Rand {
  private s: number;
  constructor(seed: number, private readonly domain: number, private readonly skew: boolean) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bool(): boolean {
    return this.next() < 0.5;
  }
  key(): number {
    return this.skew && this.next() < 0.6 ? 0 : this.int(this.domain);
  }
  num(): number {
    const x = this.next();
    return x < 0.04 ? -0 : x < 0.07 ? NaN : x < 0.2 ? this.int(64) / 8 : this.int(41) - 20;
  }
  str(): string {
    return ["", "a", "b", "ab", "k1", "é", "日本", "z z", "B"][this.int(9)]!;
  }
}

function rows<T>(seed: number, n: number, domain: number, skew: boolean, make: (r: Rand) => T): T[] {
  const r = new Rand(seed, domain, skew);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(make(r));
  return out;
}

let dyn = 1;
const opaque: (x: unknown) => number =
  (globalThis as { fuzzOpaque?: (x: unknown) => number }).fuzzOpaque ?? ((x) => JSON.stringify(x)?.length ?? 0);

type Pair1 = [string, number];

export async function main(seed: number): Promise<unknown[][]> {
  dyn = (seed % 5) + 1;
  const ctx = new Context({ defaultParallelism: 3, broadcastThreshold: 0, shuffleMemoryBytes: 0, progress: false });
  try {
    const s0 = ctx.parallelize(rows<Pair1>(seed + 1, 1, 60, false, (r) => [("k" + r.key()), r.num()]), 3);
    const r6 = s0
        .map(([e2, ...rest3]): [string, string] => [e2, e2.toUpperCase()])
        .aggregateByKey([0, 0] as [number, number], (acc4: [number, number], v5): [number, number] => [acc4[0] + 1, acc4[1] + v5.length], (x, y): [number, number] => [x[0] + y[0], x[1] + y[1]])
        .map((rec): [string, number] => [rec[0], JSON.stringify(rec[1]).length]);
    const r7 = r6
        .flatMapValues((rec): { f0: [number, number]; f1: { f0: number; f1: number; f2: number } }[] => [{ f0: [(rec + 1), rec], f1: { f0: (rec * 2), f1: (rec * 2), f2: (rec + 1) } }, { f0: [(rec + 1), rec], f1: { f0: (rec * 2), f1: (rec * 2), f2: (rec + 1) } }])
        .fullOuterJoin(s0, { strategy: "shuffle" });
    const r10 = r7
        .groupByKey()
        .mapValues((vs8) => vs8.reduce((s, x9) => s + (x9[0]?.f0?.[1] ?? 0), 0));
    return [await r10.collect()];
  } finally {
    await ctx.stop();
  }
}
