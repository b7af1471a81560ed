/** fast-check arbitraries for rows: every kind of value the runtime must carry exactly, and keys it must compare by value. */
import fc from "fast-check";

export const loneSurrogateArb = fc.constantFrom("\uD800", "a\uDC00b", "\uDBFF\uDBFF", "x\uD83D");
export const stringArb = fc.oneof(fc.string(), fc.string({ unit: "binary" }), loneSurrogateArb, fc.constantFrom("", "__proto__", "é", "😀"));
export const numberArb = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 53));

export const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  numberArb,
  stringArb,
  fc.boolean(),
  fc.bigInt(),
  fc.constant(undefined),
  fc.constant(null),
  fc.date({ noInvalidDate: true }),
  fc.uint8Array({ maxLength: 4 }),
);

/** Nested tuples, arrays, plain objects, Maps and optional values of {@link leafArb}. */
export const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.tuple(tie("value"), tie("value")),
    fc.dictionary(stringArb, tie("value"), { maxKeys: 4, noNullPrototype: true }),
    fc.array(fc.tuple(fc.oneof(numberArb, stringArb), tie("value")), { maxLength: 3 }).map((entries) => new Map(entries)),
    fc.option(tie("value"), { nil: undefined }),
  ),
})).value;

/** Every kind of key: numbers (incl. -0, NaN), strings (incl. lone surrogates), booleans, bigints, null/undefined, tuples. */
export const keyArb: fc.Arbitrary<unknown> = fc.oneof(
  numberArb,
  stringArb,
  fc.boolean(),
  fc.bigInt(),
  fc.constant(null),
  fc.constant(undefined),
  fc.tuple(fc.integer(), stringArb),
  fc.tuple(fc.constantFrom(0, -0, NaN, 1), fc.option(fc.bigInt({ min: -3n, max: 3n }), { nil: undefined })),
);

/** Batches of one shape (what the columnar codec takes), with optional fields and int/float columns. */
export const shapedRowArb = fc.tuple(
  fc.oneof(fc.integer(), fc.double()),
  fc.option(stringArb, { nil: undefined }),
  fc.record(
    {
      a: fc.double(),
      b: fc.option(fc.boolean(), { nil: null }),
      c: fc.tuple(fc.integer({ min: -5, max: 5 }), fc.option(fc.string(), { nil: undefined })),
    },
    { noNullPrototype: true },
  ),
);
