/** projectValues: the transformer's projections as data, compiled once, guarded at every level. */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { Context, InvalidArgumentError, type JobFailedError } from "../../runtime/index.js";
import { compileProjection, type ValueProjection } from "../../runtime/rdd/projection.js";

class Point {
  constructor(readonly x: number, readonly y: number) {}
}

describe("compileProjection", () => {
  test("tuples keep the listed elements in order; null leaves an empty position", () => {
    expect(compileProjection([3, 0])([10, 11, 12, 13])).toEqual([13, 10]);
    expect(compileProjection([null, 1])([10, 11])).toEqual([undefined, 11]);
    expect(compileProjection([])([1, 2])).toEqual([]);
  });

  test("a projection written anew (a literal in a job run again) reuses the function compiled for an equal one", () => {
    const first = compileProjection([2, [0, { a: true }]]);
    expect(compileProjection([2, [0, { a: true }]])).toBe(first);
    expect(compileProjection([[0, { a: true }], 2])).not.toBe(first);
    // the cache is by generated source, after validation: [null] is valid, [undefined] (the same JSON) is not
    expect(compileProjection([null])([1])).toEqual([undefined]);
    expect(() => compileProjection([undefined as unknown as null])).toThrow(InvalidArgumentError);
  });

  test("nested tuples and objects", () => {
    const project = compileProjection([[1, { a: true, w: [2] }], 0]);
    expect(project(["k", { a: 1, b: 2, w: [5, 6, 7] }])).toEqual([{ a: 1, w: [7] }, "k"]);
  });

  test("null, undefined and primitives pass unchanged at every level (types that lie)", () => {
    const project = compileProjection({ w: { amount: true } });
    expect(project(undefined)).toBeUndefined();
    expect(project(null)).toBeNull();
    expect(project({ w: undefined, x: 1 })).toEqual({ w: undefined });
    expect(project({ w: null })).toEqual({ w: null });
    expect(compileProjection([[0, [1]]])([5])).toEqual([5]);
  });

  test("values that are not plain data pass whole, so the codec sees them as without the projection", () => {
    const point = new Point(1, 2);
    expect(compileProjection({ x: true })(point)).toBe(point);
    // a null-prototype object is plain data: projected like any other (the downstream reads were renumbered for it)
    const bare = Object.assign(Object.create(null) as object, { x: 1, y: [5, 6] });
    expect(compileProjection({ y: [1] })(bare)).toEqual({ y: [6] });
    const map = new Map([[1, 2]]);
    expect(compileProjection([0])(map)).toBe(map);
  });

  test("a tuple type backed by a plain object is projected by index", () => {
    expect(compileProjection([1])({ 0: "a", 1: "b" })).toEqual(["b"]);
  });

  test("odd property names are data, not code", () => {
    // a quoted "__proto__" key in a literal would set the prototype: the spec comes from JSON, as the transformer's computed key does
    const project = compileProjection(JSON.parse('{"__proto__": true, "a\\"b": true, "x y": true}') as ValueProjection);
    const value = JSON.parse('{"__proto__": 1, "a\\"b": 2, "x y": 3, "z": 4}') as object;
    const out = project(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__", 'a"b', "x y"]);
    expect(out["a\"b"]).toBe(2);
  });

  test("an invalid projection is a clear error", () => {
    expect(() => compileProjection([1.5] as unknown as ValueProjection)).toThrow(InvalidArgumentError);
    expect(() => compileProjection({ a: "x" } as unknown as ValueProjection)).toThrow(/not a projection entry/);
  });

  test("property: projecting a random tuple equals picking its elements", () => {
    fc.assert(
      fc.property(fc.array(fc.anything(), { maxLength: 8 }), fc.array(fc.nat(7), { maxLength: 8 }), (row, picks) => {
        const indices = picks.filter((i) => i < row.length);
        expect(compileProjection(indices)(row)).toEqual(indices.map((i) => row[i]));
      }),
    );
  });
});

describe("rdd.projectValues", () => {
  test("matches a plain-array reference, and non-pair rows pass unchanged", async () => {
    const ctx = new Context({ defaultParallelism: 3 });
    try {
      const rows: [number, [number, string, number]][] = Array.from({ length: 50 }, (_, i) => [i % 7, [i, `s${i}`, i * 2]]);
      const out = await ctx.parallelize(rows).projectValues<number, [number, string, number], [number]>([2]).collect();
      expect(out).toEqual(rows.map(([k, v]) => [k, [v[2]]]));
      const odd = await ctx.parallelize<[number, [number, number]]>([[1, [1, 2]], [3, 4, 5] as unknown as [number, [number, number]]]).projectValues([1]).collect();
      expect(odd).toEqual([[1, [2]], [3, 4, 5]]);
    } finally {
      await ctx.stop();
    }
  });
});

describe("a projection keeps its input's size known", () => {
  test("an auto join of a projected parallelized side decides from a sample, without computing partitions", async () => {
    const ctx = new Context({ defaultParallelism: 4, progress: false, broadcastThreshold: 1 << 20 });
    try {
      let mapped = 0;
      const big = ctx.parallelize(Array.from({ length: 20_000 }, (_, i): [number, [number, string]] => [i % 100, [i, "x".repeat(20)]])).map((row) => {
        mapped++;
        return row;
      });
      const small = ctx.parallelize(Array.from({ length: 100 }, (_, i): [number, [number, string, string]] => [i, [i, "long text ".repeat(20), "y"]])).projectValues<number, [number, string, string], [number]>([0]);
      const n = await big.join(small, { strategy: "auto" }).count();
      expect(n).toBe(20_000);
      const decision = ctx.lastJob!.joins[0]!;
      expect(decision.strategy).toBe("broadcast-right");
      expect(decision.reason).toMatch(/right side/);
      // the unknown big side is measured only until it passes the small side's known (projected) size
      expect(decision.left?.partitionsMeasured ?? 0).toBeLessThanOrEqual(1);
      expect(decision.right?.partitionsMeasured).toBe(decision.right?.partitions);
      expect(mapped).toBe(20_000); // the big side was streamed once, never computed to estimate it
    } finally {
      await ctx.stop();
    }
  });
});

describe("a shuffle of projected values", () => {
  test("skips the codec's array checks on the fresh value arrays and gives the same rows", async () => {
    const ctx = new Context({ defaultParallelism: 3, progress: false });
    try {
      const rows = Array.from({ length: 3000 }, (_, i): [number, [number, string, number]] => [i % 17, [i, `s${i % 5}`, i / 4]]);
      const grouped = await ctx.parallelize(rows).projectValues<number, [number, string, number], [number, number]>([0, 2]).groupByKey().collect();
      const expected = new Map<number, [number, number][]>();
      for (const [k, v] of rows) expected.set(k, [...(expected.get(k) ?? []), [v[0], v[2]]]);
      expect(new Map(grouped.map(([k, vs]) => [k, [...vs].sort((a, b) => a[0] - b[0])]))).toEqual(expected);
    } finally {
      await ctx.stop();
    }
  });
});

describe("a fused projection in the shuffle writer", () => {
  const cases: Record<string, unknown[]> = {
    arrays: Array.from({ length: 500 }, (_, i) => [i, `s${i}`, i / 3, i % 2 === 0]),
    "nulls and undefined": Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? null : i % 11 === 0 ? undefined : [i, `s${i}`, i / 3, true])),
    "plain objects typed as tuples": Array.from({ length: 500 }, (_, i) => ({ 0: i, 1: `s${i}`, 2: i / 3, 3: false })),
    "sparse arrays": Array.from({ length: 500 }, (_, i) => {
      const a: unknown[] = [i];
      a[3] = i;
      return a;
    }),
    "class instances (handed on whole, as without the projection)": Array.from({ length: 5 }, (_, i) => (i === 3 ? new (class Box { x = 1 })() : [i, "a", 1, true])),
  };
  for (const [name, values] of Object.entries(cases)) {
    test(`${name}: the same rows as projecting first, or the same error`, async () => {
      const ctx = new Context({ defaultParallelism: 3, progress: false });
      const project = compileProjection([2, 0]);
      const rows = values.map((v, i): [number, unknown] => [i % 13, v]);
      const run = async () =>
        (await ctx.parallelize(rows).projectValues<number, unknown, unknown>([2, 0]).partitionBy(new (await import("../../runtime/index.js")).HashPartitioner(4)).collect()).map((r) => JSON.stringify(r)).sort();
      try {
        const expected = rows.map(([k, v]) => JSON.stringify([k, project(v)])).sort();
        if (name.startsWith("class")) {
          await expect(run()).rejects.toThrow(/Box|class|instance/i);
        } else {
          expect(await run()).toEqual(expected);
        }
      } finally {
        await ctx.stop();
      }
    });
  }
});

