/**
 * Adaptive map-side combine (runtime/shuffle/exchange.ts, writeShuffle): a map task whose first rows are almost
 * all distinct keys stops combining and writes the rest raw; the reduce side (MapOutputMerger) finishes the
 * combining as the map task would have. Checked: the same output rows in the same order (keys as first seen,
 * -0 kept), and the same calls of every user function with the same arguments in the same order, as a task
 * that combines everything; against plain-array references; with spills, custom partitioners and codecs, workers.
 */
import { afterEach, describe, expect, test } from "vitest";
import fc from "fast-check";
import { HashPartitioner, type Context, type Partitioner } from "../../runtime/index.js";
import { adaptiveCombine } from "../../runtime/shuffle/exchange.js";
import { MsgpackCodec, V8Codec, defaultCodec, joinSegments, splitSegments, type Codec } from "../../runtime/shuffle/codec.js";
import { MapOutputMerger } from "../../runtime/shuffle/combine.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { groupPairs, keyId } from "../helpers/reference.js";

afterEach(stopContexts);

const defaults = { ...adaptiveCombine };
afterEach(() => Object.assign(adaptiveCombine, defaults));

/** Every map task stops combining after `rows` rows (`never`: no task stops), then encodes its rows `chunk` at a time. */
function probe(rows: number | "never", chunk = 2): void {
  if (rows === "never") Object.assign(adaptiveCombine, { probeRows: -1 });
  else Object.assign(adaptiveCombine, { probeRows: rows, rawAboveDistinctShare: -1, chunkRows: chunk });
}

const keyArb = fc.oneof(
  fc.integer({ min: -6, max: 6 }),
  fc.constantFrom(-0, NaN, 0.5, 2 ** 31, "a", "", "0", true, null, undefined, 1n),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom("x", "y")),
);
const rowsArb = fc.array(fc.tuple(keyArb, fc.integer({ min: -50, max: 50 })), { maxLength: 80 });

type Row = [unknown, number];
type Op = (ctx: Context, rows: Row[], slices: number, log: string[]) => Promise<[unknown, unknown][]>;

/** Each op with functions that log every call, and results that show the order values were combined in. */
const ops: Record<string, Op> = {
  reduceByKey: (ctx, rows, slices, log) =>
    ctx.parallelize(rows, slices).mapValues((v) => [v]).reduceByKey((a, b) => (log.push(`r${a}|${b}`), [...a, ...b])).collect(),
  foldByKey: (ctx, rows, slices, log) =>
    // A zero that is not neutral: how often it is applied shows in the result.
    ctx.parallelize(rows, slices).mapValues((v) => [v]).foldByKey([1000], (a, b) => (log.push(`f${a}|${b}`), [...a, ...b])).collect(),
  aggregateByKey: (ctx, rows, slices, log) =>
    ctx
      .parallelize(rows, slices)
      .aggregateByKey(
        [-1],
        (c: number[], v: number) => (log.push(`s${c}|${v}`), [...c, v]),
        (a: number[], b: number[]) => (log.push(`c${a}|${b}`), [...a, 0, ...b]),
      )
      .collect(),
  combineByKey: (ctx, rows, slices, log) =>
    ctx
      .parallelize(rows, slices)
      .combineByKey(
        (v: number) => (log.push(`n${v}`), { first: v, rest: [] as number[] }),
        (c, v) => (log.push(`m${c.first}|${v}`), { first: c.first, rest: [...c.rest, v] }),
        (a, b) => (log.push(`M${a.first}|${b.first}`), { first: a.first, rest: [...a.rest, -1, b.first, ...b.rest] }),
      )
      .collect(),
  "reduceByKey of sums (floats)": (ctx, rows, slices, log) =>
    ctx.parallelize(rows, slices).mapValues((v) => v / 7 + 0.1).reduceByKey((a, b) => (log.push(`+${a}|${b}`), a + b)).collect(),
};

async function run(op: Op, rows: Row[], slices: number, options: Parameters<typeof testContext>[0] = {}) {
  const log: string[] = [];
  const out = await op(testContext({ workers: 0, ...options }), rows, slices, log);
  return { out, log };
}

