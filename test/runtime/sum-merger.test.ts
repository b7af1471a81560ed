/**
 * reduceByKey of field-wise sums (runtime/closure.ts fieldwiseSum, runtime/shuffle/combine.ts SumMerger): the
 * reduce side keeps each key's running sums in columns and reads numeric blocks in place. Checked against the
 * general MapOutputMerger with the user's function: the same keys, in the same order, and the same doubles,
 * bit for bit (the same additions in the same order), whatever the values (-0, NaN, values that are not numbers
 * midway), through the value path and the column path; end to end against an unrecognised twin of the function.
 */
import { afterEach, describe, expect, test } from "vitest";
import fc from "fast-check";
import { fieldwiseSum } from "../../runtime/closure.js";
import { COMBINED, MapOutputMerger, PREFIX, RAW, SumMerger, type ShuffleMerger } from "../../runtime/shuffle/combine.js";
import { defaultCodec } from "../../runtime/shuffle/codec.js";
import { adaptiveCombine } from "../../runtime/shuffle/exchange.js";
import { MAX_POOLED_BYTES, borrow, giveBack } from "../../runtime/shuffle/table-pool.js";
import type { Context } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";

afterEach(stopContexts);
const defaults = { ...adaptiveCombine };
afterEach(() => Object.assign(adaptiveCombine, defaults));

describe("fieldwiseSum", () => {
  test("recognises a + b and [a[i] + b[i], ...] (either way round), as arrows and function expressions", () => {
    expect(fieldwiseSum((a: number, b: number) => a + b)).toBe(0);
    expect(fieldwiseSum((x: number, y: number) => y + x)).toBe(0);
    expect(fieldwiseSum((a: number[], b: number[]) => [a[0]! + b[0]!, b[1]! + a[1]!])).toBe(2);
    expect(fieldwiseSum(function (a: number[], b: number[]) { return [a[0]! + b[0]!]; })).toBe(1); // prettier-ignore
    expect(fieldwiseSum((a: number[], b: number[]) => { return ([a[0]! + b[0]!, a[1]! + b[1]!, a[2]! + b[2]!]); })).toBe(3); // prettier-ignore
  });

  test("anything else is not a field-wise sum", () => {
    const not: Function[] = [
      (a: number, b: number) => a - b,
      (a: number, b: number) => a + b + 1,
      (a: number) => a + a,
      (a: number, b: number, c: number) => a + b + c,
      (a: number, b = 1) => a + b,
      ([a]: number[], b: number) => a! + b,
      (a: number[], b: number[]) => [a[1]! + b[1]!],
      (a: number[], b: number[]) => [a[0]! + b[1]!],
      (a: number[], b: number[]) => [a[0]! + b[0]!, a[0]! + b[0]!],
      (a: number[], b: number[]) => [a[0]! + a[0]!],
      (a: number[], b: number[]) => [a?.[0]! + b[0]!],
      (a: number[], b: number[]) => [...a, ...b],
      (a: number[], b: number[]) => [],
      (a: number[], b: number[]) => { const s = a[0]! + b[0]!; return [s]; }, // prettier-ignore
      async (a: number, b: number) => a + b,
      (a: number, b: number) => Math.max(a, b),
      ((a: number, b: number) => a + b).bind(null),
    ];
    for (const fn of not) expect(fieldwiseSum(fn), String(fn)).toBeUndefined();
  });
});

// ------------------------------------------------------------------ the mergers, side by side

type Block = { combined: [unknown, unknown][] } | { prefix: [unknown, unknown][]; raw: [unknown, unknown][][] };

const num = fc.oneof(fc.double(), fc.constantFrom(-0, 0, NaN, Infinity, 1, 2 ** 31, 0.1), fc.integer({ min: -5, max: 5 }));
const keyArb = fc.oneof(fc.integer({ min: -4, max: 12 }), fc.constantFrom(-0, NaN, 0.5, 2 ** 40), fc.constantFrom("a", "b"), fc.constant([1, "x"]));

/** Values of `fields` (0: numbers), now and then one a sum cannot hold (a string, an array of another length). */
function valueArb(fields: number, odd: boolean): fc.Arbitrary<unknown> {
  const fitting = fields === 0 ? num : fc.array(num, { minLength: fields, maxLength: fields });
  if (!odd) return fitting;
  return fc.oneof({ weight: 12, arbitrary: fitting }, { weight: 1, arbitrary: fc.constantFrom("s", [1], [1, 2, 3, 4], [2, "t"]) });
}

const uniqueKeys = (rows: [unknown, unknown][]) => {
  const seen = new Set<string>();
  return rows.filter(([k]) => {
    const id = Object.is(k, -0) ? "-0" : typeof k === "number" ? `n${k}` : JSON.stringify(k);
    return !seen.has(id) && (seen.add(id), true);
  });
};

