/**
 * Joins in worker threads: a shuffle or co-partitioned join's reduce stage and a broadcast join's streamed stage
 * run in workers with the results of in process and of a plain-array reference (odd keys, duplicates, empty
 * partitions, every join type, each side broadcast), errors as in process, and "auto" priced for the
 * workers that run the streamed stage. Needs dist/ (npm test builds it first).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { HashPartitioner, JobFailedError, type Context, type ContextOptions, type RDD } from "../../../runtime/index.js";
import { workerEntry } from "../../../runtime/workers/pool.js";
import { tableOf } from "../../../runtime/workers/join-worker.js";
import { AdaptiveCodec, MsgpackCodec } from "../../../runtime/shuffle/codec.js";
import { stopContexts, testContext } from "../../helpers/context.js";
import { canon } from "../../helpers/multiset.js";

afterEach(stopContexts);

beforeAll(() => {
  const entry = workerEntry();
  if ("reason" in entry) throw new Error(`These tests need the built worker: ${entry.reason}`);
});

type Pair = [unknown, unknown];
type Joined = [unknown, [unknown, unknown]];
type JoinType = "inner" | "leftOuter" | "rightOuter" | "fullOuter";
const TYPES: JoinType[] = ["inner", "leftOuter", "rightOuter", "fullOuter"];

/** Every shippable stage goes to workers (tiny inputs included), so the join stage really runs there. */
const withWorkers = (workers: number, options: ContextOptions = {}) => testContext({ workers, workerDispatch: "always", ...options });

/**
 * A row encoded as a number (key index * 1000 + value), so a parallelized input holds no object the program
 * could see again (collect then ships), decoded by a self-contained function into odd keys: -0 and 0, NaN, a
 * tuple with a hole and the same tuple with undefined (equal keys, each row keeping its own), strings.
 */
const decode = (n: number): Pair => [[0, -0, NaN, [1, , 2], [1, undefined, 2], 5, "a", "b", 8, 9][Math.floor(n / 1000)], n % 1000];
const encodeRow = (key: number, value: number) => key * 1000 + value;

/** Keys match as the engine's key table matches them: SameValueZero, tuples element by element, a hole as undefined. */
function sameKey(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && Array.from(a).every((x, i) => sameKey(x, Array.from(b)[i]));
  return a === b || (a !== a && b !== b);
}

/** The plain-array join: a joined row carries the left row's key, an unmatched row its own. */
function referenceJoin(left: Pair[], right: Pair[], type: JoinType): Joined[] {
  const out: Joined[] = [];
  const matchedRight = new Set<number>();
  for (const [lk, lv] of left) {
    let matched = false;
    right.forEach(([rk, rv], i) => {
      if (!sameKey(lk, rk)) return;
      matched = true;
      matchedRight.add(i);
      out.push([lk, [lv, rv]]);
    });
    if (!matched && (type === "leftOuter" || type === "fullOuter")) out.push([lk, [lv, undefined]]);
  }
  if (type === "rightOuter" || type === "fullOuter") right.forEach(([rk, rv], i) => matchedRight.has(i) || out.push([rk, [undefined, rv]]));
  return out;
}

const sorted = (rows: readonly unknown[]) => rows.map((r) => canon(r)).sort();

function joinOf(left: RDD<Pair>, right: RDD<Pair>, type: JoinType, options: Parameters<RDD<Pair>["join"]>[1] = {}): RDD<Joined> {
  const l = left as RDD<[unknown, unknown]>;
  switch (type) {
    case "inner":
      return l.join(right, options) as RDD<Joined>;
    case "leftOuter":
      return l.leftOuterJoin(right, options) as RDD<Joined>;
    case "rightOuter":
      return l.rightOuterJoin(right, options) as RDD<Joined>;
    case "fullOuter":
      return l.fullOuterJoin(right, options) as RDD<Joined>;
  }
}

/** The result stage's placement (the join's stage: it ends in the action). */
const resultPlacement = (ctx: Context) => ctx.lastJob!.placements[ctx.lastJob!.placements.length - 1]!;

interface Sides {
  left: number[];
  right: number[];
  leftSlices: number;
  rightSlices: number;
}

