/**
 * The by-key combiner (KeyedCombiner) and the pair decoder (codec.decodePairs) that reduceByKey & co. use
 * instead of a KeyMap of [key, combiner] entries and decoded row arrays: checked against those.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { Context } from "../../runtime/index.js";
import { KeyedCombiner } from "../../runtime/shuffle/combine.js";
import { KeyMap } from "../../runtime/shuffle/keys.js";
import { defaultCodec } from "../../runtime/shuffle/codec.js";

const key = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(-0, NaN, 0.5, 2 ** 31, -(2 ** 31), null, undefined, true, "a", "", "0", 1n),
  fc.string({ maxLength: 2 }),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constantFrom("x", undefined)), { maxLength: 3 }),
);

/** The combining the shuffle did before: a KeyMap of [first key, combiner] entries. */
function viaKeyMap(rows: [unknown, number][]): [unknown, number[]][] {
  const map = new KeyMap<[unknown, number[]]>();
  for (const [k, v] of rows) {
    const entry = map.get(k);
    if (entry) entry[1] = [...entry[1], v];
    else map.set(k, [k, [v]]);
  }
  const out: [unknown, number[]][] = [];
  map.forEach((e) => out.push(e));
  return out;
}

function viaCombiner(rows: [unknown, number][]): [unknown, number[]][] {
  const combiner = new KeyedCombiner<number, number[]>((v) => [v], (c, v) => [...c, v]);
  for (const [k, v] of rows) combiner.add(k, v);
  const out: [unknown, number[]][] = [];
  combiner.forEach((k, c) => out.push([k, c]));
  return out;
}

describe("KeyedCombiner", () => {
  test("property: same keys (as first seen, -0 and NaN included), same combined values, same order as a KeyMap", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer()), { maxLength: 60 }), (rows) => {
        const expected = viaKeyMap(rows);
        const actual = viaCombiner(rows);
        expect(actual.length).toBe(expected.length);
        actual.forEach(([k, c], i) => {
          expect(Object.is(k, expected[i]![0]) || k === expected[i]![0]).toBe(true);
          expect(c).toStrictEqual(expected[i]![1]);
        });
      }),
      { numRuns: 400 },
    );
  });

  test("keys that cannot be hashed fail as with a KeyMap", () => {
    const combiner = new KeyedCombiner<number, number>((v) => v, (a, b) => a + b);
    expect(() => combiner.add({ a: 1 }, 1)).toThrow(/plain object/);
    expect(() => new KeyMap<number>().get({ a: 1 })).toThrow(/plain object/);
  });
});

describe("codec.decodePairs", () => {
  const value = fc.oneof(fc.double(), fc.string(), fc.tuple(fc.double(), fc.boolean()), fc.constantFrom(undefined, null), fc.anything({ maxDepth: 2 }));
  test("property: the same keys and values as decode, for columnar and general blocks", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fc.integer(), fc.string()), value), { minLength: 1, maxLength: 40 }), (rows) => {
        let block: Uint8Array;
        try {
          block = defaultCodec.encode(rows);
        } catch {
          return; // not serializable: never reaches a reader
        }
        const expected = defaultCodec.decode(block);
        const pairs: unknown[] = [];
        defaultCodec.decodePairs!(block, (k, v) => pairs.push([k, v]));
        expect(pairs).toStrictEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  test("columnar blocks: exact values (-0, NaN, holes inside values, optional values)", () => {
    const rows: [number, unknown][] = [
      [1, [-0, NaN, "a"]],
      [2, [1, Infinity, "b"]],
      [3, undefined],
      [4, [2, 3, "c"]],
    ];
    const block = defaultCodec.encode(rows);
    expect(block[0]).toBe(0x43); // columnar
    const pairs: unknown[] = [];
    defaultCodec.decodePairs!(block, (k, v) => pairs.push([k, v]));
    expect(pairs).toStrictEqual(defaultCodec.decode(block));
    const holey = [[1, [1, , 3]] as [number, unknown]];
    const general = defaultCodec.encode(holey);
    const out: unknown[] = [];
    defaultCodec.decodePairs!(general, (k, v) => out.push([k, v]));
    expect(out).toStrictEqual(holey);
  });
});

describe("by-key aggregations through the combiner", () => {
  test("reduceByKey, foldByKey, aggregateByKey, combineByKey (with and without map-side combine) and groupByKey against a plain reference", async () => {
    const ctx = new Context({ defaultParallelism: 4, progress: false });
    try {
      const rows: [unknown, number][] = Array.from({ length: 3000 }, (_, i) => [
        i % 7 === 0 ? [i % 3, "t"] : i % 5 === 0 ? `s${i % 4}` : i % 11 === 0 ? -0 : i % 13,
        i,
      ]);
      const reference = new Map<string, number[]>();
      for (const [k, v] of rows) {
        const id = JSON.stringify(Object.is(k, -0) ? 0 : k);
        reference.set(id, [...(reference.get(id) ?? []), v]);
      }
      const sums = [...reference].map(([k, vs]) => [k, vs.reduce((a, b) => a + b, 0)] as const).sort();
      const norm = (out: [unknown, unknown][]) => out.map(([k, v]) => [JSON.stringify(Object.is(k, -0) ? 0 : k), v] as const).sort();
      const rdd = ctx.parallelize(rows);
      expect(norm(await rdd.reduceByKey((a, b) => a + b).collect())).toEqual(sums);
      expect(norm(await rdd.foldByKey(0, (a, b) => a + b).collect())).toEqual(sums);
      expect(norm(await rdd.aggregateByKey(0, (a, v) => a + v, (a, b) => a + b).collect())).toEqual(sums);
      for (const mapSide of [true, false]) {
        const combined = await rdd.combineByKey((v) => v, (c, v) => c + v, (a, b) => a + b, undefined, mapSide).collect();
        expect(norm(combined)).toEqual(sums);
      }
      const groups = (await rdd.groupByKey().collect()).map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)] as [unknown, number[]]);
      expect(norm(groups)).toEqual([...reference].map(([k, vs]) => [k, vs] as const).sort());
    } finally {
      await ctx.stop();
    }
  });
});
