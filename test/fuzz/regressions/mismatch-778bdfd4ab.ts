// Fuzz regression (mismatch), found by test/fuzz. Replayed by test/fuzz/regressions.test.ts:
// compiled without the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// prune: output 0: 1 rows vs 0
export const FUZZ_SEED = 189343877;
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

type Pair1 = [number, [number, [string, boolean], [number]]];
type Pair3 = [number, boolean];

export async function main(seed: number): Promise<unknown[][]> {
  dyn = (seed % 5) + 1;
  const ctx = new Context({ defaultParallelism: 3, broadcastThreshold: 10 * 2 ** 20, shuffleMemoryBytes: 256 * 2 ** 20, progress: false });
  try {
    const s0 = ctx.parallelize(rows<Pair1>(seed + 1, 1, 60, false, (r) => [r.key(), [r.int(10), [r.str(), r.bool()], [r.num()]]]), 1);
    const s2 = ctx.parallelize(rows<Pair3>(seed + 3, 0, 4, false, (r) => [r.key(), r.bool()]), 2);
    const r4 = s2
        .flatMap((v): [number, [number, boolean]][] => [[v[0], v]]);
    const r5 = s0
        .leftOuterJoin(s0)
        .subtractByKey(r4)
        .filter((v) => v[1][1]?.[1]?.[1] !== undefined);
    const r6 = r5
        .mapValues((rec): [[string, boolean] | undefined] => [rec[1]?.[1]])
        .distinct();
    const r8 = r6
        .map(([, v]) => v)
        .keyBy((v): number => {
          const t7 = v[0]?.[0];
          return 0;
        });
    return [await r8.collect()];
  } finally {
    await ctx.stop();
  }
}
