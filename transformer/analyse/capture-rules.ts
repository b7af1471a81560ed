/**
 * What closure capture (analyse/closures.ts) knows of the standard library: globals that are pure (nothing
 * to capture, no effects), methods that never change their receiver or arguments, and methods that do.
 * Everything not listed here has unknown effects: a function using it runs in process.
 */

/** Global values a worker has too, whose use has no effects on shared state. */
export const PURE_GLOBALS = new Set([
  // globalThis is absent on purpose (it reaches every global), and Symbol (symbols are not data)
  "undefined", "NaN", "Infinity",
  "Math", "JSON", "Number", "String", "Boolean", "BigInt", "Object", "Array",
  "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI",
  "Map", "Set", "Date", "RegExp", "Error", "TypeError", "RangeError",
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "structuredClone",
]);

/** Static methods of pure globals that neither change their arguments nor touch shared state. */
export const PURE_STATICS: Record<string, ReadonlySet<string>> = {
  Math: new Set(["abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil", "clz32", "cos", "cosh", "exp", "expm1", "floor", "fround", "hypot", "imul", "log", "log10", "log1p", "log2", "max", "min", "pow", "round", "sign", "sin", "sinh", "sqrt", "tan", "tanh", "trunc"]),
  JSON: new Set(["parse", "stringify"]),
  Number: new Set(["isFinite", "isInteger", "isNaN", "isSafeInteger", "parseFloat", "parseInt"]),
  String: new Set(["fromCharCode", "fromCodePoint", "raw"]),
  Object: new Set(["keys", "values", "entries", "fromEntries", "is", "hasOwn", "getPrototypeOf", "create"]),
  Array: new Set(["isArray", "from", "of"]),
  BigInt: new Set(["asIntN", "asUintN"]),
  Date: new Set(["UTC", "parse"]),
};

/** Methods that change their receiver: allowed only on a value the function created itself. */
export const MUTATING_METHODS = new Set([
  "push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin",
  "set", "add", "delete", "clear", "setDate", "setFullYear", "setHours", "setMilliseconds", "setMinutes",
  "setMonth", "setSeconds", "setTime", "setUTCDate", "setUTCFullYear", "setUTCHours", "setUTCMilliseconds",
  "setUTCMinutes", "setUTCMonth", "setUTCSeconds", "setYear", "exec", "test", // exec/test move lastIndex of a /g regexp
]);

/** Standard-library methods (arrays, strings, numbers, Map/Set reads, dates) without effects. */
export const PURE_METHODS = new Set([
  // arrays (callbacks they take are checked where they are written)
  "at", "concat", "entries", "every", "filter", "find", "findIndex", "findLast", "findLastIndex", "flat", "flatMap",
  "forEach", "includes", "indexOf", "join", "keys", "lastIndexOf", "map", "reduce", "reduceRight", "slice", "some",
  "toReversed", "toSorted", "toSpliced", "with", "values",
  // strings
  "charAt", "charCodeAt", "codePointAt", "endsWith", "localeCompare", "match", "matchAll", "normalize", "padEnd",
  "padStart", "repeat", "replace", "replaceAll", "search", "split", "startsWith", "substring", "substr", "toLowerCase",
  "toUpperCase", "toLocaleLowerCase", "toLocaleUpperCase", "trim", "trimEnd", "trimStart",
  // numbers, dates, everything
  "toFixed", "toPrecision", "toExponential", "toString", "toLocaleString", "valueOf", "toISOString", "toJSON",
  "getTime", "getFullYear", "getMonth", "getDate", "getDay", "getHours", "getMinutes", "getSeconds", "getMilliseconds",
  "getUTCFullYear", "getUTCMonth", "getUTCDate", "getUTCDay", "getUTCHours", "getUTCMinutes", "getUTCSeconds",
  "getTimezoneOffset", "hasOwnProperty",
  // Map / Set reads
  "get", "has",
]);

/** Methods whose result is a new top-level array or object (writing into it changes nothing shared). */
export const FRESH_RESULT_METHODS = new Set(["map", "filter", "slice", "concat", "flat", "flatMap", "toSorted", "toReversed", "toSpliced", "with", "split", "from", "of", "keys", "values", "entries", "fromEntries"]);

/** Constructors of the standard library whose `new` only creates a fresh value. */
export const PURE_CONSTRUCTORS = new Set([
  "Map", "Set", "Array", "Object", "Date", "RegExp", "Error", "TypeError", "RangeError",
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
]);
