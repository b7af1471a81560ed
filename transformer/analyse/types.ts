/** Type questions the analysis asks of value types: which are tuples, which are plain data objects. */
import type * as ts from "typescript";
import type { FileContext } from "../context.js";

/** Element types of a fixed tuple whose elements are all required, else undefined. */
export function tupleElements(fc: FileContext, type: ts.Type): readonly ts.Type[] | undefined {
  const { ts, checker } = fc;
  if (!checker.isTupleType(type)) return undefined;
  const target = (type as ts.TypeReference).target as ts.TupleType;
  if (target.elementFlags.some((flag) => flag !== ts.ElementFlags.Required)) return undefined;
  return checker.getTypeArguments(type as ts.TypeReference);
}

/**
 * Properties of a plain data object type (literal type or interface of fields), else undefined: classes,
 * methods, accessors, index signatures, call signatures, unions and intersections are never pruned.
 */
export function plainObjectProperties(fc: FileContext, type: ts.Type): readonly ts.Symbol[] | undefined {
  const { ts, checker } = fc;
  if (!(type.flags & ts.TypeFlags.Object) || checker.isArrayType(type) || checker.isTupleType(type)) return undefined;
  const objectFlags = (type as ts.ObjectType).objectFlags;
  if (!(objectFlags & (ts.ObjectFlags.Anonymous | ts.ObjectFlags.Interface | ts.ObjectFlags.Reference))) return undefined;
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  if (symbol && symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Function | ts.SymbolFlags.Enum)) return undefined;
  if (symbol?.declarations?.some((d) => fc.program.isSourceFileDefaultLibrary(d.getSourceFile()))) return undefined;
  if (checker.getSignaturesOfType(type, ts.SignatureKind.Call).length) return undefined;
  if (checker.getSignaturesOfType(type, ts.SignatureKind.Construct).length) return undefined;
  if (checker.getIndexInfosOfType(type).length) return undefined;
  const properties = checker.getPropertiesOfType(type);
  if (properties.length === 0) return undefined;
  for (const property of properties) {
    if (!(property.flags & ts.SymbolFlags.Property) || property.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.Accessor)) {
      return undefined;
    }
    const declarations = property.declarations ?? [];
    if (!declarations.length) return undefined;
    if (!declarations.every((d) => ts.isPropertySignature(d) || ts.isPropertyAssignment(d) || ts.isShorthandPropertyAssignment(d))) {
      return undefined;
    }
    if (property.name.startsWith("__")) return undefined;
  }
  return properties;
}

/**
 * Whether every value of `type` is a primitive (numbers, strings, booleans, bigints, enums, literal types,
 * undefined, null, void, and unions of them): a value with no identity and nothing to change.
 */
export function isPrimitiveType(ts: FileContext["ts"], type: ts.Type): boolean {
  const F = ts.TypeFlags;
  if (type.isUnion()) return type.types.every((t) => isPrimitiveType(ts, t));
  return !!(type.flags & (F.NumberLike | F.StringLike | F.BooleanLike | F.BigIntLike | F.Undefined | F.Null | F.Void | F.EnumLike));
}

/** Standard-library types the shuffle's codec carries as data. */
const LIB_DATA = new Set(["Map", "ReadonlyMap", "Set", "ReadonlySet", "Date", "Array", "ReadonlyArray", "ArrayBuffer", "Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "Uint8ClampedArray"]);

/**
 * Whether every value of `type` is data the shuffle's codec carries (primitives, tuples, arrays, plain
 * objects and the standard collections of such). A part whose type is not (functions, class instances,
 * symbols, `any`/`unknown`, type parameters) makes the job fail at the shuffle without the plugin, so
 * pruning must not drop it (the job would then succeed).
 */
export function isDataType(fc: FileContext, type: ts.Type, seen = new Set<ts.Type>()): boolean {
  const { ts, checker } = fc;
  if (seen.has(type)) return true;
  seen.add(type);
  const f = type.flags;
  if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.ESSymbolLike | ts.TypeFlags.TypeParameter | ts.TypeFlags.Never | ts.TypeFlags.NonPrimitive | ts.TypeFlags.Index | ts.TypeFlags.IndexedAccess | ts.TypeFlags.Conditional | ts.TypeFlags.Substitution)) {
    return false;
  }
  if (f & (ts.TypeFlags.NumberLike | ts.TypeFlags.StringLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) return true;
  if (type.isUnion() || type.isIntersection()) return type.types.every((t) => isDataType(fc, t, seen));
  if (checker.isTupleType(type) || checker.isArrayType(type)) return checker.getTypeArguments(type as ts.TypeReference).every((t) => isDataType(fc, t, seen));
  const symbol = type.getSymbol();
  if (symbol && LIB_DATA.has(symbol.name) && symbol.declarations?.some((d) => fc.program.isSourceFileDefaultLibrary(d.getSourceFile()))) {
    return (type as ts.TypeReference).typeArguments?.every((t) => isDataType(fc, t, seen)) ?? true;
  }
  const properties = plainObjectProperties(fc, type);
  return !!properties && properties.every((p) => isDataType(fc, checker.getTypeOfSymbol(p), seen));
}
