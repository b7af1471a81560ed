/**
 * One value semantics under every path: whatever shape a batch takes through
 * the codec (columnar, msgpackr, v8 with fix-ups), decode(encode(batch))
 * gives back every value exactly — holes, extra array properties
 * (RegExpMatchArray), null prototypes, -0, NaN, undefined vs absent, lone
 * surrogates — alone or among ordinary rows; and a broadcast join delivers
 * exactly what a shuffle join does, keys with holes included (a hole in a
 * composite key is the same key element as `undefined`, see keys.ts).
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { AdaptiveCodec, MsgpackCodec, SerializationError, V8Codec, hashKey, keysEqual, compareKeys, type Codec, type Context, type RDD } from "../../runtime/index.js";
import { KeyIndex, KeyMap } from "../../runtime/shuffle/keys.js";
import { HashTable } from "../../runtime/join/hash-join.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { valueArb } from "../helpers/arbitraries.js";

afterEach(stopContexts);

// ---------------------------------------------------------------- strict deep equality

const show = (v: unknown): string => {
  try {
    return typeof v === "bigint" ? `${v}n` : typeof v === "string" ? JSON.stringify(v) : Object.is(v, -0) ? "-0" : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
};

/**
 * The first difference between two values, or undefined when they are the
 * same value: numbers by Object.is (-0 is not 0, NaN is NaN); objects by
 * prototype, own property keys in order (so a hole differs from undefined,
 * an absent property from an undefined one, and an array's extra properties
 * count), property enumerability and values; Maps and Sets entry by entry in
 * order; Dates by time; typed arrays byte by byte. Cycles are followed once.
 */
function difference(a: unknown, b: unknown, path = "value", seen = new Map<object, object>()): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (typeof a !== "object" || a === null || b === null) return Object.is(a, b) ? undefined : `${path}: ${show(a)} vs ${show(b)}`;
  const x = a as object;
  const y = b as object;
  if (seen.has(x)) return seen.get(x) === y ? undefined : `${path}: a cycle closes on different objects`;
  seen.set(x, y);
  if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) {
    const name = (o: object) => (Object.getPrototypeOf(o) === null ? "null" : (Object.getPrototypeOf(o).constructor?.name ?? "?"));
    return `${path}: prototype ${name(x)} vs ${name(y)}`;
  }
  if (Array.isArray(x) !== Array.isArray(y)) return `${path}: array vs not an array`;
  if (x instanceof Date) return Object.is(x.getTime(), (y as Date).getTime()) ? undefined : `${path}: ${x.getTime()} vs ${(y as Date).getTime()}`;
  if (ArrayBuffer.isView(x)) {
    const u = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const v = new Uint8Array((y as ArrayBufferView).buffer, (y as ArrayBufferView).byteOffset, (y as ArrayBufferView).byteLength);
    return u.length === v.length && u.every((byte, i) => byte === v[i]) ? undefined : `${path}: bytes differ`;
  }
  if (x instanceof Map) {
    const ex = [...x];
    const ey = [...(y as Map<unknown, unknown>)];
    if (ex.length !== ey.length) return `${path}: Map size ${ex.length} vs ${ey.length}`;
    for (let i = 0; i < ex.length; i++) {
      const d = difference(ex[i]![0], ey[i]![0], `${path}<key ${i}>`, seen) ?? difference(ex[i]![1], ey[i]![1], `${path}.get(${show(ex[i]![0])})`, seen);
      if (d) return d;
    }
  } else if (x instanceof Set) {
    const ex = [...x];
    const ey = [...(y as Set<unknown>)];
    if (ex.length !== ey.length) return `${path}: Set size ${ex.length} vs ${ey.length}`;
    for (let i = 0; i < ex.length; i++) {
      const d = difference(ex[i], ey[i], `${path}<element ${i}>`, seen);
      if (d) return d;
    }
  }
  const kx = Reflect.ownKeys(x);
  const ky = Reflect.ownKeys(y);
  if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return `${path}: own keys [${kx.map(String).join(",")}] vs [${ky.map(String).join(",")}]`;
  for (const k of kx) {
    const dx = Object.getOwnPropertyDescriptor(x, k)!;
    const dy = Object.getOwnPropertyDescriptor(y, k)!;
    if (dx.enumerable !== dy.enumerable) return `${path}.${String(k)}: enumerable ${dx.enumerable} vs ${dy.enumerable}`;
    const d = difference(dx.value, dy.value, Array.isArray(x) && typeof k === "string" && /^\d+$/.test(k) ? `${path}[${k}]` : `${path}.${String(k)}`, seen);
    if (d) return d;
  }
  return undefined;
}

