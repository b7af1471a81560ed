/**
 * Flat projections fused into the shuffle writer (codec.encodePartitionedPicked): object projections as well
 * as tuple projections. Every case is checked against the plain path (project each row, then encode), with
 * exact equality: holes, extra properties, prototypes, -0, NaN and undefined vs missing all count.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { Context, HashPartitioner } from "../../runtime/index.js";
import { defaultCodec, type FusedPick } from "../../runtime/shuffle/codec.js";
import { compileProjection, type ValueProjection } from "../../runtime/rdd/projection.js";

const PARTITIONS = 3;

function fusedPickOf(spec: ValueProjection): FusedPick {
  return Array.isArray(spec) ? (spec as readonly number[]) : { keys: Object.keys(spec) };
}

/** Decoded blocks of the fused writer (or undefined when it declines), and of the plain path. */
function encodeBoth(values: readonly unknown[], spec: ValueProjection) {
  const project = compileProjection(spec);
  const rows = values.map((v, i): [number, unknown] => [i, v]);
  const ids = rows.map((_, i) => i % PARTITIONS);
  const view = (row: unknown) => [(row as [number, unknown])[0], project((row as [number, unknown])[1])];
  const fused = defaultCodec.encodePartitionedPicked!(rows, ids, PARTITIONS, fusedPickOf(spec), view);
  const plain = (): unknown[][] => defaultCodec.encodePartitioned!(rows.map(view), ids, PARTITIONS).map((b) => (b.byteLength ? defaultCodec.decode(b) : []));
  return { fused: fused?.map((b) => (b.byteLength ? defaultCodec.decode(b) : [])), plain };
}

function nullProto(o: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, o);
}

class Box {
  f0 = 1;
}

const objectCases: Record<string, { values: unknown[]; spec: ValueProjection; fused: boolean }> = {
  "plain objects, extra properties dropped": {
    values: Array.from({ length: 300 }, (_, i) => ({ f0: i, f1: `s${i}`, f2: i / 3, f3: i % 2 === 0 })),
    spec: { f2: true, f0: true },
    fused: true,
  },
  "missing properties become own undefined": {
    values: Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? { f1: i } : { f0: i, f1: -i })),
    spec: { f0: true, f1: true },
    fused: true,
  },
  "-0, NaN, Infinity and undefined values": {
    values: [{ f0: -0 }, { f0: NaN }, { f0: Infinity }, { f0: undefined }, { f0: 0 }, { f0: null }],
    spec: { f0: true },
    fused: true,
  },
  "keys in another order, integer-like keys": {
    values: Array.from({ length: 50 }, (_, i) => ({ b: i, 1: i * 2, a: `x${i}` })),
    spec: { b: true, 1: true },
    fused: true,
  },
  "null and undefined values pass whole": {
    values: Array.from({ length: 100 }, (_, i) => (i % 5 === 0 ? null : i % 7 === 0 ? undefined : { f0: i, f1: i })),
    spec: { f1: true },
    fused: true,
  },
  "null-prototype objects are projected like plain ones": {
    values: Array.from({ length: 100 }, (_, i) => (i % 2 ? nullProto({ f0: i, f1: 2 }) : { f0: i, f1: 3 })),
    spec: { f0: true },
    fused: true,
  },
  "arrays pass whole (holes and extra properties kept)": {
    values: [{ f0: 1 }, Object.assign([1, , 3], { extra: "x" }), [4, 5], { f0: 2 }],
    spec: { f0: true },
    fused: false,
  },
  "nested values of kept properties keep their exactness": {
    values: [{ f0: [1, , 3] }, { f0: Object.assign([1], { x: 1 }) }, { f0: nullProto({ a: 1 }) }, { f0: [2, 3, 4] }],
    spec: { f0: true },
    fused: false,
  },
  "mixed shapes merge": {
    values: Array.from({ length: 100 }, (_, i) => ({ f0: i % 10 === 0 ? `s${i}` : i, f1: 1 })),
    spec: { f0: true },
    fused: false,
  },
  "__proto__ in the projection": {
    values: [{ ["__proto__"]: 1, a: 2 }, { a: 3 }].map((o) => Object.defineProperty({ a: o.a }, "__proto__", { value: 7, enumerable: true })),
    spec: JSON.parse('{"__proto__": true, "a": true}') as ValueProjection,
    fused: false,
  },
};

