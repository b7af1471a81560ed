/**
 * The map side of a reduceByKey of field-wise sums (runtime/shuffle/combine.ts SumCombiner): it must hold what
 * KeyedCombiner holds after calling the user's function, key for key, in the same order, the same doubles bit
 * for bit, whatever the values (-0, NaN, strings and non-arrays midway, wrong lengths), and it must read the
 * values' fields exactly as the function reads them: the same reads in the same order (getters see it), and a
 * getter's exception reported as the function's own.
 */
import { afterEach, describe, expect, test } from "vitest";
import fc from "fast-check";
import { fieldwiseSumOf } from "../../runtime/closure.js";
import { KeyedCombiner, SumCombiner, type MapCombiner } from "../../runtime/shuffle/combine.js";
import { guard } from "../../runtime/rdd/rdd.js";
import { UserCodeError } from "../../runtime/errors.js";
import type { Context } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";

afterEach(stopContexts);

const identity = (v: unknown) => v;
const sum0 = (a: number, b: number) => a + b;
const sum2 = (a: number[], b: number[]) => [a[0]! + b[0]!, a[1]! + b[1]!];

function combiners(f: Function, fields: number): { sum: MapCombiner; generic: MapCombiner } {
  const merge = guard("reduceByKey", f as (a: unknown, b: unknown) => unknown);
  return { sum: new SumCombiner(identity, merge, fields, "reduceByKey"), generic: new KeyedCombiner<unknown, unknown>(identity, merge) };
}

/** The SumCombiner holds (or throws) what KeyedCombiner does after calling the function on the same rows. */
function expectAsFunction(f: Function, fields: number, rows: readonly [unknown, unknown][]): void {
  const { sum, generic } = combiners(f, fields);
  const expected = catching(() => contents(generic, rows));
  expect(catching(() => contents(sum, rows))).toEqual(expected);
}

function contents(combiner: MapCombiner, rows: readonly [unknown, unknown][]): [unknown, unknown][] {
  for (const [k, v] of rows) combiner.add(k, v);
  const out: [unknown, unknown][] = [];
  combiner.forEach((k, v) => out.push([k, v]));
  expect(combiner.size).toBe(out.length);
  return out;
}

const num = fc.oneof(fc.double(), fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 1, 2 ** 53, 0.1), fc.integer({ min: -5, max: 5 }));
const oddity = fc.constantFrom<unknown>("s", "", null, undefined, true, {}, [], 7n);
const keyArb = fc.oneof(fc.integer({ min: -3, max: 9 }), fc.constantFrom(-0, NaN, 0.5, "a"), fc.constant([1, "x"]));

describe("fieldwiseSumOf", () => {
  test("says whether every field reads the first argument first", () => {
    expect(fieldwiseSumOf(sum2)).toEqual({ fields: 2, firstOperandFirst: true });
    expect(fieldwiseSumOf((a: number[], b: number[]) => [a[0]! + b[0]!, b[1]! + a[1]!])).toEqual({ fields: 2, firstOperandFirst: false });
    expect(fieldwiseSumOf((a: number, b: number) => b + a)).toEqual({ fields: 0, firstOperandFirst: false });
    expect(fieldwiseSumOf((a: number, b: number) => a - b)).toBeUndefined();
  });
});