function expectSame(actual: unknown, expected: unknown): void {
  const d = difference(actual, expected);
  if (d) expect.fail(d);
}

/** Both collections hold the same values (by {@link difference}), each as many times, in any order. */
function expectSameMultiset(actual: readonly unknown[], expected: readonly unknown[]): void {
  expect(actual.length, "row count").toBe(expected.length);
  const left = [...expected];
  for (const row of actual) {
    const at = left.findIndex((e) => difference(row, e) === undefined);
    if (at === -1) {
      // The expected rows that agree with it longest (the deepest first difference).
      const closest = left
        .map((e) => difference(row, e, "row")!)
        .sort((a, b) => b.indexOf(":") - a.indexOf(":"))
        .slice(0, 3);
      expect.fail(`unexpected row ${describeRow(row)}; closest expected rows differ at: ${closest.join(" | ")}`);
    }
    left.splice(at, 1);
  }
}

const describeRow = (row: unknown) => {
  try {
    return JSON.stringify(row, (_, v) => (typeof v === "bigint" ? `${v}n` : v === undefined ? "<undefined>" : v));
  } catch {
    return String(row);
  }
};

describe("the strict equality helper", () => {
  it("tells apart what the codec must keep apart", () => {
    const np = Object.create(null) as Record<string, unknown>;
    np.a = 1;
    const pairs: [unknown, unknown][] = [

      [[1, , 3], [1, undefined, 3]],
      [Object.assign([1], { x: 1 }), [1]],
      [np, { a: 1 }],
      [-0, 0],
      [{ a: undefined }, {}],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      ["\uD800", "\uFFFD"],
      [new Map([[1, 2]]), { 1: 2 }],
      [new Set([1, 2]), new Set([2, 1])],
    ];
    for (const [a, b] of pairs) {
      expect(difference(a, b)).toBeDefined();
      expect(difference(a, structuredCloneExact(a))).toBeUndefined();
    }
    expect(difference(NaN, NaN)).toBeUndefined();
  });
});

/** structuredClone plus the null prototypes it drops (for the helper's own test). */
function structuredCloneExact<T>(v: T): T {
  if (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === null) return Object.assign(Object.create(null), structuredClone({ ...v })) as T;
  return structuredClone(v);
}

// ---------------------------------------------------------------- odd values

function nullProto(entries: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, entries);
}

/** Fresh copies of every odd value, by name. */
function oddValues(): [string, unknown][] {
  const sparseTail: unknown[] = [];
  sparseTail[5] = "x"; // holes 0..4
  const longSparse: unknown[] = [1];
  longSparse[1000] = 2;
  const withProto = nullProto({ a: 1 });
  withProto["__proto__"] = 5; // an own key named __proto__ on a null-prototype object
  const nullProtoArray = Object.setPrototypeOf([1, 2], null) as unknown[];
  const cyclic: unknown[] = [1];
  cyclic.push(cyclic);
  const matchAll = [..."a1 b2".matchAll(/(?<letter>[a-z])(?<digit>\d)/g)];
  return [
    ["a hole in the middle", [1, , 3]],
    ["only holes", [, ,]],
    ["a hole next to undefined", [undefined, , undefined]],
    ["holes before the last element", sparseTail],
    ["a long sparse array", longSparse],
    ["an array with an extra property", Object.assign([1, 2], { x: 1 })],
    ["an empty array with an extra property", Object.assign([], { note: "n" })],
    ["a sparse array with an extra property", Object.assign([1, , 3], { y: [4] })],
    ["an extra property holding a null-prototype object", Object.assign(["k"], { meta: nullProto({ z: 1 }) })],
    ["a RegExpMatchArray with named groups", "a1b2".match(/(?<d>\d)/)],
    ["a RegExpMatchArray without groups", "abc".match(/b/)],
    ["a RegExpMatchArray with indices (d flag)", /(?<d>\d)(x)?/d.exec("z5")],
    ["matchAll results", matchAll],
    ["an empty null-prototype object", nullProto()],
    ["a null-prototype object", nullProto({ a: 1, b: "s" })],
    ["a null-prototype object with an own __proto__ key", withProto],
    ["a null-prototype array", nullProtoArray],
    ["a tuple holding a sparse array", [1, [2, , 4], "s"]],
    ["an object holding a RegExpMatchArray", { id: 1, m: "xy".match(/(?<c>y)/) }],
    ["a tuple holding null-prototype objects", [nullProto({ a: 1 }), [nullProto()], { inner: nullProto({ b: 2 }) }]],
    ["a Map next to a sparse array", { m: new Map([[1, "a"]]), a: [1, , 3], s: "x" }],
    ["a Map next to a null-prototype object", { m: new Map<unknown, unknown>([[nullProto({ k: 1 }), nullProto({ v: 2 })]]), o: nullProto({ a: 1 }) }],
    ["a Set next to an extra property", { s: new Set([1, nullProto()]), a: Object.assign([1], { x: 2 }) }],
    ["-0", -0],
    ["-0 in a tuple", [-0, 1]],
    ["NaN", NaN],
    ["NaN in an object", { x: NaN, y: [NaN] }],
    ["an undefined property", { a: 1, b: undefined }],
    ["an absent property", { a: 1 }],
    ["undefined elements", [undefined, undefined]],
    ["a lone surrogate", "\uD800"],
    ["a lone surrogate in a tuple", ["a\uDC00b", 1]],
    ["a lone surrogate as an object key", { ["\uDBFF"]: 1 }],
    ["a lone surrogate as an extra property's name", Object.assign([1], { ["x\uD83D"]: 1 })],
    ["a cycle", cyclic],
    ["a Buffer", Buffer.from("ab")],
    ["a Buffer next to a Uint8Array", [Buffer.from("x"), new Uint8Array([1, 2])]],
    ["a Uint8Array viewing part of a buffer", new Uint8Array(new ArrayBuffer(8), 2, 3)],
    ["an invalid Date", new Date(NaN)],

  ];
}

