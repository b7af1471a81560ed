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