describe("a projected side streamed by a broadcast join", () => {
  test("reads of the kept parts are the same whether the projection ran or not", async () => {
    const ctx = new Context({ defaultParallelism: 3, progress: false, broadcastThreshold: 1 << 20 });
    try {
      const big = Array.from({ length: 5000 }, (_, i): [number, [number, string, number]] => [i % 50, [i, `s${i}`, i * 2]]);
      const small = Array.from({ length: 50 }, (_, i): [number, [number, string]] => [i, [i, `k${i}`]]);
      const read = async (strategy: "broadcast" | "shuffle", projection: [number] | [number, number]) =>
        (
          await ctx
            .parallelize(big)
            .projectValues<number, [number, string, number], number[]>(projection)
            .join(ctx.parallelize(small), { strategy })
            .mapValues(([l, r]) => `${l[0]}/${l[projection.length - 1]}/${r[1]}`)
            .collect()
        ).sort();
      // [0] keeps positions (the stream is not projected); [2, 0] does not (projected in the probe)
      expect(await read("broadcast", [0])).toEqual(await read("shuffle", [0]));
      expect(await read("broadcast", [2, 0])).toEqual(await read("shuffle", [2, 0]));
      expect(ctx.lastJob!.joins[0]!.strategy).toBe("shuffle");
    } finally {
      await ctx.stop();
    }
  });
});

