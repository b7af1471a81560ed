/**
 * Field names for lineage. A field is a path into a row: tuple positions are written `_1`, `_2`, ... (as
 * Spark names tuple columns), object properties by name, nested parts joined with dots (`_2.address.country`).
 * A row that is neither a tuple nor a plain object (a string, a number, an array, a class) is one field,
 * `value` (as Spark names the column of a Dataset of primitives). Arrays are one field: their elements are
 * not addressed.
 */
import type * as ts from "typescript";
import type { FileContext } from "../context.js";
import { ELEMENT, all, isAll, type All, type Demand } from "../analyse/demand.js";
import { plainObjectProperties } from "../analyse/types.js";

export const WHOLE_ROW = "value";
/** Types nested deeper than this are one field (recursive types would not end). */
const MAX_DEPTH = 8;

/** A field of a row: `keys` are the demand keys on the way ("1", "city"), `name` the dotted path. */
export interface FieldPath {
  keys: readonly string[];
  name: string;
}

/** What is observed of one input field: its whole value (with why) or only whether it is there / truthy. */
export interface ObservedField extends FieldPath {
  observed: "value" | "presence";
  /** The reason of the All demand that reached the field (undefined for presence). */
  reason?: string;
  /** The All instance itself: lineage compares it with the seed to tell identity from transformation. */
  all?: Demand;
}

const positionName = (key: string): string => `_${Number(key) + 1}`;
const join = (prefix: string, part: string): string => (prefix ? `${prefix}.${part}` : part);

/** The parts of a type that are fields of their own: tuple elements and plain-object properties. */
function partsOf(fc: FileContext, type: ts.Type): { key: string; name: string; type: ts.Type }[] | undefined {
  const { checker } = fc;
  const t = checker.getNonNullableType(type);
  if (checker.isTupleType(t)) {
    return checker.getTypeArguments(t as ts.TypeReference).map((element, i) => ({ key: String(i), name: positionName(String(i)), type: element }));
  }
  const properties = plainObjectProperties(fc, t);
  return properties?.map((p) => ({ key: p.name, name: p.name, type: checker.getTypeOfSymbol(p) }));
}

/** Every leaf field of a row type, in declaration order. */
export function leafFields(fc: FileContext, type: ts.Type | undefined, keys: readonly string[] = [], name = "", depth = 0): FieldPath[] {
  const parts = type && depth < MAX_DEPTH ? partsOf(fc, type) : undefined;
  if (!parts || parts.length === 0) return [{ keys, name: name || WHOLE_ROW }];
  return parts.flatMap((p) => leafFields(fc, p.type, [...keys, p.key], join(name, p.name), depth + 1));
}

/**
 * The input fields a demand on rows of `type` observes. An All demand on a part with fields of its own
 * observes every leaf under it (the whole value); a demand reaching into array elements observes the array.
 */
export function observedFields(fc: FileContext, type: ts.Type | undefined, demand: Demand): ObservedField[] {
  const out: ObservedField[] = [];
  const visit = (t: ts.Type | undefined, d: Demand, keys: string[], name: string, depth: number): void => {
    if (d === null) return;
    if (isAll(d)) {
      for (const leaf of leafFields(fc, t, keys, name, depth)) out.push({ ...leaf, observed: "value", reason: d.reason, all: d });
      return;
    }
    const parts = t && depth < MAX_DEPTH ? partsOf(fc, t) : undefined;
    // a leaf of a known type (a string's `.length`, an array's elements): what is read of it reads the leaf
    const knownLeaf = t !== undefined && !parts && !(t.flags & (fc.ts.TypeFlags.Any | fc.ts.TypeFlags.Unknown));
    if (d.size === 0 || d.has(ELEMENT) || knownLeaf) {
      // presence of a leaf, or anything of an array (its elements are not fields of their own)
      if (d.size === 0 && parts?.length) return; // a structure that is only tested for presence feeds nothing
      const whole = firstAll(d);
      out.push(whole ? { keys, name: name || WHOLE_ROW, observed: "value", reason: whole.reason, all: whole } : { keys, name: name || WHOLE_ROW, observed: "presence" });
      return;
    }
    for (const [key, child] of d) {
      const part = parts?.find((p) => p.key === key);
      if (parts && !part) {
        // a tuple's `.length` reads none of its fields; any other unlisted part of a typed structure: all of it
        if (key !== "length" || !fc.checker.isTupleType(fc.checker.getNonNullableType(t!))) visit(t, all(`\`.${key}\` of the value is read`), keys, name, depth);
        continue;
      }
      // a part of a value whose type lists none (any): named from the key, numbers as positions
      const partName = part?.name ?? (/^(0|[1-9]\d*)$/.test(key) ? positionName(key) : key);
      visit(part?.type, child, [...keys, key], join(name, partName), depth + 1);
    }
  };
  visit(type, demand, [], "", 0);
  return out;
}

function firstAll(d: Demand): All | undefined {
  if (d === null) return undefined;
  if (isAll(d)) return d;
  for (const child of d.values()) {
    const found = firstAll(child);
    if (found) return found;
  }
  return undefined;
}

/** The demand that observes exactly one field (`seed` at its leaf). */
export function demandOnField(keys: readonly string[], seed: Demand): Demand {
  let demand: Demand = seed;
  for (let i = keys.length - 1; i >= 0; i--) demand = new Map([[keys[i]!, demand as Exclude<Demand, null>]]);
  return demand;
}

/** The element type T of an `RDD<T>` expression, if the checker knows it. */
export function rowTypeOf(fc: FileContext, rdd: ts.Expression): ts.Type | undefined {
  const type = fc.checker.getTypeAtLocation(rdd);
  if (type.getSymbol()?.name !== "RDD") return undefined;
  return fc.checker.getTypeArguments(type as ts.TypeReference)[0];
}
