/**
 * Faults at run time: user code that throws, keys that cannot be hashed,
 * values the serializer cannot carry, a spill directory that cannot be
 * written, and size estimates that are badly wrong. Each must end in a clear
 * error (or the right result), never in silent corruption, and leave the
 * context usable.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Context, JobFailedError, RddError, SerializationError, type ContextOptions } from "rddopt";

const contexts: Context[] = [];
function context(options: ContextOptions = {}): Context {
  const ctx = new Context({ defaultParallelism: 3, progress: false, ...options });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.stop()));
});

/** The error and its causes, as one text, for message checks. */
function chain(e: unknown): string {
  const parts: string[] = [];
  for (let x = e; x; x = (x as { cause?: unknown }).cause) parts.push(x instanceof Error ? `${x.name}: ${x.message}` : String(x));
  return parts.join(" <- ");
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the job to fail");
}

const pairs = (n: number, keys = 10): [number, number][] => Array.from({ length: n }, (_, i) => [i % keys, i]);

describe("a user function that throws", () => {
  for (const [where, run] of [
    ["map", (ctx: Context) => ctx.parallelize([1, 2, 3]).map((x) => (x === 2 ? explode() : x)).collect()],
    ["reduceByKey", (ctx: Context) => ctx.parallelize(pairs(30)).reduceByKey((a, b) => (a + b > 30 ? explode() : a + b)).collect()],
    [
      "mapValues after an auto join",
      (ctx: Context) =>
        ctx.parallelize(pairs(20)).join(ctx.parallelize(pairs(5)), { strategy: "auto" }).mapValues(([a]) => (a === 3 ? explode() : a)).collect(),
    ],
  ] as const) {
    it(`in ${where}: JobFailedError naming the operation, original error kept as cause, context still usable`, async () => {
      const ctx = context();
      const e = await failure(run(ctx));
      expect(e).toBeInstanceOf(JobFailedError);
      expect((e as JobFailedError).message).toMatch(new RegExp(where.split(" ")[0]!));
      expect((e as JobFailedError).cause).toBeInstanceOf(TypeError);
      expect(((e as JobFailedError).cause as Error).message).toBe("boom");
      expect(await ctx.parallelize(pairs(12)).reduceByKey((a, b) => a + b).count()).toBe(10);
    });
  }
});

function explode(): never {
  throw new TypeError("boom");
}

describe("keys that cannot be hashed", () => {
  const bad: [string, unknown][] = [
    ["an object", { id: 1 }],
    ["a function", () => 1],
    ["a symbol", Symbol("k")],
    ["a class instance", new (class Customer {})()],
  ];
  for (const [what, key] of bad) {
    for (const op of ["reduceByKey", "join", "groupByKey"] as const) {
      it(`${what} as the key of ${op}: a clear error naming the fix`, async () => {
        const ctx = context();
        const rdd = ctx.parallelize<[unknown, number]>([[key, 1], [key, 2]]);
        const run =
          op === "reduceByKey" ? rdd.reduceByKey((a, b) => a + b).collect() : op === "join" ? rdd.join(ctx.parallelize<[unknown, number]>([[1, 1]])).collect() : rdd.groupByKey().collect();
        const e = await failure(run);
        expect(e).toBeInstanceOf(RddError);
        expect(chain(e)).toMatch(/cannot be hashed/);
        expect(chain(e)).toMatch(/number, string, boolean, bigint.*tuple/);
        expect(await ctx.parallelize([[1, 2]] as [number, number][]).groupByKey().count()).toBe(1);
      });
    }
  }
});

describe("values the serializer cannot carry", () => {
  class Point {
    constructor(readonly x: number) {}
    norm(): number {
      return Math.abs(this.x);
    }
  }
  const cases: [string, unknown, RegExp][] = [
    ["a function", { f: () => 1 }, /function/],
    ["a class instance", new Point(3), /class Point/],
    ["a symbol", [Symbol("s")], /symbol/],
  ];
  for (const [what, value, message] of cases) {
    it(`${what} in a shuffled value: SerializationError, not a silently changed value`, async () => {
      const ctx = context();
      const e = await failure(ctx.parallelize<[number, unknown]>([[1, value], [2, value]]).groupByKey().collect());
      expect(chain(e)).toMatch(/SerializationError/);
      expect(chain(e)).toMatch(message);
    });

    it(`${what} in a join side under every strategy (spilling): SerializationError, or the value itself intact`, async () => {
      const ctx = context({ shuffleMemoryBytes: 0 });
      const left = ctx.parallelize<[number, unknown]>([[1, value]]);
      const right = ctx.parallelize<[number, number]>([[1, 1]]);
      for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
        const settled = await left.join(right, { strategy }).collect().then(
          (rows) => ({ rows }),
          (error: unknown) => ({ error }),
        );
        // A side kept in memory for a broadcast is not serialized: then the very same value must come out.
        if ("rows" in settled) expect(settled.rows).toEqual([[1, [value, 1]]]);
        else expect(chain(settled.error)).toMatch(/SerializationError/);
        if (strategy === "shuffle") expect("error" in settled).toBe(true);
      }
    });
  }

  it("a broadcast join keeps class instances intact (nothing is serialized) and a shuffle refuses them", async () => {
    const ctx = context();
    const left = ctx.parallelize<[number, Point]>([[1, new Point(-2)]]);
    const right = ctx.parallelize<[number, number]>([[1, 10]], 1);
    const viaBroadcast = await left.join(right, { strategy: "broadcast" }).collect().catch((e: unknown) => e);
    if (Array.isArray(viaBroadcast)) expect((viaBroadcast[0]![1][0] as Point).norm()).toBe(2);
    else expect(chain(viaBroadcast)).toMatch(/SerializationError/);
    expect(chain(await failure(left.join(right, { strategy: "shuffle" }).collect()))).toMatch(/class Point/);
    expect(SerializationError.name).toBe("SerializationError");
  });
});