describe("SumCombiner against KeyedCombiner with the user's function", () => {
  test("a + b: numbers, and anything else midway", () => {
    const value = fc.oneof({ weight: 6, arbitrary: num }, { weight: 1, arbitrary: oddity });
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, value), { maxLength: 60 }), (rows) => {
        expectAsFunction(sum0, 0, rows);
      }),
      { numRuns: 300 },
    );
  });

  test("[a[0] + b[0], a[1] + b[1]]: arrays of numbers, strings, holes, wrong lengths and non-arrays midway", () => {
    const field = fc.oneof({ weight: 8, arbitrary: num }, { weight: 1, arbitrary: oddity });
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(num, num) },
      { weight: 1, arbitrary: fc.tuple(field, field) },
      { weight: 1, arbitrary: fc.array(num, { maxLength: 3 }) },
      { weight: 1, arbitrary: oddity },
      { weight: 1, arbitrary: num },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, value), { maxLength: 60 }), (rows) => {
        expectAsFunction(sum2, 2, rows);
      }),
      { numRuns: 300 },
    );
  });

  test("arrays only, with an odd field now and then: the sums, then the function's values from the first odd sum on", () => {
    const field = fc.oneof({ weight: 12, arbitrary: num }, { weight: 1, arbitrary: fc.constantFrom<unknown>("s", "", null, undefined, true, 7n) });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.tuple(field, field)), { maxLength: 60 }), (rows) => {
        expectAsFunction(sum2, 2, rows);
      }),
      { numRuns: 300 },
    );
  });

  test("a key's only value is held as it came (the same object), as KeyedCombiner holds it", () => {
    const only = [1, 2];
    const { sum } = combiners(sum2, 2);
    expect(contents(sum, [["k", only]])[0]![1]).toBe(only);
  });

  test("reads the values' fields as the function does: the same getters, in the same order, as often", () => {
    const withGetters = (log: string[], tag: string, fields: number[]) => {
      const a: number[] = [];
      fields.forEach((v, i) => Object.defineProperty(a, i, { get: () => (log.push(`${tag}[${i}]`), v), enumerable: true }));
      return a;
    };
    const rowsFor = (log: string[]): [unknown, unknown][] => [
      ["k", withGetters(log, "v1", [1, 2])],
      ["j", withGetters(log, "w1", [5, 6])],
      ["k", withGetters(log, "v2", [3, 4])],
      ["k", withGetters(log, "v3", [0.5, 0.25])],
    ];
    const logs = { sum: [] as string[], generic: [] as string[] };
    const { sum, generic } = combiners(sum2, 2);
    const fromGeneric = contents(generic, rowsFor(logs.generic));
    const fromSum = contents(sum, rowsFor(logs.sum));
    expect(logs.sum).toEqual(logs.generic);
    expect(logs.sum).toEqual(["v1[0]", "v2[0]", "v1[1]", "v2[1]", "v3[0]", "v3[1]"]);
    expect(fromSum[0]).toEqual(fromGeneric[0]);
    expect(fromSum[0]).toEqual(["k", [4.5, 6.25]]);
  });

  test("a getter's exception is the function's: UserCodeError of reduceByKey with the original", () => {
    const boom = new RangeError("getter");
    const bad: number[] = [];
    Object.defineProperty(bad, 0, { get: () => { throw boom; } }); // prettier-ignore
    for (const { sum, generic } of [combiners(sum2, 2)]) {
      for (const combiner of [generic, sum]) {
        combiner.add("k", [1, 2]);
        let caught: unknown;
        try {
          combiner.add("k", bad);
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(UserCodeError);
        expect((caught as UserCodeError).operation).toBe("reduceByKey");
        expect((caught as UserCodeError).original).toBe(boom);
      }
    }
  });

  test("a string field midway: from there on the function's values, concatenations included", () => {
    const rows: [unknown, unknown][] = [
      ["k", [1, 2]],
      ["k", [3, "x"]],
      ["k", [1, 1]],
      ["j", [2, 2]],
      ["j", [2, 2]],
      ["j", ["y", 1]],
    ];
    const { sum, generic } = combiners(sum2, 2);
    expect(contents(sum, rows)).toEqual(contents(generic, rows));
    expect(contents(combiners(sum2, 2).sum, rows)).toEqual([
      ["k", [5, "2x1"]],
      ["j", ["4y", 5]],
    ]);
  });
});

describe("reduceByKey end to end", () => {
  test("the same rows as an unrecognised twin of the function", async () => {
    const ctx: Context = testContext();
    const rows: [number, [number, number]][] = Array.from({ length: 5_000 }, (_, i) => [i % 37, [i / 7, i % 3 === 0 ? -0 : 1]]);
    const recognised = ctx.parallelize(rows, 4).reduceByKey((a, b) => [a[0] + b[0], a[1] + b[1]]);
    const unrecognised = ctx.parallelize(rows, 4).reduceByKey((a, b) => {
      const s: [number, number] = [a[0] + b[0], a[1] + b[1]];
      return s;
    });
    const sort = (out: [number, [number, number]][]) => out.sort((x, y) => x[0] - y[0]);
    expect(sort(await recognised.collect())).toEqual(sort(await unrecognised.collect()));
  });
});

/** The value, or the error's class and message: both combiners must fail alike where they fail. */
function catching<T>(f: () => T): T | { threw: string } {
  try {
    return f();
  } catch (e) {
    const original = e instanceof UserCodeError ? e.original : e;
    return { threw: `${e instanceof UserCodeError ? `UserCodeError(${e.operation}) ` : ""}${(original as Error)?.constructor?.name}: ${(original as Error)?.message}` };
  }
}