/** Duplicate keys on both sides, keys only on one side, odd keys, and empty partitions (more slices than rows). */
const FIXED: Sides = {
  left: [encodeRow(0, 1), encodeRow(1, 2), encodeRow(0, 3), encodeRow(2, 4), encodeRow(3, 5), encodeRow(4, 6), encodeRow(5, 7), encodeRow(6, 8), encodeRow(6, 9), encodeRow(9, 10)],
  right: [encodeRow(1, 11), encodeRow(0, 12), encodeRow(2, 13), encodeRow(4, 14), encodeRow(3, 15), encodeRow(6, 16), encodeRow(7, 17), encodeRow(6, 18), encodeRow(8, 19)],
  leftSlices: 4,
  rightSlices: 13, // empty partitions
};

async function runJoin(ctx: Context, sides: Sides, type: JoinType, options: Parameters<RDD<Pair>["join"]>[1]): Promise<Joined[]> {
  const left = ctx.parallelize(sides.left, sides.leftSlices).map(decode);
  const right = ctx.parallelize(sides.right, sides.rightSlices).map(decode);
  return joinOf(left, right, type, options).collect();
}

describe("a join stage in workers gives the in-process and the plain-array results", () => {
  const reference = (sides: Sides, type: JoinType) => sorted(referenceJoin(sides.left.map(decode), sides.right.map(decode), type));

  for (const type of TYPES) {
    it(`${type}: shuffle, and broadcast of each side it may broadcast`, async () => {
      const expected = reference(FIXED, type);
      const strategies: Parameters<RDD<Pair>["join"]>[1][] = [{ strategy: "shuffle", numPartitions: 3 }];
      // explicit broadcast builds the smaller side: swap sizes to broadcast each side in turn
      if (type !== "fullOuter") strategies.push({ strategy: "broadcast" }, { strategy: "broadcast", readOnly: true });
      for (const options of strategies) {
        const sideCases: Sides[] = options!.strategy === "broadcast" ? [FIXED, { left: FIXED.right.slice(0, 4), right: FIXED.left, leftSlices: 3, rightSlices: 5 }] : [FIXED];
        for (const sides of sideCases) {
          const plain = await runJoin(testContext({ workers: 0 }), sides, type, options);
          expect(sorted(plain)).toEqual(reference(sides, type));
          const ctx = withWorkers(2);
          const pooled = await runJoin(ctx, sides, type, options);
          expect(sorted(pooled)).toEqual(sorted(plain));
          const decision = ctx.lastJob!.joins[0]!;
          const placement = resultPlacement(ctx);
          expect(placement.where, placement.reason).toBe("workers");
          expect(placement.retriedInProcess, placement.reason).toBeUndefined();
          if (decision.strategy === "shuffle") expect(placement.reason).toMatch(/\(shuffle\) joined in the workers/);
          else expect(placement.reason).toMatch(/streamed through its broadcast table, built once per worker/);
        }
      }
      expect(expected.length).toBeGreaterThan(0);
    });
  }

  it("which side a broadcast builds: both sides, under every allowed join type", async () => {
    const built = new Set<string>();
    for (const type of ["inner", "leftOuter", "rightOuter"] as const) {
      for (const sides of [FIXED, { left: FIXED.right.slice(0, 3), right: FIXED.left, leftSlices: 2, rightSlices: 3 }]) {
        const ctx = withWorkers(2);
        const out = await runJoin(ctx, sides, type, { strategy: "broadcast" });
        expect(sorted(out)).toEqual(reference(sides, type));
        built.add(ctx.lastJob!.joins[0]!.strategy);
      }
    }
    expect([...built].sort()).toEqual(["broadcast-left", "broadcast-right"]);
  });

  it("co-partitioned: both sides read in place by their own chains (a by-key shuffle's output), all four types", async () => {
    const p = new HashPartitioner(3);
    for (const type of TYPES) {
      const results: string[][] = [];
      for (const workers of [0, 2]) {
        const ctx = withWorkers(workers);
        const left = ctx.range(0, 600, 1, 4).map((i) => [i % 40, i] as [number, number]).reduceByKey((a, b) => a + b, p);
        const right = ctx.range(0, 300, 3, 2).map((i) => [i % 50, -i] as [number, number]).reduceByKey((a, b) => a + b, p);
        const out = await joinOf(left as RDD<Pair>, right as RDD<Pair>, type, { partitioner: p }).collect();
        results.push(sorted(out));
        expect(ctx.lastJob!.joins[0]!.strategy).toBe("co-partitioned");
        if (workers > 0) expect(resultPlacement(ctx).reason).toMatch(/\(co-partitioned\) joined in the workers/);
      }
      expect(results[1]).toEqual(results[0]);
      expect(results[0]!.length).toBeGreaterThan(0);
    }
  });

  it("a side read in place that cannot be described keeps the stage in process, with the reason", async () => {
    const ctx = withWorkers(2);
    const p = new HashPartitioner(2);
    const left = ctx.range(0, 100, 1, 2).map((i) => [i % 10, i] as [number, number]).partitionBy(p).mapPartitions((rows) => rows, true);
    const right = ctx.range(0, 100, 1, 2).map((i) => [i % 7, i] as [number, number]);
    const out = await left.join(right, { partitioner: p }).count();
    expect(out).toBe(referenceJoin(Array.from({ length: 100 }, (_, i) => [i % 10, i]), Array.from({ length: 100 }, (_, i) => [i % 7, i]), "inner").length);
    const placement = resultPlacement(ctx);
    expect(placement.where).toBe("in-process");
    expect(placement.reason).toMatch(/^join \[\d+\], its left side: mapPartitions \[\d+\] runs in process/);
  });

  it("a property: random inputs, join types and strategies, with 1 and 2 workers, equal the reference", async () => {
    const row = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 999 })).map(([k, v]) => encodeRow(k, v));
    const input = fc.record({
      left: fc.array(row, { maxLength: 40 }),
      right: fc.array(row, { maxLength: 40 }),
      leftSlices: fc.integer({ min: 1, max: 5 }),
      rightSlices: fc.integer({ min: 1, max: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(input, fc.constantFrom(...TYPES), fc.constantFrom("shuffle", "broadcast", "auto"), fc.constantFrom(1, 2), async (sides, type, strategy, workers) => {
        const options = { strategy: type === "fullOuter" && strategy === "broadcast" ? "shuffle" : strategy, numPartitions: 3 } as const;
        const ctx = withWorkers(workers, { broadcastThreshold: 200 });
        const out = await runJoin(ctx, sides, type, options);
        expect(sorted(out)).toEqual(reference(sides, type));
        await stopContexts();
      }),
      { numRuns: 40 },
    );
  });
});