/** Ordinary rows in the shape of an odd one's neighbours: the fast columnar path takes a batch of only these. */
const ordinaryRows = (n: number): unknown[] => Array.from({ length: n }, (_, i) => [i, [i * 0.5, `s${i}`, i % 3], { a: i, b: "b" }]);

const codecs: [string, Codec][] = [
  ["adaptive", new AdaptiveCodec()],
  ["msgpack", new MsgpackCodec()],
  ["v8", new V8Codec()],
];

function roundTrip(codec: Codec, rows: unknown[]): unknown[] {
  return codec.decode(codec.encode(rows));
}

describe("decode(encode(batch)) reproduces odd values exactly", () => {
  const cases = oddValues();

  it.each(codecs)("%s: each odd value alone, as a row and as a pair's value", (_, codec) => {
    for (const [name, value] of cases) {
      const d = difference(roundTrip(codec, [value]), [value]) ?? difference(roundTrip(codec, [[7, value]]), [[7, value]]);
      if (d) expect.fail(`${name}: ${d}`);
    }
  });

  it.each(codecs)("%s: each odd value among ordinary rows, at the start, middle and end", (_, codec) => {
    for (const [name, value] of cases) {
      for (const odd of [value, [1, [value, "s", 2], { a: 1, b: "b" }], [1, [0.5, "s", 2], { a: value, b: "b" }]]) {
        for (const at of [0, 5, 10]) {
          const rows = ordinaryRows(10);
          rows.splice(at, 0, odd);
          const d = difference(roundTrip(codec, rows), rows);
          if (d) expect.fail(`${name} at ${at}: ${d}`);
        }
      }
    }
  });

  it("a value decodes the same whichever values share its batch, and whichever block (encodePartitioned) it lands in", () => {
    const codec = new AdaptiveCodec();
    const rows: unknown[] = [...ordinaryRows(6), ...cases.map(([, v], i) => [i, v]), ...ordinaryRows(6)];
    const alone = rows.map((r) => roundTrip(codec, [r])[0]);
    const together = roundTrip(codec, rows);
    rows.forEach((row, i) => {
      expectSame(alone[i], row);
      expectSame(together[i], row);
    });
    const partitions = 3;
    const ids = rows.map((_, i) => (i * 7) % partitions);
    const blocks = codec.encodePartitioned(rows, ids, partitions);
    const back = blocks.map((b) => (b.length === 0 ? [] : codec.decode(b)));
    for (let p = 0; p < partitions; p++) expectSame(back[p], rows.filter((_, i) => ids[i] === p));
  });

  it("pruning a Map-typed field away (which moves the batch off the v8 path) leaves its siblings as they were", () => {
    const codec = new AdaptiveCodec();

    const siblings = () => ({ holes: [1, , 3], match: "q7".match(/(?<n>\d)/), np: nullProto({ a: 1 }), z: -0, u: undefined });
    const withMap = Array.from({ length: 4 }, (_, i) => [i, { m: new Map([[i, i]]), ...siblings() }]);
    const pruned = withMap.map(([k, v]) => {
      const { m: _m, ...rest } = v as Record<string, unknown>;
      return [k, rest];
    });
    const decodedWith = roundTrip(codec, withMap) as [number, Record<string, unknown>][];
    const decodedPruned = roundTrip(codec, pruned) as [number, Record<string, unknown>][];
    expectSame(decodedWith, withMap);
    expectSame(decodedPruned, pruned);
    decodedWith.forEach(([, v], i) => {
      const { m: _m, ...rest } = v;
      expectSame(rest, decodedPruned[i]![1]);
    });
  });

  it("ordinary batches still take the columnar path; a batch with an odd row is carried exactly by another", () => {
    const codec = new AdaptiveCodec();
    const COLUMNAR = 0x43;
    expect(codec.encode(ordinaryRows(100))[0]).toBe(COLUMNAR);
    expect(codec.encode([[1, { a: 1, b: undefined }], [2, { a: 2, b: "x" }]])[0]).toBe(COLUMNAR);
    for (const [name, value] of cases) {
      const rows = [...ordinaryRows(3), [1, [value, "s", 2], { a: 1, b: "b" }]];
      const bytes = codec.encode(rows);
      const d = difference(codec.decode(bytes), rows);
      if (d) expect.fail(`${name}: ${d}`);
    }

    for (const odd of [[1, , 3], Object.assign([1, 2, 3], { x: 1 }), "a1".match(/(\d)/), [1, nullProto(), 3], [1, Object.setPrototypeOf([], null), 3]]) {
      expect(codec.encode([...ordinaryRows(3).map((r) => (r as unknown[])[1]), odd])[0]).not.toBe(COLUMNAR);
    }
  });

  it("fast-check: odd values mixed into random batches round trip exactly, in every codec", () => {
    const oddArb = fc.integer({ min: 0, max: cases.length - 1 }).map((i) => oddValues()[i]![1]);
    const rowArb = fc.oneof({ weight: 3, arbitrary: valueArb }, { weight: 1, arbitrary: oddArb }, { weight: 1, arbitrary: fc.tuple(fc.integer(), oddArb) });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 12 }), fc.array(fc.tuple(fc.integer(), fc.string()), { maxLength: 12 }), (mixed, plain) => {
        const rows = [...plain, ...mixed, ...plain];
        for (const [, codec] of codecs) {
          const back = roundTrip(codec, rows);
          const d = difference(back, rows);
          if (d) expect.fail(`${codec.name}: ${d}`);
        }
        mixed.forEach((row) => expectSame(roundTrip(codecs[0]![1], [row])[0], row));
      }),
      { numRuns: 200 },
    );
  });
});

