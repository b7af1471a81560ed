/**
 * The report's per-site effect: bytes per shuffled value before and after a projection, estimated from the
 * static types alone (no data is looked at). Sizes follow msgpack, the shuffle codec's row format: a number
 * at most 9 bytes (a float64), a boolean / null / undefined 1, a string its header plus a length the types
 * do not know (so "≥ 1"), an object a 3-byte header (msgpackr always writes map16) and each kept key plus
 * its value, a tuple or array a 1-byte header.
 * Numbers count 9 bytes (small integers take fewer); "≥" marks a size that grows with the data (strings,
 * arrays, other objects counted at their headers). The columnar codec can be smaller: the estimate says
 * which fields a shuffle stops carrying and about what they weigh, not a measurement.
 */
import type * as ts from "typescript";
import type { FileContext } from "../context.js";
import type { SizeEstimate, ValueEstimate } from "../report/types.js";
import { plainObjectProperties, tupleElements } from "../analyse/types.js";
import type { Shape } from "./shape.js";

const exact = (bytes: number): SizeEstimate => ({ bytes, atLeast: false });
const atLeast = (bytes: number): SizeEstimate => ({ bytes, atLeast: true });
const sum = (parts: readonly SizeEstimate[], header = 0): SizeEstimate => ({
  bytes: parts.reduce((n, p) => n + p.bytes, header),
  atLeast: parts.some((p) => p.atLeast),
});

/** msgpack's header for a string or map key of `length` UTF-8 bytes. */
function stringHeader(length: number): number {
  return length < 32 ? 1 : length < 256 ? 2 : length < 65536 ? 3 : 5;
}

function keySize(name: string): number {
  const length = Buffer.byteLength(name, "utf8");
  return stringHeader(length) + length;
}

const MAX_DEPTH = 6;

/** The estimated encoded size of a value of `type` (the part `shape` keeps of it). */
export function estimateSize(fc: FileContext, type: ts.Type, shape: Shape = { kind: "keep" }, depth = 0): SizeEstimate {
  const { ts, checker } = fc;
  if (shape.kind === "none") return exact(1); // undefined
  if (depth > MAX_DEPTH) return atLeast(1);
  const f = type.flags;
  if (type.isStringLiteral()) return exact(keySize(type.value));
  if (f & (ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike)) return f & ts.TypeFlags.NumberLiteral ? exact(numberSize((type as ts.NumberLiteralType).value)) : exact(9);
  if (f & (ts.TypeFlags.BooleanLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return exact(1);
  if (f & ts.TypeFlags.StringLike) return atLeast(1);
  if (type.isUnion()) {
    const sizes = type.types.map((t) => estimateSize(fc, t, { kind: "keep" }, depth + 1));
    const least = Math.min(...sizes.map((s) => s.bytes));
    return { bytes: least, atLeast: sizes.some((s) => s.atLeast || s.bytes !== least) };
  }
  const elements = tupleElements(fc, type);
  if (elements) {
    if (shape.kind === "tuple") return sum(shape.elements.map((e) => estimateSize(fc, elements[e.from]!, e.shape, depth + 1)), 1);
    return sum(elements.map((t) => estimateSize(fc, t, { kind: "keep" }, depth + 1)), 1);
  }
  if (checker.isArrayType(type)) return atLeast(1); // the element count is data
  const properties = plainObjectProperties(fc, type);
  if (properties) {
    const kept = shape.kind === "object" ? shape.properties : properties.map((p) => ({ name: p.name, shape: { kind: "keep" } as Shape }));
    return sum(
      kept.map((k) => {
        const symbol = properties.find((p) => p.name === k.name);
        const value = symbol ? estimateSize(fc, checker.getTypeOfSymbol(symbol), k.shape, depth + 1) : atLeast(1);
        // an optional property may be absent: then neither its key nor its value is written
        const optional = symbol && symbol.flags & ts.SymbolFlags.Optional;
        return optional ? atLeast(0) : sum([exact(keySize(k.name)), value]);
      }),
      3, // msgpackr writes every object header as a map16
    );
  }
  return atLeast(1); // a Date, a Map, a class instance...: its size is data
}

function numberSize(value: number): number {
  if (!Number.isInteger(value)) return 9;
  if (value >= -32 && value <= 127) return 1;
  if (value >= -128 && value <= 255) return 2;
  if (value >= -32768 && value <= 65535) return 3;
  if (value >= -(2 ** 31) && value <= 2 ** 32 - 1) return 5;
  return 9;
}

/** The effect of projecting values of `type` to `shape`, per value shuffled. */
export function estimateProjection(fc: FileContext, type: ts.Type, shape: Shape, arriving: Shape = { kind: "keep" }): ValueEstimate {
  const before = estimateSize(fc, type, arriving);
  const after = estimateSize(fc, type, shape);
  if (arriving.kind !== "keep") {
    // values already arrive pruned by an earlier projection: what this one adds is the difference
    return { before, after, saved: { bytes: Math.max(0, before.bytes - after.bytes), atLeast: before.atLeast || after.atLeast } };
  }
  return { before, after, saved: droppedSize(fc, type, shape, 0) };
}

/** What the parts `shape` drops of a value of `type` weigh (headers stay: a pruned tuple is still an array). */
function droppedSize(fc: FileContext, type: ts.Type, shape: Shape, depth: number): SizeEstimate {
  const { checker } = fc;
  if (shape.kind === "keep" || depth > MAX_DEPTH) return exact(0);
  if (shape.kind === "none") {
    const whole = estimateSize(fc, type, { kind: "keep" }, depth);
    return { bytes: Math.max(0, whole.bytes - 1), atLeast: whole.atLeast };
  }
  const elements = tupleElements(fc, type);
  if (elements && shape.kind === "tuple") {
    return sum(
      elements.map((element, index) => {
        const kept = shape.elements.find((e) => e.from === index);
        return kept ? droppedSize(fc, element, kept.shape, depth + 1) : estimateSize(fc, element, { kind: "keep" }, depth + 1);
      }),
    );
  }
  const properties = plainObjectProperties(fc, type);
  if (properties && shape.kind === "object") {
    return sum(
      properties.map((property) => {
        const kept = shape.properties.find((p) => p.name === property.name);
        const value = checker.getTypeOfSymbol(property);
        if (kept) return droppedSize(fc, value, kept.shape, depth + 1);
        if (property.flags & fc.ts.SymbolFlags.Optional) return atLeast(0);
        return sum([exact(keySize(property.name)), estimateSize(fc, value, { kind: "keep" }, depth + 1)]);
      }),
    );
  }
  return atLeast(0);
}

/** "≥ 12 B" / "9 B". */
export function formatSize(size: SizeEstimate): string {
  return `${size.atLeast ? "≥ " : ""}${size.bytes} B`;
}

/** One line for the reports: "≥ 46 B → 10 B per value, ≥ 36 B saved (static estimate from the types)". */
export function describeEstimate(estimate: ValueEstimate): string {
  return `${formatSize(estimate.before)} → ${formatSize(estimate.after)} per value, ${formatSize(estimate.saved)} saved (static estimate from the types)`;
}
