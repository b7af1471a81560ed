/**
 * Any rows survive the engine's byte paths exactly: a shuffle held in memory,
 * a shuffle spilled to disk, and serialized or on-disk persisted blocks. Keys
 * of every kind group by value (SameValueZero) through the shuffle.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { HashPartitioner, StorageLevel } from "../../runtime/index.js";
import { keyArb, valueArb } from "../helpers/arbitraries.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { canon, expectSameMultiset, expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

type P = [unknown, unknown];
const pairsArb = fc.array(fc.tuple(fc.oneof(keyArb, fc.integer({ min: 0, max: 3 })), valueArb) as fc.Arbitrary<P>, { maxLength: 30 });

describe("rows through the byte paths (property)", () => {
  it("partitionBy and groupByKey keep every value exactly, in memory and spilled", async () => {
    await fc.assert(
      fc.asyncProperty(pairsArb, fc.constantFrom(0, 256, 2 ** 30), fc.integer({ min: 1, max: 4 }), async (pairs, memory, n) => {
        const ctx = testContext({ shuffleMemoryBytes: memory });
        const rdd = ctx.parallelize(pairs, 3);
        const placed = await rdd.partitionBy(new HashPartitioner(n)).collect();
        // values exactly (-0 stays -0); keys by SameValueZero, since 0 and -0 are one key
        expectSamePairs(placed, pairs);
        expectSamePairs(await rdd.groupByKey(n).collect(), ref.groupByKey(pairs), { unorderedValue: true });
        await stopContexts();
      }),
      { numRuns: 60 },
    );
  });

  it("serialized and disk storage levels give back exactly the rows computed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(valueArb, { maxLength: 20 }), fc.constantFrom("MEMORY_ONLY_SER", "MEMORY_AND_DISK_SER", "DISK_ONLY") , async (rows, level) => {
        const ctx = testContext();
        const cached = ctx.parallelize(rows, 2).persist(StorageLevel[level]);
        await cached.count();
        const back = await cached.collect();
        expect(ctx.lastJob!.cacheHits).toBe(2);
        expect(back).toStrictEqual(rows);
        expect(back.map((r) => canon(r))).toEqual(rows.map((r) => canon(r)));
        await stopContexts();
      }),
      { numRuns: 60 },
    );
  });

  it("distinct over keys of every kind", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(keyArb, { maxLength: 30 }), async (keys) => {
        const ctx = testContext({ shuffleMemoryBytes: 0 });
        const out = await ctx.parallelize(keys, 3).distinct(2).collect();
        expectSameMultiset(out, ref.distinct(keys), ref.keyId);
        await stopContexts();
      }),
      { numRuns: 60 },
    );
  });
});