describe("a spill directory that cannot be written", () => {
  it("fails the spilling job with a message naming localDir and the fix; the context keeps working without spilling", async () => {
    const file = path.join(os.tmpdir(), `rddopt-not-a-dir-${process.pid}`);
    fs.writeFileSync(file, "a file, not a directory");
    try {
      const ctx = context({ localDir: path.join(file, "sub"), shuffleMemoryBytes: 0 });
      const e = await failure(ctx.parallelize(pairs(50)).reduceByKey((a, b) => a + b).collect());
      expect(chain(e)).toMatch(/localDir/);
      expect(chain(e)).toMatch(/writable localDir|raise shuffleMemoryBytes/);
      // Narrow work needs no disk.
      expect(await ctx.parallelize([1, 2, 3]).map((x) => x * 2).collect()).toEqual([2, 4, 6]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe("an estimate that is badly wrong", () => {
  const KiB = 1024;
  /** Rows whose strided sample (every 4th row) is tiny but whose other rows are 4 KiB each. */
  function deceptiveSide(rowsPerPartition: number, partitions: number): [number, string][] {
    const out: [number, string][] = [];
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < rowsPerPartition; i++) out.push([p * rowsPerPartition + i, i % 4 === 0 ? "s" : "x".repeat(4 * KiB)]);
    }
    return out;
  }

  it('"auto": a side that samples small but is large is not broadcast past maxBroadcastBytes; the join shuffles and is right', async () => {
    const big = deceptiveSide(1024, 2); // ~6 MiB real, sampled as a few KiB
    const ctx = context({ broadcastThreshold: 512 * KiB, maxBroadcastBytes: 1024 * KiB });
    const left = ctx.parallelize(pairs(4000, 3000), 4).map(([k, v]): [number, number] => [k, v]); // not a known size
    const right = ctx.parallelize(big, 2).map(([k, v]): [number, string] => [k, v]);
    const out = await left.join(right, { strategy: "auto" }).mapValues(([a, b]) => a + b.length).collect();
    const decision = ctx.lastJob!.joins[0]!;
    // The deceptive right side is measured exactly before it can pass the threshold, so it is never
    // broadcast; the small left side may be.
    expect(decision.strategy).not.toBe("broadcast-right");
    expect(decision.reason).toMatch(/right side over broadcastThreshold/);
    expect(out.length).toBe(3048); // right keys 0..2047; left keys 0..999 twice, 1000..2999 once
    const expected = referenceJoin(pairs(4000, 3000), big).map(([k, [a, b]]) => [k, a + b.length]);
    expect(sortRows(out)).toEqual(sortRows(expected));
  });

  it('"broadcast": partitions the sampler reaches first are small, the rest are huge: the cap falls back to the shuffle', async () => {
    // spreadOrder samples partitions 0, n/2, ... first: make exactly those small.
    const partitions = 8;
    const rows: [number, string][] = [];
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < 200; i++) rows.push([p * 200 + i, p === 0 || p === 4 ? "s" : "y".repeat(2 * KiB)]);
    }
    const ctx = context({ maxBroadcastBytes: 512 * KiB });
    const small = ctx.parallelize(pairs(300, 1600), 2).map(([k, v]): [number, number] => [k, v]);
    const big = ctx.parallelize(rows, partitions).map(([k, v]): [number, string] => [k, v]);
    const out = await big.join(small, { strategy: "broadcast" }).mapValues(([s, n]) => s.length + n).collect();
    const decision = ctx.lastJob!.joins[0]!;
    // Either side may be chosen; the big one must not be broadcast.
    expect(decision.strategy).not.toBe("broadcast-left");
    const expected = referenceJoin(rows, pairs(300, 1600)).map(([k, [s, n]]) => [k, s.length + n]);
    expect(sortRows(out)).toEqual(sortRows(expected));
  });
});

function referenceJoin<V, W>(left: [number, V][], right: [number, W][]): [number, [V, W]][] {
  const byKey = new Map<number, W[]>();
  for (const [k, w] of right) byKey.set(k, [...(byKey.get(k) ?? []), w]);
  return left.flatMap(([k, v]) => (byKey.get(k) ?? []).map((w): [number, [V, W]] => [k, [v, w]]));
}

function sortRows(rows: unknown[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}