describe("what no codec carries exactly fails alike, with the fix", () => {
  class Tagged extends Array<number> {}
  class TaggedMap extends Map<number, number> {}
  class TaggedSet extends Set<number> {}
  class TaggedDate extends Date {}
  class TaggedBytes extends Uint8Array {}
  const where = (value: unknown): unknown[][] => [
    [value],
    [[1, value]],
    [{ a: value }],
    [...ordinaryRows(3), [1, [value, "s", 2], { a: 1, b: "b" }]],
    [new Map([[1, value]])],
    [Object.assign([1], { extra: value })],
  ];

  it.each(codecs)("%s: an Array subclass, anywhere in a row, throws SerializationError naming it and the fix", (_, codec) => {
    for (const rows of where(Tagged.from([1, 2]))) {
      expect(() => codec.encode(rows)).toThrow(SerializationError);
      expect(() => codec.encode(rows)).toThrow(/Array subclass.*Array\.from/);
    }
  });

  it.each(codecs)("%s: subclasses of Map, Set, Date and Uint8Array (which would come back as the base class) throw SerializationError", (_, codec) => {
    for (const value of [new TaggedMap([[1, 2]]), new TaggedSet([1]), new TaggedDate(0), new TaggedBytes([1])]) {
      for (const rows of where(value)) expect(() => codec.encode(rows)).toThrow(/Cannot serialize .*instance of class Tagged\w+/);
    }
  });
});