function blocksArb(fields: number, odd: boolean, keys: fc.Arbitrary<unknown>): fc.Arbitrary<Block[]> {
  const rows = fc.array(fc.tuple(keys, valueArb(fields, odd)), { maxLength: 25 });
  const block = fc.oneof(
    rows.map((r): Block => ({ combined: uniqueKeys(r) })),
    fc.tuple(rows, fc.array(rows, { minLength: 1, maxLength: 3 })).map(([p, raw]): Block => ({ prefix: uniqueKeys(p), raw })),
  );
  return fc.array(block, { maxLength: 8 });
}

/** Reads `blocks` into `merger`: decoded values, or (columns) each part encoded and handed over as its columns where it can be. */
function feed(merger: ShuffleMerger<unknown, unknown>, blocks: Block[], columns: boolean): [unknown, unknown][] {
  const part = (rows: [unknown, unknown][], byValue: (k: unknown, v: unknown) => void, byColumns: (s: SumMerger<unknown, unknown>, bytes: Uint8Array) => boolean) => {
    if (columns && merger instanceof SumMerger && rows.length > 0) {
      const bytes = defaultCodec.encode(rows);
      if (byColumns(merger, bytes)) return;
      defaultCodec.decodePairs!(bytes, byValue);
      return;
    }
    for (const [k, v] of rows) byValue(k, v);
  };
  const viaColumns = (take: (s: SumMerger<unknown, unknown>, c: NonNullable<ReturnType<SumMerger<unknown, unknown>["columnsOf"]>>) => void) => (s: SumMerger<unknown, unknown>, bytes: Uint8Array) => {
    const c = s.columnsOf(bytes);
    if (c) take(s, c);
    return c !== undefined;
  };
  for (const b of blocks) {
    if ("combined" in b) {
      part(b.combined, (k, v) => merger.add(k, v), viaColumns((s, c) => s.addColumns(COMBINED, c)));
      continue;
    }
    merger.beginSplitBlock();
    part(b.prefix, (k, v) => merger.addPrefix(k, v), viaColumns((s, c) => s.addColumns(PREFIX, c)));
    for (const raw of b.raw) part(raw, (k, v) => merger.addRaw(k, v), viaColumns((s, c) => s.addColumns(RAW, c)));
    merger.endSplitBlock();
  }
  const out: [unknown, unknown][] = [];
  merger.forEach((k, v) => out.push([k, v]));
  return out;
}

/** Equal rows, numbers compared with Object.is (so -0, NaN and every last bit count). */
function expectIdentical(actual: unknown, expected: unknown, at = "row"): void {
  if (typeof expected === "number") {
    expect(Object.is(actual, expected), `${at}: ${String(actual)} vs ${String(expected)}`).toBe(true);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), at).toBe(true);
    expect((actual as unknown[]).length, at).toBe(expected.length);
    expected.forEach((e, i) => expectIdentical((actual as unknown[])[i], e, `${at}[${i}]`));
    return;
  }
  expect(actual, at).toStrictEqual(expected);
}

const sumOf = (fields: number) =>
  fields === 0
    ? (a: unknown, b: unknown) => (a as number) + (b as number)
    : fields === 1
      ? (a: unknown, b: unknown) => [(a as number[])[0]! + (b as number[])[0]!]
      : (a: unknown, b: unknown) => [(a as number[])[0]! + (b as number[])[0]!, (b as number[])[1]! + (a as number[])[1]!];

describe("SumMerger", () => {
  for (const fields of [0, 1, 2]) {
    test(`property (fields ${fields}): the same rows, bit for bit, as MapOutputMerger with the function, by values and by columns`, () => {
      const f = sumOf(fields);
      expect(fieldwiseSum(f)).toBe(fields);
      const fns = { createCombiner: (v: unknown) => v, mergeValue: f, mergeCombiners: f };
      fc.assert(
        fc.property(fc.boolean(), fc.boolean(), fc.boolean(), (odd, intKeys, columns) => {
          const keys = intKeys ? fc.integer({ min: 0, max: 30 }) : keyArb;
          fc.assert(
            fc.property(blocksArb(fields, odd, keys), (blocks) => {
              const expected = feed(new MapOutputMerger(fns), blocks, false);
              const actual = feed(new SumMerger(fns, fields), blocks, columns);
              expect(actual.length).toBe(expected.length);
              actual.forEach(([k, v], i) => {
                expectIdentical(k, expected[i]![0], `key ${i}`);
                expectIdentical(v, expected[i]![1], `value ${i}`);
              });
            }),
            { numRuns: 40 },
          );
        }),
        { numRuns: 8 },
      );
    });
  }

  test("past the first value a sum cannot hold, the user's function goes on from the sums so far (and its errors are its own)", () => {
    const f = (a: unknown, b: unknown) => (a as number) + (b as number);
    const fns = { createCombiner: (v: unknown) => v, mergeValue: f, mergeCombiners: f };
    const blocks: Block[] = [{ combined: [[1, 0.1], [2, 0.2]] }, { prefix: [[1, 0.3]], raw: [[[2, "x"], [1, 1n]]] }];
    expect(() => feed(new MapOutputMerger(fns), blocks, false)).toThrow(TypeError);
    expect(() => feed(new SumMerger(fns, 0), blocks, true)).toThrow(TypeError); // 0.3 + 1n, as above
    const strings: Block[] = [{ combined: [[1, 0.1], [2, 0.2]] }, { prefix: [[1, 0.3]], raw: [[[2, "x"], [1, 2]]] }];
    expect(feed(new SumMerger(fns, 0), strings, true)).toStrictEqual([[1, 0.1 + (0.3 + 2)], [2, "0.2x"]]);
  });
});

