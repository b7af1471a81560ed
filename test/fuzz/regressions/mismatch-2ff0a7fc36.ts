// Fuzz regression (mismatch), found by test/fuzz. Replayed by test/fuzz/regressions.test.ts:
// compiled without the plugin, with prune only and with everything, run with FUZZ_SEED, results compared as multisets.
// prune: output 0: plain has [0,0], got [0,1] (first difference of the sorted rows)
export const FUZZ_SEED = 531759644;
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

type Pair1 = [number, number];
type Row3 = string;

function project4(row: string): number {
  return row.length;
}

export async function main(seed: number): Promise<unknown[][]> {
  dyn = (seed % 5) + 1;
  const ctx = new Context({ defaultParallelism: 1, broadcastThreshold: 300, shuffleMemoryBytes: 256 * 2 ** 20, progress: false });
  try {
    const s0 = ctx.parallelize(rows<Pair1>(seed + 1, 30, 60, false, (r) => [r.key(), r.num()]), 5);
    const s2 = ctx.parallelize(rows<Row3>(seed + 3, 120, 4, false, (r) => (r.str())), 3).keyBy(function (rec): number {
          return rec.length;
        });
    const r5 = s2
        .map(([, v]) => v)
        .keyBy((x) => project4(x));
    const r10 = s0
        .sortByKey()
        .cogroup(r5)
        .mapValues(([vs6, ws7]): [number, number] => [vs6.length, ws7.reduce((s, x9) => s + x9.length, 0)])
        .flatMapValues(function (rec): [[number, number], number][] {
          return [[rec, (rec[0] * 2)]];
        });
    const r13 = r10
        .combineByKey((v12): [number, number] => [1, v12[0][1]], (acc11: [number, number], v12): [number, number] => [acc11[0] + 1, acc11[1] + v12[0][1]], (x, y): [number, number] => [x[0] + y[0], x[1] + y[1]]);
    const r16 = r13
        .groupByKey()
        .mapValues((vs14) => vs14.reduce((s, x15) => s + x15[1], 0));
    return [await r16.collect()];
  } finally {
    await ctx.stop();
  }
}
