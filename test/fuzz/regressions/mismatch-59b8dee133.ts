// Fuzz regression (mismatch), found by test/fuzz. Replayed by test/fuzz/regressions.test.ts:
// compiled without the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has [[2,"k4"],{"f0":["B",[9],[9]],"f1":{"f0":"B","f1":true},"f2":"B"}], got [[2,"k4"],{"f0":["B",[undefined],[undefined]],"f1":{"f0":"B","f1":undefined},"f2":"none"}] (first difference of the sorted rows)
export const FUZZ_SEED = 2061905650;
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

type Pair1 = [[number, string], { price: { id: boolean; score?: number }; age: [number, string, string, boolean] }];
type Pair6 = [string, [number]];
type Pair8 = [string, string];

export async function main(seed: number): Promise<unknown[][]> {
  dyn = (seed % 5) + 1;
  const ctx = new Context({ defaultParallelism: 3, broadcastThreshold: 10 * 2 ** 20, shuffleMemoryBytes: 0, progress: false });
  try {
    const s0 = ctx.parallelize(rows<Pair1>(seed + 1, 1, 12, false, (r) => [[r.key(), ("k" + r.key())], { price: { id: r.bool(), ...(r.chance(0.4) ? {} : { score: r.int(10) }) }, age: [r.int(10), r.str(), r.str(), r.bool()] }]), 5);
    const r2 = s0
        .flatMap(function (rec): [[number, string], { f0: [[number, string], { price: { id: boolean; score?: number }; age: [number, string, string, boolean] }] }][] {
          return [[rec[0], { f0: rec }]];
        })
        .partitionBy(new HashPartitioner(4))
        .fullOuterJoin(s0, { strategy: "auto", numPartitions: 3 });
    const r3 = r2
        .mapValues((p): [[number | undefined], [{ price: { id: boolean; score?: number }; age: [number, string, string, boolean] } | undefined, string | undefined, { f0: [[number, string], { price: { id: boolean; score?: number }; age: [number, string, string, boolean] }] } | undefined]] => [[p[0]?.f0?.[1]?.age?.[0]], [p[1], p[1]?.age?.[1], p[0]]]);
    const r4 = r3
        .mapValues((row): { f0: [string | undefined, [number | undefined], [number | undefined]]; f1: { f0: string | undefined; f1: boolean | undefined }; f2: string } => ({ f0: [row[1][0]?.age?.[1], row[0], row[0]], f1: { f0: row[1][0]?.age?.[1], f1: row[1][2]?.f0?.[1]?.age?.[3] }, f2: (row[1][2]?.f0?.[1]?.age?.[1] ?? "none") }));
    const s5 = ctx.parallelize(rows<Pair6>(seed + 6, 1, 60, true, (r) => [("k" + r.key()), [r.int(10)]]), 1);
    const s7 = ctx.parallelize(rows<Pair8>(seed + 8, 1, 12, false, (r) => [("k" + r.key()), r.str()]), 3);
    const r13 = s5
        .join(s7)
        .mapValues(([[e9], e10]): [[number, string]] => [[(e9 + 1), e10]])
        .map(([e11, e12]): [string, number] => [e11, (e12[0][0] * 2)]);
    return [await r4.collect(), await r13.collect()];
  } finally {
    await ctx.stop();
  }
}
