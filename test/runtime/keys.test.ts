/** Key semantics: by value, SameValueZero for numbers, element-wise tuples; hash, equality, map and order agree. */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { compareKeys, hashKey, keysEqual } from "../../runtime/index.js";
import { KeyMap } from "../../runtime/shuffle/keys.js";
import { keyArb } from "../helpers/arbitraries.js";
import * as ref from "../helpers/reference.js";

/** Keys drawn from a small pool, so equal pairs are common. */
const pooledKeyArb = fc.oneof(
  keyArb,
  fc.constantFrom<unknown>(0, -0, NaN, 1, 1n, "1", true, null, undefined, [], [0], [-0], [NaN], [1, "a"], [[1], "a"], [null], [undefined]),
);

describe("keys compare by value (property)", () => {
  it("keysEqual, hashKey, KeyMap and compareKeys all agree with the reference's notion of equality", () => {
    fc.assert(
      fc.property(pooledKeyArb, pooledKeyArb, (a, b) => {
        const same = ref.keyId(a) === ref.keyId(b);
        expect(keysEqual(a, b)).toBe(same);
        expect(keysEqual(b, a)).toBe(same);
        expect(compareKeys(a, b) === 0).toBe(same);
        if (same) expect(hashKey(a)).toBe(hashKey(b));
        const map = new KeyMap<string>();
        map.set(a, "a");
        expect(map.has(b)).toBe(same);
        expect(map.get(b)).toBe(same ? "a" : undefined);
        map.set(b, "b");
        expect(map.size).toBe(same ? 1 : 2);
      }),
      { numRuns: 2000 },
    );
  });

  it("compareKeys is a total order (antisymmetric, transitive) matching the documented type order", () => {
    fc.assert(
      fc.property(pooledKeyArb, pooledKeyArb, pooledKeyArb, (a, b, c) => {
        expect(Math.sign(compareKeys(a, b))).toBe(-Math.sign(compareKeys(b, a)) || 0);
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(ref.compareKeys(a, b)));
        if (compareKeys(a, b) <= 0 && compareKeys(b, c) <= 0) expect(compareKeys(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("hashes are stable 32-bit integers", async () => {
    fc.assert(
      fc.property(pooledKeyArb, (k) => {
        const h = hashKey(k);
        expect(h | 0).toBe(h); // an int32
        expect(h).toBe(hashKey(structuredClone(k)));
      }),
    );
    // no per-process state (seeds, object identity): a fresh copy of the module hashes alike
    vi.resetModules();
    const fresh = (await import("../../runtime/shuffle/keys.js")).hashKey;
    const sample: unknown[] = [0, 1, -1, 2.5, "a", "", true, null, undefined, 7n, [1, "a"]];
    expect(sample.map((k) => fresh(k))).toEqual(sample.map((k) => hashKey(k)));
  });

  it("objects, functions and symbols are not keys", () => {
    for (const bad of [{ id: 1 }, new Date(0), () => 1, Symbol("k"), new Map()]) {
      expect(() => hashKey(bad)).toThrow(/cannot be hashed or compared by value/);
      expect(() => new KeyMap().set(bad, 1)).toThrow(/tuple of these/);
    }
  });
});