/** Rows equal with keys compared by Object.is (so -0 and 0 differ), in order. */
function expectSameRows(actual: [unknown, unknown][], expected: [unknown, unknown][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach(([k, v], i) => {
    const [ek, ev] = expected[i]!;
    expect(Object.is(k, ek) || keyId(k) === keyId(ek), `key ${i}`).toBe(true);
    if (typeof k === "number") expect(Object.is(k, ek), `key ${i} (-0 kept)`).toBe(true);
    expect(v).toStrictEqual(ev);
  });
}

describe("adaptive map-side combine", () => {
  for (const [name, op] of Object.entries(ops)) {
    test(`property: ${name} gives the same rows and calls whether or not the map tasks stop combining`, async () => {
      await fc.assert(
        fc.asyncProperty(rowsArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 90 }), async (rows, slices, after, chunk) => {
          probe("never");
          const combined = await run(op, rows, slices);
          probe(after, chunk);
          const split = await run(op, rows, slices);
          expectSameRows(split.out, combined.out);
          expect([...split.log].sort()).toStrictEqual([...combined.log].sort());
          await stopContexts();
        }),
        { numRuns: 60 },
      );
    });
  }

  test("property: against a plain-array reference, many keys and few, through a spill", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: -9, max: 9 })), { maxLength: 300 }),
        fc.constantFrom(3, 400),
        async (raw, keys) => {
          probe(2);
          const rows = raw.map(([k, v]): Row => [k % keys, v]);
          const ctx = testContext({ workers: 0, shuffleMemoryBytes: 0 }); // every map output spilled to disk
          const out = await ctx.parallelize(rows, 3).reduceByKey((a, b) => a + b, 2).collect();
          const expected = [...groupPairs(rows).values()].map((g) => `${keyId(g.key)}=${g.values.reduce((a, b) => a + b)}`);
          expect(out.map(([k, v]) => `${keyId(k)}=${v}`).sort()).toStrictEqual(expected.sort());
          await stopContexts();
        },
      ),
      { numRuns: 40 },
    );
  });

  test("with the default probe, a task of distinct first keys writes its later rows raw; one of few keys combines", async () => {
    Object.assign(adaptiveCombine, defaults);
    // P distinct keys (P: the probe's rows), then each of them twice more: combining everything would write P records.
    const P = defaults.probeRows;
    const rows: Row[] = Array.from({ length: 3 * P }, (_, i) => [i % P, i]);
    const ctx = testContext({ workers: 0 });
    expect(await recordsWritten(ctx, rows)).toBe(3 * P);
    expect(await recordsWritten(ctx, rows.map(([k, v]): Row => [(k as number) % 10, v]))).toBe(10);
    const sums = await ctx.parallelize(rows, 1).reduceByKey((a, b) => a + b).collect();
    sums.sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(sums.every(([k, v], i) => k === i && v === 3 * i + 3 * P)).toBe(true);
    expect(sums).toHaveLength(P);
  });

  test("the same error from a user function and from a key that cannot be hashed, after the task stopped combining", async () => {
    probe(2);
    const rows: Row[] = [[1, 1], [2, 2], [3, 3], [3, 4], [4, 5]];
    const ctx = testContext({ workers: 0 });
    const failing = (a: number, b: number) => {
      if (b === 4) throw new Error("no fours");
      return a + b;
    };
    await expect(ctx.parallelize(rows, 1).reduceByKey(failing).collect()).rejects.toThrow(/no fours/);
    const badKey: [unknown, number][] = [[1, 1], [2, 2], [{ a: 1 }, 3]];
    await expect(ctx.parallelize(badKey, 1).reduceByKey((a, b) => a + b).collect()).rejects.toThrow(/plain object/);
  });

  test("values the codec cannot carry (class instances) are combined on the map side after all; combiners it cannot carry fail as before", async () => {
    class Sale {
      constructor(readonly amount: number) {}
    }
    const rows = Array.from({ length: 40 }, (_, i): [number, Sale] => [i % 30, new Sale(i)]);
    const job = (ctx: Context) =>
      ctx
        .parallelize(rows, 2)
        .aggregateByKey(0, (acc: number, s: Sale) => acc + s.amount, (a: number, b: number) => a + b)
        .collect();
    probe("never");
    const combined = await job(testContext({ workers: 0 }));
    probe(2);
    expectSameRows(await job(testContext({ workers: 0 })), combined);
    const asCombiners = (ctx: Context) => ctx.parallelize(rows, 2).combineByKey((s: Sale) => s, (c: Sale, s: Sale) => new Sale(c.amount + s.amount), (a: Sale, b: Sale) => new Sale(a.amount + b.amount)).collect();
    probe("never");
    const failureOf = (ctx: Context) => asCombiners(ctx).then(() => new Error("no failure"), (e: unknown) => e as Error);
    const failure = await failureOf(testContext({ workers: 0 }));
    expect(failure.message).toMatch(/class Sale/);
    probe(2);
    const again = await failureOf(testContext({ workers: 0 }));
    const withoutStage = (e: Error) => e.message.replace(/stage \d+/, "stage n").replace(/\[\d+\]/, "[id]"); // counters
    expect(withoutStage(again)).toBe(withoutStage(failure));
  });

  test("a value the codec cannot carry in a later chunk: the chunks written before are combined too, as combining everything", async () => {
    class Sale {
      constructor(readonly amount: number) {}
    }
    // Plain numbers first (written raw, in chunks of 2), then class instances the codec rejects.
    const rows = Array.from({ length: 40 }, (_, i): [number, number | Sale] => [i % 17, i < 30 ? i : new Sale(i)]);
    const amount = (v: number | Sale) => (typeof v === "number" ? v : v.amount);
    const job = async (ctx: Context) => {
      const log: string[] = [];
      const out = await ctx
        .parallelize(rows, 2)
        .aggregateByKey(
          [-1],
          (acc: number[], v: number | Sale) => (log.push(`s${acc}|${amount(v)}`), [...acc, amount(v)]),
          (a: number[], b: number[]) => (log.push(`c${a}|${b}`), [...a, 0, ...b]),
        )
        .collect();
      return { out, log };
    };
    probe("never");
    const combined = await job(testContext({ workers: 0 }));
    for (const chunk of [1, 2, 3, 7]) {
      probe(2, chunk);
      const ctx = testContext({ workers: 0 });
      const split = await job(ctx);
      expectSameRows(split.out, combined.out);
      expect([...split.log].sort()).toStrictEqual([...combined.log].sort());
      // The first task (rows 0-19, numbers) writes 2 combined and 18 raw; the second (rows 20-39) combines its 17 keys.
      expect(ctx.lastJob!.shuffleRecordsWritten).toBe(20 + 17);
    }
  });

  test("a custom partitioner keeps the task combining: -0 and 0 stay one key even where it places them apart", async () => {
    probe(1);
    class SignPartitioner implements Partitioner {
      readonly numPartitions = 2;
      getPartition(key: unknown): number {
        return Object.is(key, -0) ? 1 : 0;
      }
      equals(other: Partitioner | undefined): boolean {
        return other instanceof SignPartitioner;
      }
      describe(): string {
        return "sign";
      }
    }
    const ctx = testContext({ workers: 0 });
    const out = await ctx.parallelize<Row>([[-0, 1], [7, 1], [0, 2]], 1).reduceByKey((a, b) => a + b, new SignPartitioner()).collect();
    expect(out).toHaveLength(2);
    expect(Object.is(out.find(([k]) => k === 0)![0], -0)).toBe(true);
    expect(out.find(([k]) => k === 0)![1]).toBe(3);
  });

  for (const codec of [new MsgpackCodec(), new V8Codec(), customCodec()]) {
    test(`codec ${codec.name}: same rows as combining everything`, async () => {
      const rows: Row[] = Array.from({ length: 200 }, (_, i) => [i % 70, i]);
      probe("never");
      const combined = await run(ops.combineByKey!, rows, 3, { codec });
      probe(3);
      const split = await run(ops.combineByKey!, rows, 3, { codec });
      expectSameRows(split.out, combined.out);
      expect([...split.log].sort()).toStrictEqual([...combined.log].sort());
    });
  }

  test("workers: map tasks in workers stop combining (default probe) and the result is exact", async () => {
    Object.assign(adaptiveCombine, defaults);
    const P = defaults.probeRows;
    // Any 1.5 P rows in a row have distinct keys (7919 is prime to 1.5 P): every task of 2 P rows stops combining.
    const rows: Row[] = Array.from({ length: 6 * P }, (_, i) => [(i * 7919) % (1.5 * P), i % 13]);
    const job = (ctx: Context) =>
      ctx
        .parallelize(rows, 3)
        .mapValues((v) => [v, 1])
        .reduceByKey((a, b) => [a[0]! + b[0]!, a[1]! + b[1]!], new HashPartitioner(3))
        .collect();
    const inProcess = await job(testContext({ workers: 0 }));
    const ctx = testContext({ workers: 2, workerDispatch: "always", workerMinRows: 0 });
    const inWorkers = await job(ctx);
    expectSameRows(inWorkers, inProcess);
    expect(ctx.lastJob!.shuffleRecordsWritten).toBe(3 * (P + P)); // each task: P combined, P raw
    probe("never");
    const combining = testContext({ workers: 0 });
    expectSameRows(await job(combining), inProcess);
    expect(combining.lastJob!.shuffleRecordsWritten).toBe(3 * 1.5 * P);
  }, 60_000);
});