describe("object projections fused into the shuffle writer (codec level)", () => {
  for (const [name, { values, spec, fused: expectFused }] of Object.entries(objectCases)) {
    test(name, () => {
      const { fused, plain } = encodeBoth(values, spec);
      if (expectFused) expect(fused).toBeDefined();
      if (fused) expect(fused).toStrictEqual(plain());
    });
  }

  test("tuple projections still fuse, with holes and extra properties handled as the plain path", () => {
    const values = [[1, 2, 3], Object.assign([4, 5, 6], { x: 1 }), [7, , 9], [[1, , 2], 0, 0], { 0: 1, 2: 3 }];
    const { fused, plain } = encodeBoth(values, [2, 0]);
    if (fused) expect(fused).toStrictEqual(plain());
    const simple = encodeBoth(Array.from({ length: 50 }, (_, i) => [i, -0, NaN]), [2, 1]);
    expect(simple.fused).toBeDefined();
    expect(simple.fused).toStrictEqual(simple.plain());
  });

  test("property: random values and random flat object projections give what projecting first gives", () => {
    const keys = fc.constantFrom("a", "b", "c", "0", "7");
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.dictionary(keys, fc.anything({ maxDepth: 2 }), { maxKeys: 4 }), fc.anything({ maxDepth: 2 })), { maxLength: 30 }),
        fc.uniqueArray(keys, { maxLength: 4 }),
        (values, kept) => {
          const spec = Object.fromEntries(kept.map((k) => [k, true])) as ValueProjection;
          let expected: unknown[][] | Error;
          try {
            expected = encodeBoth(values, spec).plain();
          } catch (e) {
            expected = e as Error;
          }
          let fused: unknown[][] | undefined;
          try {
            fused = encodeBoth(values, spec).fused;
          } catch (e) {
            // the fused writer declines what it cannot take; it never throws where the plain path succeeds
            expect(expected).toBeInstanceOf(Error);
            return;
          }
          if (fused) expect(fused).toStrictEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("object projections fused into the shuffle writer (end to end)", () => {
  const exactRows = async (ctx: Context, values: unknown[], spec: ValueProjection, fuse: boolean) => {
    const project = compileProjection(spec);
    const base = ctx.parallelize(values.map((v, i): [number, unknown] => [i, v]));
    const projected = fuse ? base.projectValues<number, unknown, unknown>(spec) : base.mapValues((v) => project(v));
    const rows = await projected.partitionBy(new HashPartitioner(4)).collect();
    return rows.sort((a, b) => a[0] - b[0]);
  };
  for (const [name, { values, spec }] of Object.entries(objectCases)) {
    test(`${name}: the same rows as projecting with mapValues`, async () => {
      const ctx = new Context({ defaultParallelism: 3, progress: false });
      try {
        expect(await exactRows(ctx, values, spec, true)).toStrictEqual(await exactRows(ctx, values, spec, false));
      } finally {
        await ctx.stop();
      }
    });
  }

  test("a class instance fails as it does without the projection", async () => {
    const ctx = new Context({ defaultParallelism: 2, progress: false });
    try {
      const values = [{ f0: 1 }, new Box(), { f0: 2 }];
      await expect(exactRows(ctx, values, { f0: true }, true)).rejects.toThrow(/Box/);
      await expect(exactRows(ctx, values, { f0: true }, false)).rejects.toThrow(/Box/);
    } finally {
      await ctx.stop();
    }
  });
});

describe("a fused projectValues(null)", () => {
  const valueSets: Record<string, unknown[]> = {
    primitives: Array.from({ length: 400 }, (_, i) => [i, `s${i}`, i % 2 === 0, null, undefined, -0, NaN][i % 7]),
    "arrays and plain objects": Array.from({ length: 400 }, (_, i) => (i % 2 ? [i, [i]] : { a: i, b: Object.create(null) as object })),
    "a class instance among data (handed on whole)": Array.from({ length: 50 }, (_, i) => (i === 31 ? new Box() : i)),
    "a function among data": Array.from({ length: 50 }, (_, i) => (i === 7 ? () => i : i)),
  };
  for (const [name, values] of Object.entries(valueSets)) {
    test(`${name}: the fused writer gives what projecting first gives, or declines`, () => {
      const project = compileProjection(null);
      const rows = values.map((v, i): [number, unknown] => [i, v]);
      const ids = rows.map((_, i) => i % PARTITIONS);
      const view = (row: unknown) => [(row as [number, unknown])[0], project((row as [number, unknown])[1])];
      const fused = defaultCodec.encodePartitionedPicked!(rows, ids, PARTITIONS, "none", view);
      const dataOnly = !name.startsWith("a ");
      if (dataOnly) {
        expect(fused).toBeDefined();
        const decoded = fused!.map((b) => (b.byteLength ? defaultCodec.decode(b) : []));
        const plain = defaultCodec.encodePartitioned!(rows.map(view), ids, PARTITIONS).map((b) => (b.byteLength ? defaultCodec.decode(b) : []));
        expect(decoded).toEqual(plain);
        expect(decoded.flat().every((r) => (r as unknown[])[1] === undefined)).toBe(true);
      } else {
        // the writer leaves the batch to the general path, where the codec rejects the value as without the projection
        expect(fused).toBeUndefined();
      }
    });
  }
});