describe("projectValues(null): a value nothing reads, dropped", () => {
  const odd: unknown[] = [0, -0, NaN, "", "s", true, null, undefined, 10n, [1, [2]], { a: 1 }, Object.create(null), []];
  const notData: unknown[] = [new Point(1, 2), () => 1, Symbol("s"), new Map([[1, 2]]), new Date(0), new (class Sub extends Array {})()];

  test("data becomes undefined; functions, symbols, class instances and Array subclasses pass whole", () => {
    const drop = compileProjection(null);
    for (const v of odd) expect(drop(v)).toBeUndefined();
    for (const v of notData) expect(drop(v)).toBe(v);
    // nested: an element or property projected to null is dropped with the same guard
    expect(compileProjection([0, [1, null]])([7, [1, 2]])).toEqual([7, undefined]);
    expect(compileProjection({ a: true, b: null })({ a: 1, b: { c: 2 } })).toEqual({ a: 1, b: undefined });
    const point = new Point(0, 0);
    expect(compileProjection([[0, null]])([point])).toEqual([point]);
  });

  for (const strategy of ["shuffle", "broadcast", "auto"] as const) {
    test(`${strategy} join: the same keys and counts as the unprojected values, fewer bytes`, async () => {
      const ctx = new Context({ defaultParallelism: 3, progress: false });
      try {
        const left = Array.from({ length: 3000 }, (_, i): [number, unknown] => [i % 97, odd[i % odd.length]]);
        const right = Array.from({ length: 200 }, (_, i): [number, unknown] => [i % 120, `r${i}`.repeat(i % 5)]);
        const keys = async (l: boolean) => {
          const a = ctx.parallelize(left);
          const b = ctx.parallelize(right);
          const joined = l ? a.projectValues(null).join(b.projectValues(null), { strategy }) : a.join(b, { strategy });
          const out = (await joined.keys().collect()).sort((x, y) => x - y);
          return { out, bytes: ctx.lastJob!.shuffleBytesWritten, values: l ? await a.projectValues(null).join(b.projectValues(null), { strategy }).values().collect() : [] };
        };
        const whole = await keys(false);
        const dropped = await keys(true);
        expect(dropped.out).toEqual(whole.out);
        // (a broadcast streams its big side unprojected: nothing reads the values, so the whole ones serve)
        if (strategy === "shuffle") {
          expect(dropped.values.every(([x, y]) => x === undefined && y === undefined)).toBe(true);
          expect(dropped.bytes).toBeLessThan(whole.bytes);
        }
      } finally {
        await ctx.stop();
      }
    });
  }

  test("a value the codec cannot carry still fails the shuffle, as without the projection", async () => {
    const ctx = new Context({ defaultParallelism: 2, progress: false });
    try {
      const rows: [number, unknown][] = [[1, 1], [2, new Point(1, 2)], [3, 3]];
      const plain = ctx.parallelize(rows).partitionBy(new (await import("../../runtime/index.js")).HashPartitioner(2)).count();
      const dropped = ctx.parallelize(rows).projectValues(null).partitionBy(new (await import("../../runtime/index.js")).HashPartitioner(2)).count();
      // the failure names the operation it names without the projection, with the same cause
      const failure = (job: Promise<number>) =>
        job.then(
          () => ({ operation: "none", cause: "" }),
          (e: JobFailedError) => ({ operation: e.operation, cause: e.message.slice(e.message.indexOf("): ") + 3) }),
        );
      const expected = await failure(plain);
      expect(expected.operation).toBe("parallelize");
      expect(expected.cause).toMatch(/Point/);
      expect(await failure(dropped)).toEqual(expected);
    } finally {
      await ctx.stop();
    }
  });
});
