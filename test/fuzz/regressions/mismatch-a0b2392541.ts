// Fuzz regression (mismatch), found by test/fuzz. Replayed by test/fuzz/regressions.test.ts:
// compiled without the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has ["k1",[360]], got ["k1",[0]] (first difference of the sorted rows)
export const FUZZ_SEED = 906527716;
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

type Pair1 = [string, string];
type Row3 = { total: boolean; price: number; score?: number; age: number };
type Pair11 = [number, boolean];

export async function main(seed: number): Promise<unknown[][]> {
  dyn = (seed % 5) + 1;
  const ctx = new Context({ defaultParallelism: 2, broadcastThreshold: 0, shuffleMemoryBytes: 256 * 2 ** 20, progress: false });
  try {
    const s0 = ctx.parallelize(rows<Pair1>(seed + 1, 0, 4, false, (r) => [("k" + r.key()), r.str()]), 2);
    const s2 = ctx.parallelize(rows<Row3>(seed + 3, 8, 12, false, (r) => ({ total: r.bool(), price: r.num(), age: r.num(), ...(r.chance(0.4) ? {} : { score: r.num() }) })), 1).keyBy(({ total, price: price4, score, age: age5 }) => "k1");
    const r6 = s0
        .fullOuterJoin(s2, { strategy: "auto", numPartitions: 3 })
        .rightOuterJoin(s2, { strategy: "broadcast", numPartitions: 3 });
    const r9 = r6
        .combineByKey((v8): [number] => [(v8[0]?.[1]?.age ?? 0)], (acc7: [number], v8): [number] => [acc7[0] + (v8[0]?.[1]?.age ?? 0)], (x, y): [number] => [x[0] + y[0]]);
    const s10 = ctx.parallelize(rows<Pair11>(seed + 11, 0, 4, false, (r) => [r.key(), r.bool()]), 1);
    const r12 = s10
        .flatMap((row): [number, [number]][] => [[row[0], [(row[0] + 1)]]]);
    const r13 = r12
        .repartition(1);
    return [await r9.collect(), await r13.collect()];
  } finally {
    await ctx.stop();
  }
}