describe("strings and bytes", () => {
  it("string columns of every UTF-8 width, short and long, round trip exactly on the columnar path", () => {
    const codec = new AdaptiveCodec();
    const pieces = ["", "a", "é", "€", "😀", "a😀b", "abcdefghijkl", "abcdefghijklm", "😀😀😀😀😀😀", "😀😀😀😀😀😀😀", "\u0000", "\u007f\u0080\u07ff\u0800\uffff"];
    for (const long of [false, true]) {
      const rows = pieces.map((p, i) => [i, long ? p + "x".repeat(20) : p, { s: p }]);
      const bytes = codec.encode(rows);
      expect(bytes[0]).toBe(0x43);
      expectSame(codec.decode(bytes), rows);
    }
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: "binary", maxLength: 14 }), fc.string({ unit: "grapheme", maxLength: 6 })), { maxLength: 30 }), (rows) => {
        expectSame(codec.decode(codec.encode(rows)), rows);
      }),
      { numRuns: 300 },
    );
  });

  it("a decoded Uint8Array owns its bytes: writing to it changes neither the block nor the next decode", () => {
    for (const [, codec] of codecs) {
      const bytes = codec.encode([[1, new Uint8Array([1, 2, 3])]]);
      const first = codec.decode(bytes) as [number, Uint8Array][];
      first[0]![1].fill(9);
      expectSame(codec.decode(bytes), [[1, new Uint8Array([1, 2, 3])]]);
    }
  });
});

// ---------------------------------------------------------------- keys with holes

describe("a hole in a composite key is the same key element as undefined, everywhere", () => {

  const holey = [1, , "a"];
  const undef = [1, undefined, "a"];

  it("hashKey, keysEqual, compareKeys, KeyMap, KeyIndex and HashTable agree", () => {
    expect(hashKey(holey)).toBe(hashKey(undef));
    expect(keysEqual(holey, undef)).toBe(true);
    expect(compareKeys(holey, undef)).toBe(0);
    const map = new KeyMap<string>();
    map.set(holey, "h");
    expect(map.get(undef)).toBe("h");
    const index = new KeyIndex();
    expect(index.intern(undef)).toBe(index.intern(holey));
    const table = new HashTable();
    table.add([holey, "left"]);
    expect(table.find(undef)).toBe(table.find(holey));
    expect(table.find(undef)).not.toBe(-1);

    expect(keysEqual([, ,], [undefined, undefined])).toBe(true);
    expect(keysEqual([1, , "a"], [1, null, "a"])).toBe(false);
    expect(keysEqual([1], [1, undefined])).toBe(false); // length still counts
  });

  it("holds after a codec round trip, which keeps the hole", () => {
    const [back] = new AdaptiveCodec().decode(new AdaptiveCodec().encode([[holey, 1]])) as [[unknown[], number]];
    expectSame(back[0], holey);
    expect(keysEqual(back[0], undef)).toBe(true);
  });
});

// ---------------------------------------------------------------- joins: broadcast delivers what shuffle does

type P = [unknown, unknown];
type JoinType = "inner" | "leftOuter" | "rightOuter";

/** Key equality the runtime documents: SameValueZero, element-wise for tuples, a hole reads as undefined. */
function sameKey(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a.keys()].every((i) => sameKey(a[i], b[i]));
  return a === b || (a !== a && b !== b);
}

/** Nested loops: matched rows carry the left key, unmatched rows their own. */
function referenceJoin(left: P[], right: P[], type: JoinType): unknown[] {
  const out: unknown[] = [];
  const rightMatched = right.map(() => false);
  for (const [lk, lv] of left) {
    let matched = false;
    right.forEach(([rk, rv], j) => {
      if (!sameKey(lk, rk)) return;
      matched = rightMatched[j] = true;
      out.push([lk, [lv, rv]]);
    });
    if (!matched && type === "leftOuter") out.push([lk, [lv, undefined]]);
  }
  if (type === "rightOuter") right.forEach(([rk, rv], j) => rightMatched[j] || out.push([rk, [undefined, rv]]));
  return out;
}

function runJoin(left: RDD<P>, right: RDD<P>, type: JoinType, strategy: "shuffle" | "broadcast" | "auto"): Promise<unknown[]> {
  const options = { strategy } as const;
  if (type === "inner") return left.join(right, options).collect();
  if (type === "leftOuter") return left.leftOuterJoin(right, options).collect();
  return left.rightOuterJoin(right, options).collect();
}

const joinKeys = (): unknown[] => [[1, , "a"], [1, undefined, "a"], [, ,], [undefined, undefined], [-0, "b"], [0, "b"], [NaN], 0, -0, NaN, "x", [2, , 3], [2, null, 3]];