describe("errors and metrics as in process", () => {
  it("a user function that throws in the streamed stage fails the job with JobFailedError (operation, stage, partition)", async () => {
    const failing = async (workers: number, strategy: "shuffle" | "broadcast") => {
      const ctx = withWorkers(workers);
      const small = ctx.range(0, 10, 1, 2).map((i) => [i, -i] as [number, number]);
      const big = ctx.range(0, 400, 1, 4).map((i) => [i % 10, i] as [number, number]);
      // after the join: in the join's own stage, shuffle or broadcast
      const err = await big
        .join(small, { strategy })
        .map(([k, [a]]) => {
          if (a === 350) throw new RangeError(`bad row ${k}`);
          return a;
        })
        .count()
        .catch((e: unknown) => e);
      return { err, placement: resultPlacement(ctx), stageId: ctx.lastJob!.placements.length };
    };
    for (const strategy of ["shuffle", "broadcast"] as const) {
      const plain = await failing(0, strategy);
      const pooled = await failing(2, strategy);
      expect(pooled.placement.where).toBe("workers");
      expect(pooled.placement.retriedInProcess).toBeGreaterThanOrEqual(1);
      for (const { err } of [plain, pooled]) {
        expect(err).toBeInstanceOf(JobFailedError);
        const e = err as JobFailedError;
        expect(e.operation).toBe("map");
        expect(e.cause).toBeInstanceOf(RangeError);
        expect(e.message).toMatch(/the function passed to map threw in stage \d+, partition \d+ .*bad row 0/);
      }
      expect((pooled.err as JobFailedError).partition).toBe((plain.err as JobFailedError).partition);
    }
  });

  it('"auto" broadcast: a streamed row a shuffle codec would reject still fails the job, in a worker too', async () => {
    for (const workers of [0, 2]) {
      const ctx = withWorkers(workers);
      const small = ctx.range(0, 5, 1, 1).map((i) => [i, i] as [number, number]);
      // the bad row is in the last partition: the size estimate measures the big side only up to the small one's bytes
      const big = ctx.range(0, 4000, 1, 8).map((i) => [i % 5, i === 3999 ? { f: () => i } : i] as [number, unknown]);
      const err = await big.join(small, { strategy: "auto" }).count().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobFailedError);
      expect((err as Error).message).toMatch(/function/i);
      const decision = ctx.lastJob!.joins[0]!;
      expect(decision.strategy).toBe("broadcast-right");
      if (workers > 0) expect(resultPlacement(ctx)).toMatchObject({ where: "workers" });
    }
  });

  it("metrics: shuffle bytes read and the broadcast bytes (counted once, not per task or worker) as in process", async () => {
    const metrics = async (workers: number, strategy: "shuffle" | "broadcast") => {
      const ctx = withWorkers(workers);
      const left = ctx.range(0, 2000, 1, 4).map((i) => [i % 100, i] as [number, number]);
      const right = ctx.range(0, 100, 1, 2).map((i) => [i, -i] as [number, number]);
      const n = await left.join(right, { strategy, numPartitions: 4 }).count();
      const job = ctx.lastJob!;
      return { n, read: job.shuffleBytesRead, written: job.shuffleBytesWritten, broadcast: job.broadcastBytes };
    };
    for (const strategy of ["shuffle", "broadcast"] as const) {
      const plain = await metrics(0, strategy);
      const pooled = await metrics(2, strategy);
      expect(pooled).toEqual(plain);
      expect(plain.n).toBe(2000);
      if (strategy === "shuffle") expect(plain.read).toBeGreaterThan(0);
      else expect(plain.broadcast).toBeGreaterThan(0);
    }
  });

  it("a broadcast with a fused projection of the streamed side gives the in-process rows", async () => {
    const ctx = withWorkers(2);
    const small = ctx.range(0, 50, 1, 1).map((i) => [i, [i, `s${i}`, -i]] as [number, [number, string, number]]);
    const big = ctx.range(0, 5000, 1, 16).map((i) => [i % 60, [i, i * 2, `t${i}`]] as [number, [number, number, string]]);
    const projected = big.projectValues<number, [number, number, string], [number, string]>([0, 2]);
    const out = await projected.join(small, { strategy: "broadcast" }).map(([k, [a, b]]) => `${k}:${a.join("/")}:${b[1]}`).collect();
    const plain = testContext({ workers: 0 });
    const expected = await plain
      .range(0, 5000, 1, 16)
      .map((i) => [i % 60, [i, i * 2, `t${i}`]] as [number, [number, number, string]])
      .projectValues<number, [number, number, string], [number, string]>([0, 2])
      .join(plain.range(0, 50, 1, 1).map((i) => [i, [i, `s${i}`, -i]] as [number, [number, string, number]]), { strategy: "broadcast" })
      .map(([k, [a, b]]) => `${k}:${a.join("/")}:${b[1]}`)
      .collect();
    expect(out.sort()).toEqual(expected.sort());
    expect(out.length).toBe(Array.from({ length: 5000 }, (_, i) => i % 60).filter((k) => k < 50).length);
    expect(resultPlacement(ctx)).toMatchObject({ where: "workers" });
  });
});

