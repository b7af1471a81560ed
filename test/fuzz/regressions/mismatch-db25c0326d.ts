// Fuzz regression (mismatch), found by test/fuzz. Replayed by test/fuzz/regressions.test.ts:
// compiled without the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has [[0,"k2"],51], got [[0,"k2"],3] (first difference of the sorted rows)
export const FUZZ_SEED = 2113776731;
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

type Pair1 = [[number, string], string];
type Pair6 = [[number, string], number];
type Pair16 = [number, number];
type Pair18 = [number, boolean];

function project2(v: [[number, string], string]): [[number, string], string][] {
  return [[v[0], v[1]]];
}

function merge4(a: number, b: number): number {
  return a + b;
}

function stage13(input: RDD<[[number, string], number]>) {
  return input.mapValues((row) => (row * 3));
}

export async function main(seed: number): Promise<unknown[][]> {
  dyn = (seed % 5) + 1;
  const ctx = new Context({ defaultParallelism: 4, broadcastThreshold: 10 * 2 ** 20, shuffleMemoryBytes: 2048, progress: false });
  try {
    const s0 = ctx.parallelize(rows<Pair1>(seed + 1, 30, 60, true, (r) => [[r.key(), ("k" + r.key())], r.str()]), 5);
    const r3 = s0
        .flatMap((x) => project2(x))
        .flatMapValues(function (row): number[] {
          return (row !== "k1" && row.length > 1) ? [row.length] : [];
        });
    const s5 = ctx.parallelize(rows<Pair6>(seed + 6, 120, 60, false, (r) => [[r.key(), ("k" + r.key())], r.num()]), 3);
    const r7 = s5
        .foldByKey(-Infinity, (a, b) => Math.max(a, b));
    const r8 = r3
        .foldByKey(0, merge4)
        .rightOuterJoin(r7, { strategy: "auto" });
    const r14 = stage13(r8
        .combineByKey((v10): [number, number] => [1, v10[1]], (acc9: [number, number], v10): [number, number] => [acc9[0] + 1, acc9[1] + v10[1]], (x, y): [number, number] => [x[0] + y[0], x[1] + y[1]])
        .groupByKey()
        .mapValues((vs11) => vs11.reduce((s, x12) => s + x12[1], 0)));
    const s15 = ctx.parallelize(rows<Pair16>(seed + 16, 1, 1, false, (r) => [r.key(), r.int(10)]), 3);
    const s17 = ctx.parallelize(rows<Pair18>(seed + 18, 0, 60, false, (r) => [r.key(), r.bool()]), 2);
    const r19 = s15
        .leftOuterJoin(s17, { strategy: "auto", numPartitions: 3 })
        .map((v): [number, { f0: number; f1: number; f2: [number] }] => [v[0], { f0: (v[1][0] + 1), f1: (v[0] + 1), f2: [v[0]] }]);
    const r20 = r19
        .flatMapValues((row): number[] => row !== undefined ? [(row.f1 * 2), (row.f1 * 2)] : []);
    const r23 = r20
        .groupByKey()
        .mapValues((vs21) => vs21.length);
    return [await r14.collect(), await r23.collect()];
  } finally {
    await ctx.stop();
  }
}
