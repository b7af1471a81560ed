/**
 * `readOnly: true` (the consumers only read): a broadcast table keeps its build side as columns and hands
 * each joined row its own copy of the value (HashTable.ofColumns). The results must equal the reference's,
 * and the plain table's, for every shape the columnar codec carries; blocks it cannot carry as columns fall
 * back to the plain table.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { JoinOptions, RDD } from "../../runtime/index.js";
import { PairColumns } from "../../runtime/shuffle/codec.js";
import { AdaptiveCodec } from "../../runtime/index.js";
import { shapedRowArb } from "../helpers/arbitraries.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

type P = [unknown, unknown];
const TYPES = ["inner", "leftOuter", "rightOuter"] as const;

function runJoin(left: RDD<P>, right: RDD<P>, type: (typeof TYPES)[number], options: JoinOptions): Promise<unknown[]> {
  if (type === "inner") return left.join(right, options).collect();
  if (type === "leftOuter") return left.leftOuterJoin(right, options).collect();
  return left.rightOuterJoin(right, options).collect();
}

const keyArb = fc.integer({ min: 0, max: 4 });
const rowsArb = <V>(value: fc.Arbitrary<V>) => fc.array(fc.tuple(keyArb, value) as fc.Arbitrary<P>, { maxLength: 30 });
/** One shape per side (so the codec writes columns): records with optionals, strings, numbers of both kinds, booleans. */
const sidesArb = fc.oneof(
  fc.record({ left: rowsArb(shapedRowArb), right: rowsArb(shapedRowArb) }),
  fc.record({ left: rowsArb(fc.integer()), right: rowsArb(fc.tuple(fc.double(), fc.boolean())) }),
  fc.record({ left: rowsArb(fc.string()), right: rowsArb(fc.option(fc.record({ s: fc.string(), n: fc.integer() }), { nil: null })) }),
  fc.record({ left: rowsArb(fc.integer()), right: rowsArb(fc.oneof(fc.integer(), fc.string())) }), // mixed: no columns
);

describe("readOnly broadcast tables", () => {
  it("agree with the reference and with the plain table, for every join type and strategy", async () => {
    await fc.assert(
      fc.asyncProperty(sidesArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), async ({ left, right }, lp, rp) => {
        const ctx = testContext({ workers: 0, broadcastThreshold: 2 ** 40 });
        for (const type of TYPES) {
          const expected = ref.join(left, right, type);
          for (const strategy of ["broadcast", "auto"] as const) {
            const side = () => [ctx.parallelize(left, lp), ctx.parallelize(right, rp)] as const;
            const fresh = await runJoin(...side(), type, { strategy, readOnly: true });
            expectSamePairs(fresh, expected);
            expectSamePairs(await runJoin(...side(), type, { strategy }), fresh);
            expect(ctx.lastJob!.joins[0]!.strategy).toMatch(/^broadcast-/);
          }
        }
        await stopContexts();
      }),
      { numRuns: 60 },
    );
  });

  it("give each match its own copy of a build row's value; the plain table shares one", async () => {
    const ctx = testContext({ workers: 0 });
    const left: P[] = [[1, "a"], [1, "b"]];
    const right: P[] = [[1, { n: 1, s: "x" }]];
    const values = async (readOnly: boolean) => {
      const rows = (await ctx.parallelize(left).join(ctx.parallelize(right), { strategy: "broadcast", readOnly }).values().collect()) as [string, object][];
      expect(ctx.lastJob!.joins[0]!.strategy).toBe("broadcast-right");
      return rows.map(([, r]) => r);
    };
    const [a, b] = await values(true);
    expect(a).toEqual({ n: 1, s: "x" });
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    const [c, d] = await values(false);
    expect(c).toBe(d);
  });

  it("PairColumns reads columnar pair blocks of one shape only", () => {
    const codec = new AdaptiveCodec();
    const block = (rows: unknown[]) => codec.encode(rows);
    const ints = block([[1, [2, "a"]], [3, [4, "b"]]]);
    const doubles = block([[5.5, [6.25, "c"]]]);
    const columns = PairColumns.of([ints, doubles]);
    // i32 and f64 columns of one shape join into one float64 column: the same numbers
    expect(columns?.n).toBe(3);
    expect([0, 1, 2].map((i) => columns!.valueAt(i))).toEqual([[2, "a"], [4, "b"], [6.25, "c"]]);
    const keys: unknown[] = [];
    columns!.readKeys({ addKey: (k) => keys.push(k) });
    expect(keys).toEqual([1, 3, 5.5]);
    expect(PairColumns.of([ints, block([[1, { a: 1 }]])])).toBeUndefined(); // two shapes
    expect(PairColumns.of([block([1, 2, 3])])).toBeUndefined(); // not pairs
  });
});