describe('"auto" prices the executor that runs the streamed stage', () => {
  // As the transformer writes it (a site): only such joins price the executor (see the hand-written case below).
  const AUTO = { strategy: "auto", site: "src/main.ts:1:1" } as const;
  const decide = async (ctx: Context, leftRows: number, rightRows: number, options: Parameters<RDD<Pair>["join"]>[1] = AUTO) => {
    const left = ctx.range(0, leftRows, 1, 8).map((i) => [i % 997, i] as [number, number]);
    const right = ctx.range(0, rightRows, 1, 8).map((i) => [i % 997, -i] as [number, number]);
    const n = await left.join(right, options).count();
    return { n, decision: ctx.lastJob!.joins[0]!, placements: ctx.lastJob!.placements };
  };
  const expectedCount = (l: number, r: number) => {
    const counts = new Map<number, number>();
    for (let i = 0; i < r; i++) counts.set(i % 997, (counts.get(i % 997) ?? 0) + 1);
    let n = 0;
    for (let i = 0; i < l; i++) n += counts.get(i % 997) ?? 0;
    return n;
  };

  it("skewed sizes (both unknown up front): the small side is broadcast and priced for the workers", async () => {
    const { n, decision, placements } = await decide(withWorkers(2), 20_000, 500);
    expect(n).toBe(expectedCount(20_000, 500));
    expect(decision.strategy).toBe("broadcast-right");
    expect(decision.reason).toMatch(/priced for 2 workers \(the streamed stage ships: a table per worker\)/);
    expect(placements[placements.length - 1]!.where).toBe("workers");
  });

  it("equal sizes (both unknown up front): shuffle once the extrapolated sizes say no table per worker pays, without computing both sides", async () => {
    const { n, decision } = await decide(withWorkers(2), 20_000, 20_000);
    expect(n).toBe(expectedCount(20_000, 20_000));
    expect(decision.strategy).toBe("shuffle");
    expect(decision.reason).toMatch(/a table per worker \(2\) would cost more than the shuffle; priced for 2 workers/);
    expect(decision.left!.partitionsMeasured + decision.right!.partitionsMeasured).toBeLessThan(8);
    // in process nothing changes: the fair rule broadcasts the side no larger than the other
    const inProcess = await decide(testContext({ workers: 0 }), 20_000, 20_000);
    expect(inProcess.decision.strategy).toMatch(/^broadcast-/);
    expect(inProcess.decision.reason).not.toMatch(/priced/);
    expect(inProcess.n).toBe(n);
  });

  it("a side the join type cannot broadcast is never computed: estimated from its stage's input", async () => {
    const ctx = withWorkers(2);
    const left = ctx.range(0, 20_000, 1, 8).map((i) => [i % 997, i] as [number, number]);
    const right = ctx.range(0, 300, 1, 2).map((i) => [i, -i] as [number, number]);
    const out = await left.leftOuterJoin(right, AUTO).count();
    expect(out).toBe(20_000);
    const decision = ctx.lastJob!.joins[0]!;
    expect(decision.strategy).toBe("broadcast-right");
    expect(decision.left!.partitionsMeasured).toBe(0);
    expect(decision.reason).toMatch(/left side not measured: about .* from its stage's input \(20000 rows at the right side's bytes per row/);
  });

  it("a streamed stage that stays in process (an unshippable function) is priced in process, with the reason", async () => {
    const ctx = withWorkers(2);
    const offset = { by: 1 }; // a captured object the annotation-less function reads: not provably shippable
    const left = ctx.range(0, 20_000, 1, 8).map((i) => [i % 997, i + offset.by] as [number, number]);
    const right = ctx.range(0, 20_000, 1, 8).map((i) => [i % 997, -i - offset.by] as [number, number]);
    await left.join(right, AUTO).count();
    const decision = ctx.lastJob!.joins[0]!;
    expect(decision.strategy).toMatch(/^broadcast-/);
    expect(decision.reason).toMatch(/priced in process \(the streamed stage stays there: the function passed to map runs in process/);
  });

  it('a strategy "auto" written by hand decides as in process on every executor: its partitioning (glom) is the same', async () => {
    const { decision } = await decide(withWorkers(2), 20_000, 20_000, { strategy: "auto" });
    expect(decision.strategy).toMatch(/^broadcast-/);
    expect(decision.reason).toMatch(/priced in process: a strategy "auto" written by hand decides as in process on every executor/);
    const glommed = async (workers: number) => {
      const ctx = withWorkers(workers);
      const left = ctx.range(0, 3000, 1, 3).map((i) => [i % 101, i] as [number, number]);
      const right = ctx.range(0, 3000, 1, 5).map((i) => [i % 101, -i] as [number, number]);
      const parts = await left.join(right, { strategy: "auto", numPartitions: 4 }).glom().map((rows) => rows.length).collect();
      return { parts, strategy: ctx.lastJob!.joins[0]!.strategy };
    };
    const plain = await glommed(0);
    expect(await glommed(2)).toEqual(plain);
    expect(plain.strategy).toMatch(/^broadcast-/); // in process: a side within the threshold, no larger than the other
  });

  it("a broadcast whose streamed stage stays in process keeps no copy of the table for workers", async () => {
    const ctx = withWorkers(2);
    const offset = { by: 1 }; // read by an annotation-less function: not provably shippable
    const big = ctx.range(0, 400, 1, 4).map((i) => [i % 10, i + offset.by] as [number, number]);
    const joined = big.join(ctx.range(0, 10, 1, 1).map((i) => [i, -i] as [number, number]), { strategy: "broadcast" });
    expect(await joined.count()).toBe(400);
    expect(resultPlacement(ctx).reason).toMatch(/^join \[\d+\], its streamed side: the function passed to map runs in process/);
    expect((joined as unknown as { shipping(): { table: unknown } }).shipping().table).toBeUndefined();
  });

  it("explain() says where the join stage ran: before deciding in process; once decided, in workers", async () => {
    const ctx = withWorkers(2);
    const joined = ctx.range(0, 400, 1, 4).map((i) => [i % 10, i] as [number, number]).join(ctx.range(0, 20, 1, 2).map((i) => [i, -i] as [number, number]), { strategy: "broadcast" });
    expect(joined.explain()).toMatch(/result stage \(join \[\d+\]\) for count, collect, reduce, fold or aggregate: in process - join \[\d+\] is decided when a job runs/);
    await joined.count();
    expect(joined.explain()).toMatch(/result stage \(join \[\d+\]\) for count, collect, reduce, fold or aggregate: workers - 4 tasks over 400 input rows on up to 2 workers \(join \[\d+\] streamed through its broadcast table, built once per worker\)/);
    const shuffled = ctx.range(0, 400, 1, 4).map((i) => [i % 10, i] as [number, number]).join(ctx.range(0, 20, 1, 2).map((i) => [i, -i] as [number, number]), { numPartitions: 3 });
    await shuffled.count();
    expect(shuffled.explain()).toMatch(/result stage \(join \[\d+\]\) .*: workers - 3 tasks over 0 input rows and \d+ input bytes on up to 2 workers \(join \[\d+\] \(shuffle\) joined in the workers\)/);
  });
});

describe("a worker's broadcast table cache", () => {
  const codec = new MsgpackCodec();
  let nextId = 1_000_000; // ids the main thread never hands out in this test process
  const wireTable = (blocks: Pair[][], bytes = 0) => {
    const encoded = blocks.map((b) => codec.encode(b));
    const offsets = [0];
    for (const e of encoded) offsets.push(offsets[offsets.length - 1]! + e.byteLength);
    const buffer = new SharedArrayBuffer(Math.max(bytes, offsets[offsets.length - 1]!));
    encoded.forEach((e, i) => new Uint8Array(buffer).set(e, offsets[i]!));
    return { id: nextId++, buffer, offsets, freshValues: false };
  };

  it("builds a table once per id, from every block in order, and keeps a few, evicting the oldest", () => {
    const wire = wireTable([[[1, "a"], [2, "b"]], [], [[1, "c"]]]);
    const table = tableOf(wire, codec);
    expect(table.rows).toBe(3);
    const id = table.find(1);
    const values: unknown[] = [];
    for (let r = table.firstRow(id); r !== -1; r = table.nextRow(r)) values.push(table.valueOf(r));
    expect(values).toEqual(["a", "c"]); // block order: the in-process table's order
    expect(tableOf(wire, codec)).toBe(table); // cached: not built again
    const others = Array.from({ length: 4 }, (_, i) => wireTable([[[i, i]]]));
    for (const o of others) tableOf(o, codec);
    expect(tableOf(others[3]!, codec)).toBe(tableOf(others[3]!, codec));
    expect(tableOf(wire, codec)).not.toBe(table); // evicted after 4 newer ones: built again
  });

  it("a read-only table builds each value afresh from its columns (a table the consumers only read)", () => {
    const columnar = new AdaptiveCodec();
    const blocks = [[[1, [1.5, "a"]], [2, [2.5, "b"]]], [[1, [3.5, "c"]]]].map((b) => columnar.encode(b));
    const offsets = [0];
    for (const e of blocks) offsets.push(offsets[offsets.length - 1]! + e.byteLength);
    const buffer = new SharedArrayBuffer(offsets[offsets.length - 1]!);
    blocks.forEach((e, i) => new Uint8Array(buffer).set(e, offsets[i]!));
    const table = tableOf({ id: nextId++, buffer, offsets, freshValues: true }, columnar);
    const id = table.find(1);
    const first = table.firstRow(id);
    expect(table.valueOf(first)).toEqual([1.5, "a"]);
    expect(table.valueOf(first)).not.toBe(table.valueOf(first));
    expect(table.valueOf(table.nextRow(first))).toEqual([3.5, "c"]);
  });

  it("evicts by bytes: a table past the byte bound leaves only itself", () => {
    const small = wireTable([[[1, 1]]]);
    const first = tableOf(small, codec);
    const huge = wireTable([[[2, 2]]], 513 * 2 ** 20);
    tableOf(huge, codec);
    expect(tableOf(small, codec)).not.toBe(first);
  });
});