function joinSides(leftPad: number, rightPad: number): { left: P[]; right: P[] } {
  const odd = oddValues().map(([, v]) => v);
  const left: P[] = joinKeys().map((k, i) => [k, odd[i % odd.length]]);
  const right: P[] = joinKeys()
    .reverse()
    .map((k, i) => [k, odd[(i * 5 + 3) % odd.length]]);
  right.push([[1, , "a"], "right-extra"], [[1, undefined, "a"], { r: nullProto({ q: 1 }) }], ["only-right", [1, , 2]]);
  left.push([["only-left"], Object.assign([1], { x: 1 })]);
  // Padding rows (keys no other row has) make one side clearly the smaller one, so "broadcast" picks the other.
  for (let i = 0; i < leftPad; i++) left.push([`pad-left-${i}`, "p".repeat(50)]);
  for (let i = 0; i < rightPad; i++) right.push([`pad-right-${i}`, "p".repeat(50)]);
  return { left, right };
}

describe("composite keys with holes and odd values join alike under shuffle and broadcast", () => {
  const setups: { type: JoinType; broadcast: "broadcast-left" | "broadcast-right"; leftPad: number; rightPad: number }[] = [
    { type: "inner", broadcast: "broadcast-left", leftPad: 0, rightPad: 200 },
    { type: "inner", broadcast: "broadcast-right", leftPad: 200, rightPad: 0 },
    { type: "leftOuter", broadcast: "broadcast-right", leftPad: 200, rightPad: 0 },
    { type: "rightOuter", broadcast: "broadcast-left", leftPad: 0, rightPad: 200 },
  ];

  it.each(setups)("$type with $broadcast", async ({ type, broadcast, leftPad, rightPad }) => {
    const ctx: Context = testContext({ defaultParallelism: 3 });
    const { left, right } = joinSides(leftPad, rightPad);
    const expected = referenceJoin(left, right, type);
    const l = () => ctx.parallelize(left, 3);
    const r = () => ctx.parallelize(right, 2);

    const shuffled = await runJoin(l(), r(), type, "shuffle");
    expect(ctx.lastJob!.joins.map((j) => j.strategy)).toEqual(["shuffle"]);
    const broadcasted = await runJoin(l(), r(), type, "broadcast");
    expect(ctx.lastJob!.joins.map((j) => j.strategy)).toEqual([broadcast]);

    const auto = await runJoin(l(), r(), type, "auto");

    expectSameMultiset(shuffled, expected);
    expectSameMultiset(broadcasted, expected);
    expectSameMultiset(broadcasted, shuffled);
    expectSameMultiset(auto, shuffled);
    // The hole-keyed rows met the undefined-keyed ones (and the keys kept their holes).
    const holeRows = shuffled.filter((row) => Array.isArray((row as P)[0]) && ((row as P)[0] as unknown[]).length === 3 && !(1 in ((row as P)[0] as unknown[])));
    expect(holeRows.length).toBeGreaterThan(0);
  });

  it("fast-check: random keys (holes, undefined, -0, NaN) and odd values, shuffle and broadcast agree with the reference", async () => {
    const keyArb = fc.constantFrom<() => unknown>(
      () => [1, , "a"],
      () => [1, undefined, "a"],
      () => [, 2],
      () => [undefined, 2],
      () => [-0],
      () => [0],
      () => NaN,
      () => -0,
      () => 0,
      () => "k",
    );
    const valArb = fc.oneof(valueArb, fc.integer({ min: 0, max: oddValues().length - 1 }).map((i) => oddValues()[i]![1]));
    const sideArb = fc.array(fc.tuple(keyArb, valArb).map(([k, v]) => [k(), v] as P), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(sideArb, sideArb, fc.constantFrom<JoinType>("inner", "leftOuter", "rightOuter"), async (left, right, type) => {
        const ctx = testContext({ defaultParallelism: 3 });
        const expected = referenceJoin(left, right, type);
        const shuffled = await runJoin(ctx.parallelize(left, 2), ctx.parallelize(right, 3), type, "shuffle");
        const broadcasted = await runJoin(ctx.parallelize(left, 2), ctx.parallelize(right, 3), type, "broadcast");
        expectSameMultiset(shuffled, expected);
        expectSameMultiset(broadcasted, expected);
        await stopContexts();
      }),
      { numRuns: 40 },
    );
  });
});
