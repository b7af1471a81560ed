// Fuzz regression (mismatch), found by npm run fuzz -- --seed 20261122 --fast (not shrunk).
// Accesses through two outer joins (v[1][0]?.[0]?.[1], also inside helper project15) keep their old index after the
// left side is pruned to [{ f0: [] }].
// prune: output 1: plain has [[19,"k22"],false], got [[19,"k22"],true] (first difference of the sorted rows)
export const FUZZ_SEED = 1666776744;
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

type Pair1 = [[number, string], { age: { price?: number }; name: number; region?: number; score: number }];
type Pair12 = [[number, string], boolean];

function project3(p: [number | undefined, { f0: number; f1: number; f2: { age: { price?: number }; name: number; region?: number; score: number } }]): [{ f0: number; f1: number }, [number, number]] {
  return [{ f0: (p[1].f2.age.price ?? 0), f1: String(JSON.stringify(p[1])).length }, [(p[1].f2.score * 3), Math.abs(p[1].f2.score)]];
}

function project10(p: [[number, number], { f0: [number, number] }, [number]]): [[number, number], { f0: [number, number] }, [number]] {
  return p;
}

function project15(row: { f0: number | undefined; f1: [[[number, string], [[[[number, number], { f0: [number, number] }, [number]], boolean | undefined] | undefined, boolean | undefined]], number, boolean] }): boolean {
  return (row.f1[0][1][0]?.[0]?.[1] === undefined);
}

function keep16(v: [[number, string], boolean]): boolean {
  return v[0][1].length > 1;
}

export async function main(seed: number): Promise<unknown[][]> {
  dyn = (seed % 5) + 1;
  const ctx = new Context({ defaultParallelism: 3, broadcastThreshold: 300, shuffleMemoryBytes: 256 * 2 ** 20, progress: false });
  try {
    const s0 = ctx.parallelize(rows<Pair1>(seed + 1, 8, 60, false, (r) => [[r.key(), ("k" + r.key())], { age: { ...(r.chance(0.4) ? {} : { price: r.num() }) }, name: r.int(10), score: r.num(), ...(r.chance(0.4) ? {} : { region: r.num() }) }]), 5);
    const r4 = s0
        .mapValues((row): [number | undefined, { f0: number; f1: number; f2: { age: { price?: number }; name: number; region?: number; score: number } }] => {
          const t2 = row.region;
          return [t2, { f0: Math.abs(row.score), f1: row.score, f2: row }];
        })
        .mapValues((x) => project3(x));
    const r9 = r4
        .aggregateByKey([0] as [number], (acc5: [number], v6): [number] => [acc5[0] + 1], (x, y): [number] => [x[0] + y[0]])
        .aggregateByKey([0, 0] as [number, number], (acc7: [number, number], v8): [number, number] => [acc7[0] + v8[0], acc7[1] + 1], (x, y): [number, number] => [x[0] + y[0], x[1] + y[1]])
        .mapValues((row): [[number, number], { f0: [number, number] }, [number]] => [row, { f0: row }, [String(row[dyn % 2]).length]]);
    const s11 = ctx.parallelize(rows<Pair12>(seed + 12, 30, 1, false, (r) => [[r.key(), ("k" + r.key())], r.bool()]), 5);
    const r13 = r9
        .mapValues(project10)
        .leftOuterJoin(s11);
    const r14 = r13
        .fullOuterJoin(s11);
    const r17 = r14
        .map(function (v): [[number, string], { f0: number | undefined; f1: [[[number, string], [[[[number, number], { f0: [number, number] }, [number]], boolean | undefined] | undefined, boolean | undefined]], number, boolean] }] {
          return [v[0], { f0: v[1][0]?.[0]?.[1]?.f0?.[0], f1: [v, opaque(v[0]), (v[1][0]?.[0] === undefined)] }];
        })
        .mapValues((x) => project15(x))
        .filter(keep16);
    return [await r9.collect(), await r17.collect()];
  } finally {
    await ctx.stop();
  }
}
