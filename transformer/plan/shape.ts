/**
 * Shapes: what a pruned value looks like relative to the original. A tuple lists the original index of
 * each element it keeps (in order), an object the properties it keeps; "keep" is the value unchanged, "none"
 * the value dropped (`undefined`: nothing downstream observes it). "array" only describes values downstream
 * (grouped values), never a projection.
 */
import type * as ts from "typescript";
import { Unsupported, type FileContext } from "../context.js";
import { isAll, isUnobserved, type All, type Demand, type Fields } from "../analyse/demand.js";
import { isDataType, plainObjectProperties, tupleElements } from "../analyse/types.js";

export { tupleElements } from "../analyse/types.js";

export type Shape =
  | { kind: "keep" }
  | { kind: "tuple"; length: number; elements: { from: number; shape: Shape }[] }
  | { kind: "object"; properties: { name: string; shape: Shape }[]; total: number }
  | { kind: "array"; element: Shape }
  | { kind: "none" };

export const KEEP: Shape = { kind: "keep" };
export const NONE: Shape = { kind: "none" };
export type Mode = "compact" | "stable";

/**
 * The shape of a shuffle input's value of `type` demanded as `demand`: NONE when nothing observes the value
 * and it is data (dropping anything else would make a job succeed that fails at the shuffle without the
 * plugin), else projectionShape.
 */
export function valueShape(fc: FileContext, type: ts.Type, demand: Demand, mode: Mode): Shape {
  if (isUnobserved(demand)) return isDataType(fc, type) ? NONE : KEEP;
  return projectionShape(fc, type, demand, mode);
}

/**
 * The smallest shape that still holds everything `demand` reads of a value of `type`, or KEEP. "compact"
 * renumbers tuple elements; "stable" keeps every index (drops only trailing elements) so no downstream
 * index changes.
 */
export function projectionShape(fc: FileContext, type: ts.Type, demand: Demand, mode: Mode): Shape {
  if (isAll(demand)) return KEEP;
  const tuple = tupleElements(fc, type);
  if (tuple) return tupleShape(fc, tuple, demand, mode);
  const properties = plainObjectProperties(fc, type);
  if (properties) return objectShape(fc, properties, demand, mode);
  return KEEP;
}

function tupleShape(fc: FileContext, elements: readonly ts.Type[], demand: Exclude<Demand, All>, mode: Mode): Shape {
  const wanted: Fields = demand ?? new Map();
  const indices: number[] = [];
  for (const key of wanted.keys()) {
    const index = Number(key);
    if (!Number.isInteger(index) || String(index) !== key || index < 0 || index >= elements.length) return KEEP;
    indices.push(index);
  }
  indices.sort((a, b) => a - b);
  const kept =
    mode === "compact" ? indices : indices.length ? Array.from({ length: indices[indices.length - 1] + 1 }, (_, i) => i) : [];
  // a dropped part that may not be data would make the job succeed where it fails at the shuffle without the plugin
  if (elements.some((type, i) => !kept.includes(i) && !isDataType(fc, type))) return KEEP;
  const shape: Shape = {
    kind: "tuple",
    length: elements.length,
    elements: kept.map((from) => ({
      from,
      shape: wanted.has(String(from)) ? projectionShape(fc, elements[from], wanted.get(String(from)) ?? null, mode) : KEEP,
    })),
  };
  return isKeep(shape) ? KEEP : shape;
}

function objectShape(fc: FileContext, properties: readonly ts.Symbol[], demand: Exclude<Demand, All>, mode: Mode): Shape {
  const wanted: Fields = demand ?? new Map();
  const names = new Set(properties.map((p) => p.name));
  for (const key of wanted.keys()) if (!names.has(key)) return KEEP;
  const kept = properties.filter((p) => wanted.has(p.name));
  if (properties.some((p) => !wanted.has(p.name) && !isDataType(fc, fc.checker.getTypeOfSymbol(p)))) return KEEP;
  const shape: Shape = {
    kind: "object",
    total: properties.length,
    properties: kept.map((p) => ({
      name: p.name,
      shape: projectionShape(fc, fc.checker.getTypeOfSymbol(p), wanted.get(p.name) ?? null, mode),
    })),
  };
  return isKeep(shape) ? KEEP : shape;
}

/**
 * What a projection to `shape` really outputs when its input arrives already pruned to `arriving` (both
 * relative to the original type): the parts `shape` keeps whole stay as upstream left them. A tuple
 * element upstream removed becomes an `undefined` hole (only where `shape` keeps it whole for its
 * position: upstream demand covers everything downstream reads, so the hole is never read).
 */
export function composeShapes(shape: Shape, arriving: Shape): Shape {
  if (arriving.kind === "keep" || shape.kind === "none") return shape;
  if (shape.kind === "keep") return arriving;
  if (arriving.kind === "none") throw new Unsupported("upstream pruning dropped the value, which is read");
  if (shape.kind === "tuple" && arriving.kind === "tuple") {
    return {
      ...shape,
      elements: shape.elements.map((element) => {
        const upstream = arriving.elements.find((a) => a.from === element.from);
        if (upstream) return { from: element.from, shape: composeShapes(element.shape, upstream.shape) };
        if (element.shape.kind !== "keep") throw new Unsupported(`upstream pruning removed element ${element.from}, which is read`);
        return element;
      }),
    };
  }
  if (shape.kind === "object" && arriving.kind === "object") {
    return {
      ...shape,
      properties: shape.properties.map((property) => {
        const upstream = arriving.properties.find((a) => a.name === property.name);
        if (!upstream) throw new Unsupported(`upstream pruning removed \`${property.name}\``);
        return { name: property.name, shape: composeShapes(property.shape, upstream.shape) };
      }),
    };
  }
  throw new Unsupported(`a ${shape.kind} projection meets a value arriving as ${arriving.kind}`);
}

/** True when the shape keeps the whole value. */
export function isKeep(shape: Shape): boolean {
  switch (shape.kind) {
    case "keep":
      return true;
    case "tuple":
      return shape.elements.length === shape.length && shape.elements.every((e, i) => e.from === i && isKeep(e.shape));
    case "object":
      return shape.properties.length === shape.total && shape.properties.every((p) => isKeep(p.shape));
    case "array":
      return isKeep(shape.element);
    case "none":
      return false;
  }
}

/** True when no tuple element changes position, so code reading the value needs no rewrite. */
export function keepsPositions(shape: Shape): boolean {
  switch (shape.kind) {
    case "keep":
      return true;
    case "tuple":
      return shape.elements.every((e, i) => e.from === i && keepsPositions(e.shape));
    case "object":
      return shape.properties.every((p) => keepsPositions(p.shape));
    case "array":
      return keepsPositions(shape.element);
    case "none":
      return true; // nothing reads it
  }
}

/** Number of leaf fields a shape keeps of a value (for "strictly fewer fields"). */
export function describeShape(shape: Shape): string {
  switch (shape.kind) {
    case "keep":
      return "*";
    case "tuple":
      return `[${shape.elements.map((e) => (e.shape.kind === "keep" ? String(e.from) : `${e.from}:${describeShape(e.shape)}`)).join(", ")}] of ${shape.length}`;
    case "object":
      return `{${shape.properties.map((p) => (p.shape.kind === "keep" ? p.name : `${p.name}: ${describeShape(p.shape)}`)).join(", ")}} of ${shape.total}`;
    case "array":
      return `${describeShape(shape.element)}[]`;
    case "none":
      return "nothing";
  }
}
