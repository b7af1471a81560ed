/**
 * Under "auto", a broadcast join replaces a shuffle, so its consumers get what the shuffle would have handed
 * them: fresh copies of the streamed side's keys and values, never the program's own objects (unless the
 * transformer proved, with `inPlace: true`, that no consumer can tell). shuffleCopier(codec) is that copy:
 * exactly codec.decode(codec.encode([value]))[0].
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AdaptiveCodec, Context, MsgpackCodec, V8Codec, type Codec } from "../../runtime/index.js";
import { shuffleCopier } from "../../runtime/shuffle/codec.js";
import { keyArb, shapedRowArb, valueArb } from "../helpers/arbitraries.js";

type Row = [number, number[]];

function setup(): { ctx: Context; rows: Row[]; small: Row[] } {
  const ctx = new Context({ workers: 0, defaultParallelism: 3 });
  const rows: Row[] = Array.from({ length: 300 }, (_, i) => [i % 10, [i, i + 1]]);
  const small: Row[] = Array.from({ length: 10 }, (_, i) => [i, [100 * i]]);
  return { ctx, rows, small };
}

async function mutatingJoin(strategy: "shuffle" | "auto" | "broadcast", inPlace?: boolean): Promise<{ out: number[]; rows: Row[]; strategyTaken: string | undefined }> {
  const { ctx, rows, small } = setup();
  const joined = ctx.parallelize(rows).join(ctx.parallelize(small), { strategy, ...(inPlace ? { inPlace } : {}) });
  const out = await joined
    .mapValues(([l, r]) => {
      l[0] = l[0]! + r[0]!; // a consumer writing into the value it was handed
      return l[0];
    })
    .values()
    .collect();
  return { out: out.sort((a, b) => a - b), rows, strategyTaken: ctx.lastJob?.joins[0]?.strategy };
}

describe('"auto" broadcast hands the streamed side on as a shuffle would', () => {
  it("a consumer mutating streamed values leaves the program's rows alone, as under a shuffle", async () => {
    const shuffled = await mutatingJoin("shuffle");
    const auto = await mutatingJoin("auto");
    expect(auto.strategyTaken).toBe("broadcast-right");
    expect(auto.out).toEqual(shuffled.out);
    expect(auto.rows).toEqual(shuffled.rows);
    expect(auto.rows[0]).toEqual([0, [0, 1]]);
  });

  it("inPlace: true and an explicit broadcast stream the program's own objects (documented)", async () => {
    for (const run of [await mutatingJoin("auto", true), await mutatingJoin("broadcast")]) {
      expect(run.strategyTaken).toBe("broadcast-right");
      expect(run.rows[1]![1][0]).toBe(101); // mutated in place
    }
  });

  it("object keys of the streamed side are copies too; the results equal the shuffle's", async () => {
    const ctx = new Context({ workers: 0, defaultParallelism: 2 });
    const key = [1, "a"] as [number, string];
    const left: [[number, string], { n: number }][] = Array.from({ length: 50 }, (_, i) => [i === 0 ? key : [i, "a"], { n: i }]);
    const right: [[number, string], number][] = [[[1, "a"], 7]];
    const run = async (strategy: "shuffle" | "auto") => {
      const got = await ctx.parallelize(left).join(ctx.parallelize(right), { strategy }).collect();
      return { got, strategyTaken: ctx.lastJob?.joins[0]?.strategy };
    };
    const auto = await run("auto");
    const shuffled = await run("shuffle");
    expect(auto.strategyTaken).toBe("broadcast-right");
    expect(auto.got).toStrictEqual(shuffled.got);
    expect(auto.got[0]![0]).not.toBe(key);
    expect(auto.got[0]![1][0]).not.toBe(left[0]![1]);
  });
});

describe("shuffleCopier(codec) is the codec's round trip", () => {
  const codecs: [string, Codec][] = [
    ["adaptive", new AdaptiveCodec()],
    ["msgpack", new MsgpackCodec()],
    ["v8", new V8Codec()],
  ];
  for (const [name, codec] of codecs) {
    it(`${name}: equal to decode(encode([v]))[0], and a fresh object (property)`, () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(valueArb, shapedRowArb, fc.tuple(keyArb, valueArb)), { maxLength: 30 }), (values) => {
          const copy = shuffleCopier(codec);
          for (const v of values) {
            const got = copy(v);
            expect(got).toStrictEqual(codec.decode(codec.encode([v]))[0]);
            if (typeof v === "object" && v !== null) expect(got).not.toBe(v);
          }
        }),
        { numRuns: 200 },
      );
    });
  }

  it("holes, extra array properties, key order, shared and null-prototype sub-values, -0", () => {
    const codec = new AdaptiveCodec();
    const copy = shuffleCopier(codec);
    const shared = [1];
    const extra = Object.assign([1, 2], { note: "x" });
    const cases: unknown[] = [[1, 2], [1, , 3], extra, { b: 1, a: 2 }, { a: 2, b: 1 }, [shared, shared], [-0, NaN], Object.assign(Object.create(null), { a: 1 }), { a: undefined }, {}];
    for (const v of cases) expect(copy(v)).toStrictEqual(codec.decode(codec.encode([v]))[0]);
    expect(1 in (copy([1, , 3]) as unknown[])).toBe(false);
    expect(Object.keys(copy(extra) as object)).toEqual(["0", "1", "note"]);
    expect(Object.keys(copy({ b: 1, a: 2 }) as object)).toEqual(["b", "a"]);
  });

  it("reads a getter as often as the shuffle's encode does (the first value also for its shape, then once)", () => {
    let reads = 0;
    const make = () => ({
      get a() {
        reads++;
        return 1;
      },
    });
    const codec = new AdaptiveCodec();
    codec.encode([make()]);
    const encodeReads = reads;
    reads = 0;
    const copy = shuffleCopier(codec);
    expect(copy(make())).toEqual({ a: 1 });
    expect(reads).toBe(encodeReads);
    reads = 0;
    expect(copy(make())).toEqual({ a: 1 });
    expect(reads).toBe(1);
  });
});