describe("split blocks", () => {
  test("joinSegments / splitSegments give back every part, each aligned to 8 bytes", () => {
    const bytes = (length: number, from: number) => Uint8Array.from({ length }, (_, i) => (from + i) & 255);
    for (const lengths of [[0, 5], [3, 0], [13, 21], [16, 8], [7], [1, 2, 3, 4, 5], [0, 0, 0], [9, 17, 0, 33, 8, 1, 2]]) {
      const parts = lengths.map((length, i) => bytes(length, 40 * i + 1));
      const back = splitSegments(joinSegments(parts))!;
      expect(back.map((p) => [...p])).toStrictEqual(parts.map((p) => [...p]));
      for (const p of back) expect(p.byteOffset % 8).toBe(0);
    }
    // A block of any codec that tags its blocks is not taken for a split block.
    for (const codec of [defaultCodec, new MsgpackCodec(), new V8Codec()]) expect(splitSegments(codec.encode([[1, 2]]))).toBeUndefined();
  });

  test("MapOutputMerger: a split block continues its prefix's combiners and merges keys seen before", () => {
    const merger = new MapOutputMerger<number, number[]>({
      createCombiner: (v) => [v],
      mergeValue: (c, v) => [...c, v],
      mergeCombiners: (a, b) => [...a, -1, ...b],
    });
    merger.add("a", [1]); // a combined block
    merger.beginSplitBlock();
    merger.addPrefix("b", [2]);
    merger.addPrefix("a", [3]);
    merger.addRaw("a", 4);
    merger.addRaw("c", 5);
    merger.addRaw("b", 6);
    merger.addRaw("c", 7);
    merger.endSplitBlock();
    merger.add("c", [8]);
    const out: [unknown, number[]][] = [];
    merger.forEach((k, c) => out.push([k, c]));
    expect(out).toStrictEqual([
      ["a", [1, -1, 3, 4]],
      ["b", [2, 6]],
      ["c", [5, 7, -1, 8]],
    ]);
  });
});

/** shuffleRecordsWritten of one reduceByKey of `rows` in one map task. */
async function recordsWritten(ctx: Context, rows: Row[]): Promise<number> {
  await ctx.parallelize(rows, 1).reduceByKey((a, b) => a + b).count();
  return ctx.lastJob!.shuffleRecordsWritten;
}

/** A codec whose blocks carry no tag the engine knows (so no task stops combining under it). */
function customCodec(): Codec {
  return {
    name: "custom-json",
    encode: (rows) => new TextEncoder().encode(JSON.stringify(rows)),
    decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown[],
  };
}