describe("table pool", () => {
  test("borrows a power of two at least as long, reuses what was given back, zeroes on request, keeps at most its cap", () => {
    const a = borrow(Float64Array, 3000);
    expect(a.length).toBe(4096);
    a.fill(7);
    giveBack(a);
    const b = borrow(Float64Array, 2049);
    expect(b === a, "the same memory again").toBe(true); // contents as left
    expect(b[0]).toBe(7);
    giveBack(b);
    const c = borrow(Float64Array, 4096, true);
    expect(c === a).toBe(true);
    expect(c.every((x) => x === 0)).toBe(true);
    const i = borrow(Int32Array, 10);
    expect(i instanceof Int32Array).toBe(true);
    expect(i.length).toBe(1024);
    const huge = borrow(Float64Array, MAX_POOLED_BYTES / 8 + 1);
    giveBack(huge); // over the cap: dropped
    expect(borrow(Float64Array, MAX_POOLED_BYTES / 8 + 1) === huge).toBe(false);
  });
});

// ------------------------------------------------------------------ end to end

describe("reduceByKey of sums, end to end", () => {
  // The same sums through a function fieldwiseSum does not recognise: the general path.
  const twin = (a: number[], b: number[]) => [a[0]! + b[0]!, a[1]! + b[1]!].slice();
  const sum = (a: number[], b: number[]) => [a[0]! + b[0]!, a[1]! + b[1]!];
  const rows = (n: number, keys: number, seed: number) =>
    Array.from({ length: n }, (_, i): [number, number] => [(i * 7919 + seed) % keys, ((i * 2654435761) % 1000) / 7 - 50 + (i % 13 === 0 ? -0 : 0)]);

  const job = (ctx: Context, data: [number, number][], f: (a: number[], b: number[]) => number[], slices: number) =>
    ctx.parallelize(data, slices).mapValues((v) => [v, 1]).reduceByKey(f, 3).collect();

  for (const [label, setting] of [
    ["combining everything", { probeRows: -1 }],
    ["stopping after 5 rows, chunks of 7", { probeRows: 5, rawAboveDistinctShare: -1, chunkRows: 7 }],
    ["the default probe", {}],
  ] as const) {
    test(`the same rows, bit for bit, as the general path: ${label}`, async () => {
      Object.assign(adaptiveCombine, defaults, setting);
      for (const [n, keys] of [[0, 1], [50, 7], [3000, 2500], [40_000, 30_000]] as const) {
        const data = rows(n, keys, n);
        const expected = await job(testContext({ workers: 0 }), data, twin, 4);
        const actual = await job(testContext({ workers: 0 }), data, sum, 4);
        expect(actual.length).toBe(expected.length);
        actual.forEach((row, i) => expectIdentical(row, expected[i]!, `row ${i}`));
      }
    });
  }

  test("values that turn into strings midway, and a spill: as the general path", async () => {
    Object.assign(adaptiveCombine, { probeRows: 3, rawAboveDistinctShare: -1, chunkRows: 4 });
    const data: [number, number | string][] = Array.from({ length: 400 }, (_, i) => [i % 150, i === 333 ? "s" : i / 3]);
    const plus = (a: number | string, b: number | string) => (a as number) + (b as number);
    const plusTwin = (a: number | string, b: number | string) => {
      const s = (a as number) + (b as number);
      return s;
    };
    const run = (f: typeof plus) => testContext({ workers: 0, shuffleMemoryBytes: 0 }).parallelize(data, 3).reduceByKey(f, 2).collect();
    expect(fieldwiseSum(plus)).toBe(0);
    expect(fieldwiseSum(plusTwin)).toBeUndefined();
    const expected = await run(plusTwin);
    const actual = await run(plus);
    actual.forEach((row, i) => expectIdentical(row, expected[i]!, `row ${i}`));
    expect(actual.some(([, v]) => typeof v === "string")).toBe(true);
  });

  test("in workers, the same rows as in process", async () => {
    const data = rows(60_000, 40_000, 1);
    const inProcess = await job(testContext({ workers: 0 }), data, sum, 4);
    const inWorkers = await job(testContext({ workers: 2, workerDispatch: "always", workerMinRows: 0 }), data, sum, 4);
    inWorkers.forEach((row, i) => expectIdentical(row, inProcess[i]!, `row ${i}`));
  }, 60_000);
});
