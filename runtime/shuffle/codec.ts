/**
 * Codecs turn a batch of rows into bytes and back. The shuffle, spilled
 * blocks, serialized storage levels and broadcasts all go through one.
 *
 * The default, {@link AdaptiveCodec}, infers the batch's shape (tuples, plain
 * objects, numbers, strings, booleans, optional values) and writes it
 * column by column into typed arrays; batches it cannot describe go to
 * msgpackr, or to `v8.serialize` where only that is exact (`-0`, `Set`, lone
 * surrogates, holes, extra array properties, and null prototypes, which v8
 * needs a fix-up for). Values no codec can carry (functions, symbols, class
 * instances, Array subclasses) fail with a {@link SerializationError} instead
 * of being corrupted.
 *
 * One value semantics, whatever the path: decode(encode(rows)) gives back
 * each row exactly (holes stay holes, own enumerable properties and their
 * order, prototypes, -0, NaN, undefined vs absent), and what a value decodes
 * to never depends on which other values share its batch. A path takes a
 * batch only if it reproduces every row of it exactly: the columnar writer
 * turns down (and so sends to the general path) any array that is not
 * ordinary and dense, and any object whose prototype is not Object.prototype.
 * Not carried by any path, alike: non-enumerable and symbol-keyed properties
 * (as with a structured clone) and the identity of shared sub-values outside
 * the v8 path.
 */
import v8 from "node:v8";
import { Packr } from "msgpackr";
import { SerializationError } from "../errors.js";
import { cachedOnce } from "../bounded-cache.js";
import { keepShapeOf } from "../shapes.js";

export interface Codec {
  readonly name: string;
  encode(rows: readonly unknown[]): Uint8Array;
  decode(bytes: Uint8Array): unknown[];
  /**
   * Optional: calls f(key, value) for each row of a block of [key, value] rows (a shuffle block), in order,
   * as `decode` would give them, without building the row arrays. Without it the reader decodes and unpacks.
   */
  decodePairs?(bytes: Uint8Array, f: (key: unknown, value: unknown) => void): void;
  /**
   * Optional: one block per partition, block p holding the rows whose
   * partitionIds entry is p, in order (an empty block for none). Each block
   * must decode as `encode` of those rows would. Without it the shuffle
   * gathers each partition's rows and calls `encode`.
   */
  encodePartitioned?(rows: readonly unknown[], partitionIds: ArrayLike<number>, numPartitions: number, hints?: EncodeHints): Uint8Array[];
  /**
   * Optional: like encodePartitioned of `rows.map(view)`, where `view` keeps the parts `pick` of each row's
   * value (a flat tuple or object projection, rdd.projectValues), read straight from the original rows with no
   * projected arrays or objects built; undefined when the rows do not fit (the caller then projects and encodes).
   */
  encodePartitionedPicked?(
    rows: readonly unknown[],
    partitionIds: ArrayLike<number>,
    numPartitions: number,
    pick: FusedPick,
    view: (row: unknown) => unknown,
  ): Uint8Array[] | undefined;
}

/**
 * A flat projection fused into the shuffle writer: element indices of a tuple projection (`[2, 0]` keeps
 * elements 2 and 0, in that order), or the property names of an object projection whose every entry is
 * `true`, in the order the projected object lists them (`Object.keys` of the projection).
 */
export type FusedPick = readonly number[] | { readonly keys: readonly string[] } | "none";

/** What the writer of a batch knows about its rows, so the codec can skip checks that cannot fail. */
export interface EncodeHints {
  /**
   * Every row's value (element 1) that is an array was built just now by a tuple projection (rdd.projectValues):
   * it has the ordinary prototype, no holes and no extra properties, so the per-array exactness check is skipped.
   */
  freshValueArrays?: boolean;
}

/** Encodes each partition's rows on its own: what a codec without `encodePartitioned` gets. */
export function encodeEachPartition(codec: Codec, rows: readonly unknown[], partitionIds: ArrayLike<number>, numPartitions: number): Uint8Array[] {
  const buckets: unknown[][] = [];
  for (let p = 0; p < numPartitions; p++) buckets.push([]);
  for (let i = 0; i < rows.length; i++) buckets[partitionIds[i]!]!.push(rows[i]);
  return buckets.map((b) => (b.length === 0 ? new Uint8Array(0) : codec.encode(b)));
}

const TAG_COLUMNAR = 0x43; // 'C'
const TAG_MSGPACK = 0x4d; // 'M'
const TAG_V8 = 0x56; // 'V'
const TAG_V8_PROTO = 0x50; // 'P': v8 with null prototypes restored (see encodeV8)
const TAG_SEGMENTS = 0x53; // 'S': a map output in several parts (see joinSegments); never a row batch of its own

/** Whether every block `codec` writes starts with one of the tags above, so a block tagged TAG_SEGMENTS is told apart. */
export function tagsItsBlocks(codec: Codec): boolean {
  return codec instanceof AdaptiveCodec || codec instanceof MsgpackCodec || codec instanceof V8Codec;
}

/** Bytes before the first part of a segmented block: the tag, the part count (uint32 at 4), each part's length (uint32 from 8). */
const segmentsHeader = (parts: number) => align8(8 + 4 * parts);

/**
 * One block of several blocks of the same codec (only for a codec that {@link tagsItsBlocks}), each part at a
 * multiple of 8, so the typed views of a columnar part stay aligned.
 */
export function joinSegments(parts: readonly Uint8Array[]): Uint8Array {
  let size = segmentsHeader(parts.length);
  for (const part of parts) size = align8(size) + part.byteLength;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = TAG_SEGMENTS;
  view.setUint32(4, parts.length, true);
  let at = segmentsHeader(parts.length);
  parts.forEach((part, i) => {
    at = align8(at);
    view.setUint32(8 + 4 * i, part.byteLength, true);
    out.set(part, at);
    at += part.byteLength;
  });
  return out;
}

/** The parts of a block joinSegments wrote (views, no copy), or undefined for any other block. */
export function splitSegments(block: Uint8Array): Uint8Array[] | undefined {
  if (block[0] !== TAG_SEGMENTS) return undefined;
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const count = view.getUint32(4, true);
  const parts: Uint8Array[] = [];
  let at = segmentsHeader(count);
  for (let i = 0; i < count; i++) {
    at = align8(at);
    const length = view.getUint32(8 + 4 * i, true);
    parts.push(block.subarray(at, at + length));
    at += length;
  }
  return parts;
}

// ---------------------------------------------------------------- shapes

type Shape =
  | { k: "num" }
  | { k: "str" }
  | { k: "bool" }
  | { k: "undef" }
  | { k: "null" }
  | { k: "opt"; inner: Shape }
  | { k: "tuple"; items: Shape[] }
  | { k: "obj"; keys: string[]; items: Shape[] };

const MAX_TUPLE = 64;
const MAX_DEPTH = 8;

/**
 * An array the columnar path rebuilds exactly with an array literal: the
 * ordinary prototype, and own enumerable keys exactly `0 .. length - 1` (no
 * holes, no extra properties such as a RegExpMatchArray's `index`).
 * Object.keys lists indices in ascending order before any other key, so
 * `length` keys ending with the last index are exactly the indices. The
 * compiled writers make the same check inline on every array of a batch
 * (there is no cheaper way to see an array's extra properties); objects need
 * none, as their writer already lists their keys.
 */
function isExactArray(a: unknown[], n: number): boolean {
  if (Object.getPrototypeOf(a) !== Array.prototype) return false;
  const keys = Object.keys(a);
  return keys.length === n && (n === 0 || keys[n - 1] === String(n - 1));
}

/**
 * `a[i]`, for the walkers that read every kind of array at one site (rows and the values in them). Optimised
 * code at such a site transitions the arrays it reads to the most general elements kind it has seen, so a
 * program's arrays of doubles became arrays of boxed numbers (every double a heap object) once `inferShape`
 * had met a row array there; the writer's loads then spread it to every row (bench/repro/double-elements.mjs).
 * Reflect.get reads the same (getters included) without that transition.
 */
const elementOf = (a: readonly unknown[], i: number): unknown => Reflect.get(a, i);

function inferShape(v: unknown, depth = 0): Shape | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (typeof v) {
    case "number":
      return { k: "num" };
    case "string":
      return { k: "str" };
    case "boolean":
      return { k: "bool" };
    case "undefined":
      return { k: "undef" };
    case "object": {
      if (v === null) return { k: "null" };
      if (Array.isArray(v)) {
        if (v.length > MAX_TUPLE || !isExactArray(v, v.length)) return undefined; // holes, extra properties or another prototype
        const items: Shape[] = [];
        for (let i = 0; i < v.length; i++) {
          const s = inferShape(elementOf(v, i), depth + 1);
          if (!s) return undefined;
          items.push(s);
        }
        return { k: "tuple", items };
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return undefined; // a null prototype (or a class) needs the general path
      const keys: string[] = [];
      const items: Shape[] = [];
      for (const key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) return undefined;
        if (key === "__proto__") return undefined; // decoding would set the prototype instead of an own key
        const s = inferShape((v as Record<string, unknown>)[key], depth + 1);
        if (!s) return undefined;
        keys.push(key);
        items.push(s);
      }
      if (keys.length > MAX_TUPLE || Object.getOwnPropertySymbols(v).length > 0) return undefined;
      return { k: "obj", keys, items };
    }
    default:
      return undefined;
  }
}

const isNullish = (s: Shape) => s.k === "undef" || s.k === "null";
/** A batch of [key, value] rows (the first variable the writer binds is the row, `v0`; its element 1 is VALUE). */
const isPairShape = (s: Shape): boolean => s.k === "tuple" && s.items.length === 2;

/** The least shape describing both, or undefined when none does. */
function mergeShapes(a: Shape, b: Shape): Shape | undefined {
  if (a.k === b.k) {
    switch (a.k) {
      case "tuple": {
        const bi = (b as typeof a).items;
        if (bi.length !== a.items.length) return undefined;
        const items: Shape[] = [];
        for (let i = 0; i < bi.length; i++) {
          const m = mergeShapes(a.items[i]!, bi[i]!);
          if (!m) return undefined;
          items.push(m);
        }
        return { k: "tuple", items };
      }
      case "obj": {
        const bo = b as typeof a;
        if (bo.keys.length !== a.keys.length || bo.keys.some((key, i) => key !== a.keys[i])) return undefined;
        const items: Shape[] = [];
        for (let i = 0; i < bo.items.length; i++) {
          const m = mergeShapes(a.items[i]!, bo.items[i]!);
          if (!m) return undefined;
          items.push(m);
        }
        return { k: "obj", keys: a.keys, items };
      }
      case "opt": {
        const inner = mergeShapes(a.inner, (b as typeof a).inner);
        return inner && { k: "opt", inner };
      }
      default:
        return a;
    }
  }
  if (isNullish(a) && isNullish(b)) return { k: "opt", inner: { k: "undef" } };
  if (a.k === "opt") return isNullish(b) ? a : wrapOpt(mergeShapes(a.inner, b));
  if (b.k === "opt") return isNullish(a) ? b : wrapOpt(mergeShapes(a, b.inner));
  if (isNullish(a)) return { k: "opt", inner: b };
  if (isNullish(b)) return { k: "opt", inner: a };
  return undefined;
}

function wrapOpt(s: Shape | undefined): Shape | undefined {
  return s && { k: "opt", inner: s };
}

// ---------------------------------------------------------------- columns
//
// Each shape is compiled once (cached by its JSON) into two specialised loops:
// a writer that checks and scatters a whole batch into typed columns, and a
// reader that rebuilds rows from them with array/object literals. Straight-line
// code per shape is several times faster than walking the shape with a
// closure per value and row, and lets V8 allocate the rebuilt rows inline.
// Generated code only embeds column indices and JSON-quoted object keys.

interface Columns {
  nums: Float64Array[];
  strs: string[][];
  bools: Uint8Array[];
  tags: Uint8Array[];
}

interface ColumnCounts {
  nums: number;
  strs: number;
  bools: number;
  tags: number;
}

/**
 * Stores rows[0..n) into the columns (row i at position i, or at dest[i]);
 * returns the index of the first row that does not fit the shape (n if all do).
 */
type BatchWriter = (rows: readonly unknown[], n: number, cols: Columns, dest?: Int32Array) => number;
/** Rebuilds n rows from the columns (string columns as row -> string functions). */
type BatchReader = (n: number, nums: ArrayLike<number>[], strs: ((row: number) => string)[], bools: Uint8Array[], tags: Uint8Array[]) => unknown[];

const TAG_PRESENT = 0;
const TAG_UNDEFINED = 1;
const TAG_NULL = 2;

/**
 * Where a pair reader puts the pairs. An object with a method, not a callback: the reader is one compiled
 * function per shape, shared by every job, and V8 inlines what it calls. A callback made per job is embedded
 * in that optimised code as a weak constant, so the code is thrown away ("weak objects") each time a job's
 * callback dies, and recompiled in the next job; a method of one class (HashTable's addPair) stays.
 */
export interface PairSink {
  addPair(key: unknown, value: unknown): void;
}

/**
 * A callback as a PairSink, of one class kept for the thread (shapes.ts): the reader inlines this addPair (whose
 * call of `f` V8 tracks by the closure's creation site, which outlives the job), not the callback itself. With
 * `{ addPair: f }` the shuffle join's pair reader was thrown away after every job ("weak objects").
 */
class CallbackSink implements PairSink {
  constructor(private readonly f: (key: unknown, value: unknown) => void) {}

  addPair(key: unknown, value: unknown): void {
    this.f(key, value);
  }
}
keepShapeOf(new CallbackSink(() => {}));

/** Calls sink.addPair(key, value) for each of n [key, value] rows of the columns, with no row array built. */
type PairReader = (
  n: number,
  nums: ArrayLike<number>[],
  strs: ((row: number) => string)[],
  bools: Uint8Array[],
  tags: Uint8Array[],
  sink: PairSink,
) => void;

interface CompiledShape {
  counts: ColumnCounts;
  write: BatchWriter;
  writeScattered: BatchWriter;
  read: BatchReader;
  /** Only for a pair shape (a tuple of two). */
  readPairs?: PairReader;
}

// The codec's caches of generated functions (compiledShapes, compiledChecks, compiledCopies) hold one per shape
// for the process (cachedOnce): a task's rows are too few for a fresh function to be optimised.
const compiledShapes = new Map<string, CompiledShape>();

/**
 * How a writer reads row values: `fresh` skips the exactness check of value arrays a projection just built;
 * `pick` reads element j of the value as the original value's element pick[j] (a fused tuple projection), or
 * property keys[j] as the original value's property keys[j] (a fused object projection).
 */
interface ValueMode {
  fresh?: boolean;
  pick?: FusedPick;
  /**
   * The rows are a shuffle's [key, value] pairs (the partitioned writers): the reduce side builds new rows, so
   * the row arrays' own holes and extra properties are not carried (README, "Runtime semantics"). Any other
   * encode (a parallelized slice sent to a worker, a worker's collected rows, serialized storage, checkpoints)
   * hands back the rows themselves and checks them exactly.
   */
  engineRows?: boolean;
}

function pickId(pick: FusedPick): string {
  if (pick === "none") return "pickNone:";
  return Array.isArray(pick) ? `pick${pick.join(",")}:` : `pickKeys${JSON.stringify((pick as { keys: readonly string[] }).keys)}:`;
}

/** The compiled test that `v` is a value `projectValues(null)` drops (projection.ts isDroppable), in a writer or checker. */
function droppableTest(v: string): string {
  return `(typeof ${v} !== "object" ? typeof ${v} !== "function" && typeof ${v} !== "symbol" : ${v} === null || (getPrototypeOf(${v}) === ArrayPrototype ? Array.isArray(${v}) : getPrototypeOf(${v}) === ObjectPrototype || getPrototypeOf(${v}) === null))`;
}

function compiled(shape: Shape, mode: ValueMode = {}): CompiledShape {
  const key = `${mode.fresh ? "fresh:" : ""}${mode.engineRows ? "engine:" : ""}${mode.pick ? pickId(mode.pick) : ""}${JSON.stringify(shape)}`;
  return cachedOnce(compiledShapes, key, () => compileShape(shape, mode));
}

/**
 * Columns are numbered in one depth-first order (an optional value's tag
 * column before its inner columns) by both generators, which is also the
 * block layout's order.
 */
/** The expressions naming the row, and its value (element 1 of the row's tuple, `v0`), in compiled writers. */
const ROW = "rows[i]";
const VALUE = "v0_1";

function compileShape(shape: Shape, mode: ValueMode): CompiledShape {
  const counts: ColumnCounts = { nums: 0, strs: 0, bools: 0, tags: 0 };
  let vars = 0;
  const fail = "return i;";

  // Code that checks value expression `v` against `s` and stores it in row i; and code filling row i when an enclosing optional is absent.
  const writer = (s: Shape, v: string): { code: string; fill: string } => {
    switch (s.k) {
      case "num": {
        const c = `n${counts.nums++}`;
        return { code: `if (typeof ${v} !== "number") ${fail} ${c}[d] = ${v};`, fill: "" };
      }
      case "str": {
        const c = `s${counts.strs++}`;
        return { code: `if (typeof ${v} !== "string" || !${v}.isWellFormed()) ${fail} ${c}[d] = ${v};`, fill: `${c}[d] = "";` };
      }
      case "bool": {
        const c = `b${counts.bools++}`;
        return { code: `if (typeof ${v} !== "boolean") ${fail} ${c}[d] = ${v} ? 1 : 0;`, fill: "" };
      }
      case "undef":
        // A fused `projectValues(null)`: the value is dropped unless the projection would hand it on whole.
        if (mode.pick === "none" && v === VALUE) return { code: `if (!${droppableTest(v)}) ${fail}`, fill: "" };
        return { code: `if (${v} !== undefined) ${fail}`, fill: "" };
      case "null":
        return { code: `if (${v} !== null) ${fail}`, fill: "" };
      case "opt": {
        const t = `t${counts.tags++}`;
        const inner = writer(s.inner, v);
        return {
          code: `if (${v} === undefined) { ${t}[d] = ${TAG_UNDEFINED}; ${inner.fill} } else if (${v} === null) { ${t}[d] = ${TAG_NULL}; ${inner.fill} } else { ${inner.code} }`,
          fill: `${t}[d] = ${TAG_UNDEFINED}; ${inner.fill}`,
        };
      }
      case "tuple": {
        const a = `v${vars++}`;
        const parts = s.items.map((item, j) => writer(item, `${a}_${j}`));
        const n = s.items.length;
        const indices = mode.pick && Array.isArray(mode.pick) ? (mode.pick as readonly number[]) : undefined;
        if (indices && v === VALUE) {
          // A fused projection: the projected value is a fresh array of the picked elements of a plain value
          // (projectValues hands anything else on whole, which this writer leaves to the general path).
          const code = [`const ${a} = ${v};`, `if (${a} === null || typeof ${a} !== "object" || !(Array.isArray(${a}) || getPrototypeOf(${a}) === ObjectPrototype || getPrototypeOf(${a}) === null)) ${fail}`];
          parts.forEach((p, j) => code.push(`const ${a}_${j} = ${a}[${indices[j]}];`, p.code));
          return { code: code.join("\n"), fill: parts.map((p) => p.fill).join(" ") };
        }
        const code = [
          `const ${a} = ${v};`,
          `if (!Array.isArray(${a}) || ${a}.length !== ${n} || getPrototypeOf(${a}) !== ArrayPrototype) ${fail}`,
        ];
        // A shuffled row's own [key, value] array is the engine's, not a value: the reduce side builds new rows,
        // so under every join strategy alike only its key and value reach the user. Its holes and extra
        // properties are not carried (README, "Runtime semantics"); values' arrays, and rows encoded to be
        // handed back as they are, are checked exactly.
        if (!(v === ROW && mode.engineRows) && !(mode.fresh && v === VALUE)) code.push(`{ const k = objectKeys(${a}); if (k.length !== ${n}${n === 0 ? "" : ` || k[${n - 1}] !== "${n - 1}"`}) ${fail} }`);
        parts.forEach((p, j) => code.push(`const ${a}_${j} = ${a}[${j}];`, p.code));
        return { code: code.join("\n"), fill: parts.map((p) => p.fill).join(" ") };
      }
      case "obj": {
        const a = `v${vars++}`;
        const names = s.keys.map((k) => JSON.stringify(k));
        const parts = s.items.map((item, j) => writer(item, `${a}_${j}`));
        if (mode.pick && mode.pick !== "none" && !Array.isArray(mode.pick) && v === VALUE) {
          // A fused object projection: the projected value is a fresh object of the listed properties of a plain
          // (or null-prototype) object, in the projection's order; projectValues hands anything else (arrays, class
          // instances, null, undefined) on whole, which this writer leaves to the general path. pickable() has
          // checked that the shape's keys are the projection's.
          const code = [`const ${a} = ${v};`, `if (${a} === null || typeof ${a} !== "object" || !(getPrototypeOf(${a}) === ObjectPrototype || getPrototypeOf(${a}) === null)) ${fail}`];
          parts.forEach((p, j) => code.push(`const ${a}_${j} = ${a}[${names[j]}];`, p.code));
          return { code: code.join("\n"), fill: parts.map((p) => p.fill).join(" ") };
        }
        // Same own keys in the same order: decoding rebuilds exactly this object (getters are read, as a structured clone does).
        const code = [
          `const ${a} = ${v};`,
          `if (typeof ${a} !== "object" || ${a} === null || getPrototypeOf(${a}) !== ObjectPrototype) ${fail}`,
          `{ let j = 0; for (const key in ${a}) { switch (j++) { ${names.map((n, j) => `case ${j}: if (key !== ${n}) ${fail} break;`).join(" ")} default: ${fail} } } if (j !== ${names.length}) ${fail} }`,
        ];
        parts.forEach((p, j) => code.push(`const ${a}_${j} = ${a}[${names[j]}];`, p.code));
        return { code: code.join("\n"), fill: parts.map((p) => p.fill).join(" ") };
      }
      default:
        throw new SerializationError(`Corrupt block: unknown column shape ${JSON.stringify(s)}.`);
    }
  };
  const body = writer(shape, ROW).code;
  const writeCounts = { ...counts };
  const unpack = (kind: keyof ColumnCounts, prefix: string, n: number) =>
    Array.from({ length: n }, (_, j) => `const ${prefix}${j} = cols.${kind}[${j}];`).join("\n");
  // Two variants of one loop: rows stored in order, or each row i stored at dest[i] (see encodePartitioned).
  const makeWriter = (destination: string) =>
    new Function(
      "objectKeys",
      "getPrototypeOf",
      "ObjectPrototype",
      "ArrayPrototype",
      `return function write(rows, n, cols, dest) {
${unpack("nums", "n", counts.nums)}
${unpack("strs", "s", counts.strs)}
${unpack("bools", "b", counts.bools)}
${unpack("tags", "t", counts.tags)}
for (let i = 0; i < n; i++) {
const d = ${destination};
${body}
}
return n;
};`,
    )(Object.keys, Object.getPrototypeOf, Object.prototype, Array.prototype) as BatchWriter;
  const write = makeWriter("i");
  const writeScattered = makeWriter("dest[i]");

  // The reader: one expression per shape, evaluated per row.
  const at: ColumnCounts = { nums: 0, strs: 0, bools: 0, tags: 0 };
  const reader = (s: Shape): string => readExpression(s, at, blockColumn);
  const expr = reader(shape);
  const unpackColumns = () => `${Array.from({ length: at.nums }, (_, j) => `const n${j} = nums[${j}];`).join("\n")}
${Array.from({ length: at.strs }, (_, j) => `const s${j} = strs[${j}];`).join("\n")}
${Array.from({ length: at.bools }, (_, j) => `const b${j} = bools[${j}];`).join("\n")}
${Array.from({ length: at.tags }, (_, j) => `const t${j} = tags[${j}];`).join("\n")}`;
  const read = new Function(
    `return function read(n, nums, strs, bools, tags) {
${unpackColumns()}
const rows = new Array(n);
for (let i = 0; i < n; i++) rows[i] = ${expr};
return rows;
};`,
  )() as BatchReader;
  let readPairs: PairReader | undefined;
  if (shape.k === "tuple" && shape.items.length === 2) {
    // The same expressions for the key and the value, in the same column order, handed over without the row array.
    at.nums = at.strs = at.bools = at.tags = 0;
    const key = reader(shape.items[0]!);
    const value = reader(shape.items[1]!);
    readPairs = new Function(
      `return function readPairs(n, nums, strs, bools, tags, sink) {
${unpackColumns()}
for (let i = 0; i < n; i++) sink.addPair(${key}, ${value});
};`,
    )() as PairReader;
  }
  return { counts: writeCounts, write, writeScattered, read, readPairs };
}

/** Row i of column j of a kind, as the compiled readers of one block name it (strings are decoded on demand). */
function blockColumn(kind: keyof ColumnCounts, j: number): string {
  switch (kind) {
    case "nums":
      return `n${j}[i]`;
    case "strs":
      return `s${j}(i)`;
    case "bools":
      return `b${j}[i]`;
    case "tags":
      return `t${j}[i]`;
  }
}

/**
 * The expression that builds the value of shape `s` from row i of the columns, `at` counting the columns of
 * each kind used so far (depth-first, the writers' order); `column` names row i of a column.
 */
function readExpression(s: Shape, at: ColumnCounts, column: (kind: keyof ColumnCounts, j: number) => string): string {
  const read = (t: Shape): string => readExpression(t, at, column);
  switch (s.k) {
    case "num":
      return column("nums", at.nums++);
    case "str":
      return column("strs", at.strs++);
    case "bool":
      return `(${column("bools", at.bools++)} === 1)`;
    case "undef":
      return "undefined";
    case "null":
      return "null";
    case "opt": {
      const t = column("tags", at.tags++);
      return `(${t} === ${TAG_PRESENT} ? ${read(s.inner)} : ${t} === ${TAG_NULL} ? null : undefined)`;
    }
    case "tuple":
      return `[${s.items.map(read).join(", ")}]`;
    case "obj":
      // A computed key always defines an own property (a literal "__proto__": would set the prototype).
      return `{ ${s.keys.map((k, j) => `${k === "__proto__" ? `[${JSON.stringify(k)}]` : JSON.stringify(k)}: ${read(s.items[j]!)}`).join(", ")} }`;
    default:
      throw new SerializationError(`Corrupt block: unknown column shape ${JSON.stringify(s)}.`);
  }
}

/**
 * Scratch columns, reused by every batch: they are copied into the block
 * right away. Allocating fresh typed arrays per batch costs more than the
 * encoding itself (each is external memory, which also prompts V8 to collect).
 */
const scratch: { nums: Float64Array[]; bytes: Uint8Array[] } = { nums: [], bytes: [] };

function scratchColumn<T extends Float64Array | Uint8Array>(pool: T[], j: number, n: number, make: (n: number) => T): T {
  let col = pool[j];
  if (!col || col.length < n) col = pool[j] = make(Math.max(n, 1024, col ? 2 * col.length : 0));
  const view = col.subarray(0, n) as T;
  view.fill(0); // absent optional values and TAG_PRESENT are zeros
  return view;
}

let scratchInUse = false;

/** Scratch kept between batches is bounded: past this, it is dropped after the batch (and reallocated by the next). */
const MAX_SCRATCH_BYTES = 64 * 2 ** 20;

function releaseLargeScratch(): void {
  let bytes = 0;
  for (const c of scratch.nums) bytes += c.byteLength;
  for (const c of scratch.bytes) bytes += c.byteLength;
  if (bytes > MAX_SCRATCH_BYTES) {
    scratch.nums = [];
    scratch.bytes = [];
  }
}

function allocateColumns(counts: ColumnCounts, n: number, fresh: boolean): Columns {
  const pools = fresh ? { nums: [], bytes: [] } : scratch;
  const nums: Float64Array[] = [];
  for (let j = 0; j < counts.nums; j++) nums.push(scratchColumn(pools.nums, j, n, (k) => new Float64Array(k)));
  // Booleans and tags share one pool: bools take the first slots, tags the next.
  const bools: Uint8Array[] = [];
  for (let j = 0; j < counts.bools; j++) bools.push(scratchColumn(pools.bytes, j, n, (k) => new Uint8Array(k)));
  const tags: Uint8Array[] = [];
  for (let j = 0; j < counts.tags; j++) tags.push(scratchColumn(pools.bytes, counts.bools + j, n, (k) => new Uint8Array(k)));
  const strs: string[][] = [];
  for (let j = 0; j < counts.strs; j++) strs.push(new Array<string>(n));
  return { nums, strs, bools, tags };
}

// ---------------------------------------------------------------- columnar block layout
// u8 tag | u8[3] 0 | u32 rows | u32 header length | header JSON | pad to 8 | columns, each padded to 8
//
// A string column is n + 1 u32 offsets, then the UTF-8 of its strings back to back. In a column of short
// strings (none over SHORT_STRING code units) the offsets count UTF-16 code units: the column is encoded in
// one loop (no call into Buffer per string) and decoded with one call, each row's string cut from the decoded
// column (V8 copies substrings this short, so a row kept alive does not keep its block's whole column alive).
// Otherwise the offsets count bytes and each string is written and decoded on its own.

const align8 = (n: number) => (n + 7) & ~7;

interface Header {
  shape: Shape;
  num: ("f64" | "i32")[];
  str: number[]; // byte length of each string column's UTF-8 data
  short?: (0 | 1)[]; // per string column: 1 when its offsets count UTF-16 code units (short strings)
}

/** Longest string (in UTF-16 code units) of a column cut from one decoded string; V8 copies substrings up to 12. */
const SHORT_STRING = 12;

interface StringColumn {
  bytes: number;
  short: boolean;
}

/**
 * UTF-8 size of a column's first n strings, and whether all are short. A
 * short column is measured and written here, a code unit at a time, which
 * costs less than a call into Buffer per (short) string. The writer has
 * checked the strings are well formed: every surrogate is half of a pair.
 */
function measureStrings(col: string[], n: number): StringColumn {
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const s = col[i]!;
    const len = s.length;
    if (len > SHORT_STRING) return { bytes: longStringsBytes(col, n), short: false };
    bytes += len;
    for (let j = 0; j < len; j++) {
      const c = s.charCodeAt(j);
      if (c >= 0x80) bytes += c < 0x800 || (c & 0xf800) === 0xd800 ? 1 : 2; // 2 bytes; a surrogate pair's 4; else 3
    }
  }
  return { bytes, short: true };
}

function longStringsBytes(col: string[], n: number): number {
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += Buffer.byteLength(col[i]!, "utf8");
  return bytes;
}

/** Writes a short column's strings back to back as UTF-8 at `at`, and their offsets in UTF-16 code units; returns the bytes written. */
function writeShortStrings(col: string[], n: number, out: Uint8Array, at: number, offsets: Uint32Array): number {
  let p = at;
  let units = 0;
  for (let i = 0; i < n; i++) {
    const s = col[i]!;
    const len = s.length;
    offsets[i] = units;
    units += len;
    for (let j = 0; j < len; j++) {
      const c = s.charCodeAt(j);
      if (c < 0x80) out[p++] = c;
      else if (c < 0x800) {
        out[p++] = 0xc0 | (c >> 6);
        out[p++] = 0x80 | (c & 0x3f);
      } else if ((c & 0xfc00) === 0xd800) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++j) - 0xdc00);
        out[p++] = 0xf0 | (cp >> 18);
        out[p++] = 0x80 | ((cp >> 12) & 0x3f);
        out[p++] = 0x80 | ((cp >> 6) & 0x3f);
        out[p++] = 0x80 | (cp & 0x3f);
      } else {
        out[p++] = 0xe0 | (c >> 12);
        out[p++] = 0x80 | ((c >> 6) & 0x3f);
        out[p++] = 0x80 | (c & 0x3f);
      }
    }
  }
  offsets[n] = units;
  return p - at;
}

function fitsInt32(col: Float64Array): boolean {
  for (let i = 0; i < col.length; i++) {
    const x = col[i]!;
    if ((x | 0) !== x || (x === 0 && 1 / x < 0)) return false;
  }
  return true;
}

function encodeColumnar(rows: readonly unknown[]): Uint8Array | undefined {
  return encodeColumnarBlocks(rows)?.[0];
}

/** Where each row of a map task goes when its partition's rows are stored contiguously, in row order. */
interface Scatter {
  dest: Int32Array; // row i is stored at dest[i]
  starts: Int32Array; // partition p holds positions [starts[p], starts[p + 1])
}

function scatterOf(partitionIds: ArrayLike<number>, numPartitions: number): Scatter {
  const n = partitionIds.length;
  const starts = new Int32Array(numPartitions + 1);
  for (let i = 0; i < n; i++) starts[partitionIds[i]! + 1]!++;
  for (let p = 0; p < numPartitions; p++) starts[p + 1]! += starts[p]!;
  const next = starts.slice(0, numPartitions);
  const dest = new Int32Array(n);
  for (let i = 0; i < n; i++) dest[i] = next[partitionIds[i]!]!++;
  return { dest, starts };
}

/**
 * Columnar blocks: one for all rows, or with a scatter one per partition.
 * Scattering while reading the rows in their own order (instead of first
 * gathering each partition's rows and encoding those) reads memory
 * sequentially; on large rows that is several times faster.
 */
function encodeColumnarBlocks(
  rows: readonly unknown[],
  scatter?: Scatter,
  hints?: EncodeHints,
  picked?: { pick: FusedPick; view: (row: unknown) => unknown },
): Uint8Array[] | undefined {
  const n = rows.length;
  const view = picked?.view ?? ((row: unknown) => row);
  let shape = n > 0 ? inferShape(view(rows[0])) : { k: "null" as const };
  for (let attempt = 0; shape && attempt < 4; attempt++) {
    if (picked && !pickable(shape, picked.pick)) {
      if (!pairWithNullishValue(shape)) return undefined;
      // A first value of null or undefined (handed on whole): the writer meets a projected value later and the shapes merge.
    }
    // with a scatter these are a shuffle's map output (encodePartitioned*); without, rows handed back as they are
    const engineRows = scatter !== undefined;
    const mode: ValueMode = picked ? { pick: picked.pick, engineRows } : { fresh: hints?.freshValueArrays === true && isPairShape(shape), engineRows };
    const { counts, write, writeScattered } = compiled(shape, mode);
    // A getter on a row could re-enter encode() while the scratch columns are in use: then use fresh ones.
    const reentrant = scratchInUse;
    scratchInUse = true;
    let i: number;
    try {
      const cols = allocateColumns(counts, n, reentrant);
      i = scatter ? writeScattered(rows, n, cols, scatter.dest) : write(rows, n, cols);
      if (i === n) {
        if (!scatter) return [layoutColumnar(shape, cols, n)];
        const blocks: Uint8Array[] = [];
        for (let p = 0; p + 1 < scatter.starts.length; p++) {
          const from = scatter.starts[p]!;
          const to = scatter.starts[p + 1]!;
          blocks.push(to === from ? new Uint8Array(0) : layoutColumnar(shape, sliceColumns(cols, from, to), to - from));
        }
        return blocks;
      }
    } finally {
      scratchInUse = reentrant;
      if (!reentrant) releaseLargeScratch();
    }
    const other = inferShape(view(rows[i]));
    shape = other && mergeShapes(shape, other);
  }
  return undefined;
}

function pairWithNullishValue(shape: Shape): boolean {
  return shape.k === "tuple" && shape.items.length === 2 && isNullish(shape.items[1]!);
}

/**
 * A pair shape whose value (or optional value) is what the pick builds: a tuple of as many elements, or an
 * object of exactly the picked keys in their order. That is what a fused pick can write.
 */
function pickable(shape: Shape, pick: FusedPick): boolean {
  if (shape.k !== "tuple" || shape.items.length !== 2) return false;
  const value = shape.items[1]!;
  if (pick === "none") return value.k === "undef";
  const inner = value.k === "opt" ? value.inner : value;
  if (Array.isArray(pick)) return inner.k === "tuple" && inner.items.length === pick.length;
  const keys = (pick as { keys: readonly string[] }).keys;
  return inner.k === "obj" && inner.keys.length === keys.length && inner.keys.every((key, j) => key === keys[j]);
}

function sliceColumns(cols: Columns, from: number, to: number): Columns {
  return {
    nums: cols.nums.map((c) => c.subarray(from, to)),
    strs: cols.strs.map((c) => c.slice(from, to)),
    bools: cols.bools.map((c) => c.subarray(from, to)),
    tags: cols.tags.map((c) => c.subarray(from, to)),
  };
}

function layoutColumnar(shape: Shape, cols: Columns, n: number): Uint8Array {
  const numKinds = cols.nums.map((c) => (fitsInt32(c) ? "i32" : "f64") as "i32" | "f64");
  const strCols = cols.strs.map((c) => measureStrings(c, n));
  const strBytes = strCols.map((c) => c.bytes);
  const short = strCols.map((c) => (c.short ? 1 : 0) as 0 | 1);
  const header = Buffer.from(JSON.stringify({ shape, num: numKinds, str: strBytes, short } satisfies Header), "utf8");
  let size = align8(12 + header.length);
  numKinds.forEach((kind) => (size += align8(n * (kind === "i32" ? 4 : 8))));
  strBytes.forEach((b) => (size += align8(4 * (n + 1)) + align8(b)));
  cols.bools.forEach(() => (size += align8(n)));
  cols.tags.forEach(() => (size += align8(n)));

  const out = Buffer.alloc(size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = TAG_COLUMNAR;
  view.setUint32(4, n, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let at = align8(12 + header.length);
  cols.nums.forEach((col, j) => {
    if (numKinds[j] === "i32") new Int32Array(out.buffer, out.byteOffset + at, n).set(col);
    else new Float64Array(out.buffer, out.byteOffset + at, n).set(col);
    at += align8(n * (numKinds[j] === "i32" ? 4 : 8));
  });
  cols.strs.forEach((col, j) => {
    const offsets = new Uint32Array(out.buffer, out.byteOffset + at, n + 1);
    at += align8(4 * (n + 1));
    if (strCols[j]!.short) {
      // Well-formed strings back to back: UTF-8 and back gives exactly the same code units.
      if (writeShortStrings(col, n, out, at, offsets) !== strBytes[j]) throw new SerializationError("Internal error: a string column's size changed while it was written.");
    } else {
      let pos = 0;
      for (let i = 0; i < n; i++) {
        offsets[i] = pos;
        pos += out.write(col[i]!, at + pos, "utf8");
      }
      offsets[n] = pos;
    }
    at += align8(strBytes[j]!);
  });
  for (const col of [...cols.bools, ...cols.tags]) {
    out.set(col, at);
    at += align8(n);
  }
  return out;
}

function decodeColumnar(bytes: Uint8Array): unknown[] {
  const block = columnarBlock(bytes);
  return compiled(block.shape).read(block.n, block.nums, block.strs, block.bools, block.tags);
}

/**
 * For a block a built-in codec ({@link tagsItsBlocks}) wrote: calls sink.addPair(key, value) for each of its
 * rows when the block is columnar and its rows are all pairs, without building the row arrays, and returns
 * true; else reads nothing and returns false (the caller decodes the rows and checks them itself).
 */
export function readColumnarPairs(bytes: Uint8Array, sink: PairSink): boolean {
  return bytes.byteLength > 0 && bytes[0] === TAG_COLUMNAR && decodeColumnarPairs(bytes, sink);
}

/** The row count of a columnar block a built-in codec wrote, read from its header (undefined for any other block). */
export function columnarRowCount(bytes: Uint8Array): number | undefined {
  if (bytes.byteLength < 8 || bytes[0] !== TAG_COLUMNAR) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
}

/** decodePairs of a columnar block: false (nothing read) when its rows are not pairs. */
function decodeColumnarPairs(bytes: Uint8Array, sink: PairSink): boolean {
  const block = columnarBlock(bytes);
  const readPairs = compiled(block.shape).readPairs;
  if (!readPairs) return false;
  readPairs(block.n, block.nums, block.strs, block.bools, block.tags, sink);
  return true;
}

/** Where pair columns put their keys, in row order (HashTable.addKey: a method, for the reason PairSink gives). */
export interface KeySink {
  addKey(key: unknown): void;
}

type KeyReader = (n: number, nums: readonly Float64Array[], strs: readonly (readonly string[])[], bools: readonly Uint8Array[], tags: readonly Uint8Array[], sink: KeySink) => void;
type ValueReader = (i: number, nums: readonly Float64Array[], strs: readonly (readonly string[])[], bools: readonly Uint8Array[], tags: readonly Uint8Array[]) => unknown;

/** Row i of column j of a kind, as the readers of pair columns name it (strings decoded already). */
function joinedColumn(kind: keyof ColumnCounts, j: number): string {
  return `${kind}[${j}][i]`;
}

const compiledColumnReaders = new Map<string, { readKeys: KeyReader; valueAt: ValueReader }>();

/** The key and value readers of pair columns of `shape` (a tuple of two), one pair of functions per shape for the process. */
function columnReaders(shape: Extract<Shape, { k: "tuple" }>): { readKeys: KeyReader; valueAt: ValueReader } {
  return cachedOnce(compiledColumnReaders, JSON.stringify(shape), () => {
    const at: ColumnCounts = { nums: 0, strs: 0, bools: 0, tags: 0 };
    const key = readExpression(shape.items[0]!, at, joinedColumn);
    const value = readExpression(shape.items[1]!, at, joinedColumn);
    const readKeys = new Function(`return function readKeys(n, nums, strs, bools, tags, sink) { for (let i = 0; i < n; i++) sink.addKey(${key}); };`)() as KeyReader;
    const valueAt = new Function(`return function valueAt(i, nums, strs, bools, tags) { return ${value}; };`)() as ValueReader;
    return { readKeys, valueAt };
  });
}

/**
 * The rows of columnar blocks of [key, value] pairs, all of one shape, as one set of columns joined end to end
 * (numbers as float64, which hold an int32 column's numbers exactly; strings decoded once). Keys are read once,
 * in row order (readKeys); a value is built at each valueAt, a new object at every call, from a few contiguous
 * columns. A broadcast table whose consumers only read (JoinOptions.readOnly) keeps its values so: a probe then
 * reads a few cached columns instead of one object per build row spread over the heap.
 */
export class PairColumns {
  private constructor(
    readonly n: number,
    private readonly keys: KeyReader,
    private readonly read: ValueReader,
    private readonly nums: Float64Array[],
    private readonly strs: string[][],
    private readonly bools: Uint8Array[],
    private readonly tags: Uint8Array[],
  ) {}

  /** The columns of `blocks` (a built-in codec's), or undefined unless every one is columnar with pair rows of one shape. */
  static of(blocks: readonly Uint8Array[]): PairColumns | undefined {
    const parsed: ColumnarBlock[] = [];
    for (const bytes of blocks) {
      if (bytes.byteLength === 0 || bytes[0] !== TAG_COLUMNAR) return undefined;
      parsed.push(columnarBlock(bytes));
    }
    const shape = parsed[0]?.shape;
    if (!shape || shape.k !== "tuple" || shape.items.length !== 2) return undefined;
    const id = JSON.stringify(shape);
    if (parsed.some((b) => JSON.stringify(b.shape) !== id)) return undefined;
    const n = parsed.reduce((sum, b) => sum + b.n, 0);
    /** Column j of every block, end to end, in a typed array of `n` (an int32 source converts exactly). */
    const joined = <T extends Float64Array | Uint8Array>(make: (n: number) => T, of: (b: ColumnarBlock) => ArrayLike<number>[]): T[] =>
      of(parsed[0]!).map((_, j) => {
        const column = make(n);
        let at = 0;
        for (const b of parsed) {
          column.set(of(b)[j]!, at);
          at += b.n;
        }
        return column;
      });
    const strs = parsed[0]!.strs.map((_, j) => {
      const column = new Array<string>(n);
      let at = 0;
      for (const b of parsed) for (let i = 0; i < b.n; i++) column[at++] = b.strs[j]!(i);
      return column;
    });
    const bytes = (size: number) => new Uint8Array(size);
    const { readKeys, valueAt } = columnReaders(shape);
    return new PairColumns(n, readKeys, valueAt, joined((size) => new Float64Array(size), (b) => b.nums), strs, joined(bytes, (b) => b.bools), joined(bytes, (b) => b.tags));
  }

  readKeys(sink: KeySink): void {
    this.keys(this.n, this.nums, this.strs, this.bools, this.tags, sink);
  }

  /** Row i's value, built afresh. */
  valueAt(i: number): unknown {
    return this.read(i, this.nums, this.strs, this.bools, this.tags);
  }

  /**
   * An empty table of [number, number] pairs with real compiled readers, kept for the life of the thread
   * (shapes.ts): its hidden class outlives every job, so the probe's valueAt and HashTable.valueOf keep their
   * optimised code across jobs (both were discarded after every job's collection, "weak objects").
   */
  static readonly specimen: PairColumns = keepShapeOf(
    (() => {
      const { readKeys, valueAt } = columnReaders({ k: "tuple", items: [{ k: "num" }, { k: "num" }] });
      return new PairColumns(0, readKeys, valueAt, [new Float64Array(0), new Float64Array(0)], [], [], []);
    })(),
  );
}

interface ColumnarBlock {
  shape: Shape;
  n: number;
  nums: ArrayLike<number>[];
  strs: ((row: number) => string)[];
  bools: Uint8Array[];
  tags: Uint8Array[];
}

function columnarBlock(bytes: Uint8Array): ColumnarBlock {
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice(); // typed views need alignment
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(buf.toString("utf8", 12, 12 + headerLength)) as Header;
  let at = align8(12 + headerLength);
  const base = bytes.byteOffset;
  const nums = header.num.map((kind) => {
    const col = kind === "i32" ? new Int32Array(bytes.buffer, base + at, n) : new Float64Array(bytes.buffer, base + at, n);
    at += align8(n * (kind === "i32" ? 4 : 8));
    return col;
  });
  const strs = header.str.map((byteLength, j) => {
    const offsets = new Uint32Array(bytes.buffer, base + at, n + 1);
    at += align8(4 * (n + 1));
    const start = at;
    at += align8(byteLength);
    if (header.short?.[j] === 1) {
      const column = buf.toString("utf8", start, start + byteLength);
      return (i: number) => column.slice(offsets[i]!, offsets[i + 1]!);
    }
    return (i: number) => buf.toString("utf8", start + offsets[i]!, start + offsets[i + 1]!);
  });
  const counts = { bools: 0, tags: 0 };
  countFlagColumns(header.shape, counts);
  const bools: Uint8Array[] = [];
  for (let j = 0; j < counts.bools; j++, at += align8(n)) bools.push(bytes.subarray(at, at + n));
  const tags: Uint8Array[] = [];
  for (let j = 0; j < counts.tags; j++, at += align8(n)) tags.push(bytes.subarray(at, at + n));
  return { shape: header.shape, n, nums, strs, bools, tags };
}

/** A columnar block of pairs of numbers, as typed views of its columns: key column, then one column per value field. */
export interface NumericColumns {
  n: number;
  keys: ArrayLike<number>;
  /** `fields` columns, or one for a number value. */
  values: ArrayLike<number>[];
}

/**
 * The columns of a block of [number, number] rows (`fields` 0) or [number, [number, ... (`fields` of them)]]
 * rows, read in place (no row or value is built), or undefined for any other block. Decoding the block gives
 * the same numbers: an int32 column holds no -0 (the writer keeps those in a float64 column).
 */
export function numericColumns(block: Uint8Array, fields: number): NumericColumns | undefined {
  if (block[0] !== TAG_COLUMNAR) return undefined;
  const { shape, n, nums } = columnarBlock(block);
  if (shape.k !== "tuple" || shape.items.length !== 2 || shape.items[0]!.k !== "num") return undefined;
  const value = shape.items[1]!;
  const numeric = fields === 0 ? value.k === "num" : value.k === "tuple" && value.items.length === fields && value.items.every((s) => s.k === "num");
  return numeric ? { n, keys: nums[0]!, values: nums.slice(1) } : undefined;
}

function countFlagColumns(shape: Shape, counts: { bools: number; tags: number }): void {
  if (shape.k === "bool") counts.bools++;
  else if (shape.k === "opt") {
    counts.tags++;
    countFlagColumns(shape.inner, counts);
  } else if (shape.k === "tuple" || shape.k === "obj") shape.items.forEach((s) => countFlagColumns(s, counts));
}

// ---------------------------------------------------------------- general values

interface Needs {
  exact: boolean; // something msgpackr would not round-trip exactly
  nullPrototypes: boolean; // a null-prototype object or array: v8.serialize keeps it only with the fix-ups below
}

/** Typed arrays, DataView and Buffer: v8 brings each back as what it was (a subclass of one of these would come back as its base). */
const VIEW_PROTOTYPES = new Set<unknown>(
  [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView, Buffer].map(
    (c) => c.prototype,
  ),
);

const isArrayIndex = (key: string) => String(Number(key) >>> 0) === key && key !== "4294967295";

// Path segments of the value being checked: an array index, an own property name, or one of these. Made into
// text (see pathText) only for an error message, so checking a value allocates nothing per element.
const MAP_KEY = { text: "<key>" };
const MAP_VALUE = { text: ".get(…)" };
const SET_ELEMENT = { text: "<element>" };
type Segment = number | string | { text: string };

interface Walk {
  needs: Needs;
  /** path[0 .. depth): where the current value is in its row. */
  path: Segment[];
  depth: number;
  /** The objects enclosing the current value, outermost first, to notice a cycle (rows are shallow: a scan beats a Set). */
  ancestors: object[];
}

function pathText(walk: Walk, depth = walk.depth): string {
  let out = "";
  for (let i = 0; i < depth; i++) {
    const s = walk.path[i]!;
    out += typeof s === "number" ? `[${s}]` : typeof s === "string" ? `.${s}` : s.text;
  }
  return out || "a row";
}

/** Walks a value and throws on what no codec can carry; notes what only v8.serialize keeps exactly. */
function validate(v: unknown, walk: Walk): void {
  switch (typeof v) {
    case "number":
      if (v === 0 && 1 / v < 0) walk.needs.exact = true;
      return;
    case "string":
      if (!(v as unknown as { isWellFormed(): boolean }).isWellFormed()) walk.needs.exact = true;
      return;
    case "boolean":
    case "bigint":
    case "undefined":
      return;
    case "function":
      throw new SerializationError(
        `Cannot serialize ${pathText(walk)}: it is a function. Shuffled, broadcast and serialized-cached rows must be data; ` +
          `compute the value before the shuffle or keep functions out of RDD rows.`,
      );
    case "symbol":
      throw new SerializationError(`Cannot serialize ${pathText(walk)}: it is a symbol. Use a string instead.`);
  }
  if (v === null) return;
  const o = v as object;
  const { needs, path, ancestors } = walk;
  if (ancestors.includes(o)) {
    needs.exact = true; // a cycle: only the structured clone keeps it
    return;
  }
  ancestors.push(o);
  const depth = walk.depth;
  walk.depth = depth + 1; // while the children are checked, path[depth] says which
  if (Array.isArray(o)) {
    const proto = Object.getPrototypeOf(o);
    if (proto !== Array.prototype) {
      if (proto !== null) {
        throw new SerializationError(
          `Cannot serialize ${pathText(walk, depth)}: it is an array of class ${proto?.constructor?.name ?? "unknown"} (an Array subclass), which would come back as a plain array without its methods. ` +
            `Copy it into a plain array (Array.from(value)) before the shuffle, or persist with a deserialized storage level.`,
        );
      }
      needs.exact = needs.nullPrototypes = true;
    }
    const n = o.length;
    let holes = 0;
    for (let i = 0; i < n; i++) {
      const x = o[i];
      if (x === undefined && !(i in o)) holes++;
      else {
        path[depth] = i;
        validate(x, walk);
      }
    }
    // Own enumerable values beyond the elements are extra properties (a RegExpMatchArray's index/input/groups).
    // Object.values, unlike Object.keys, makes no string per index: on long arrays it is several times faster.
    if (holes > 0 || Object.values(o).length !== n) {
      needs.exact = true; // holes and extra properties: only v8.serialize keeps them
      for (const key of Object.keys(o)) {
        if (isArrayIndex(key)) continue;
        path[depth] = key;
        validate((o as unknown as Record<string, unknown>)[key], walk);
      }
    }
  } else {
    const proto = Object.getPrototypeOf(o);
    if (proto === Object.prototype || proto === null) {
      if (proto === null) needs.exact = needs.nullPrototypes = true; // msgpackr and v8 give it Object.prototype
      if (Object.prototype.hasOwnProperty.call(o, "__proto__")) needs.exact = true; // msgpackr renames this key
      for (const key in o) {
        // (for-in lists own keys only here: Object.prototype has no enumerable properties, and this object has no other prototype.)
        if (!(key as unknown as { isWellFormed(): boolean }).isWellFormed()) needs.exact = true; // msgpackr would mangle a lone surrogate in a key
        path[depth] = key;
        validate((o as Record<string, unknown>)[key], walk);
      }
    } else if (proto === Date.prototype) {
      // msgpackr's timestamp and v8 both keep a Date (invalid ones too)
    } else if (VIEW_PROTOTYPES.has(proto)) {
      needs.exact ||= proto !== Uint8Array.prototype; // msgpackr keeps a plain Uint8Array only (a Buffer would come back as one)
    } else if (proto === Map.prototype) {
      // msgpackr decodes every map alike: a Map and a plain object in one batch cannot both come back as they were.
      needs.exact = true;
      for (const [k, val] of o as Map<unknown, unknown>) {
        path[depth] = MAP_KEY;
        validate(k, walk);
        path[depth] = MAP_VALUE;
        validate(val, walk);
      }
    } else if (proto === Set.prototype) {
      needs.exact = true;
      path[depth] = SET_ELEMENT;
      for (const val of o as Set<unknown>) validate(val, walk);
    } else {
      // A class instance; or a subclass of Date, Map, Set or a typed array, which would come back as the base class.
      const name = proto?.constructor?.name ?? "unknown";
      throw new SerializationError(
        `Cannot serialize ${pathText(walk, depth)}: it is an instance of class ${name}, which would come back as a plain object without its methods. ` +
          `Map it to a plain object or tuple before the shuffle (and rebuild the instance after it), or persist with a deserialized storage level.`,
      );
    }
  }
  walk.depth = depth;
  ancestors.pop();
}

// Maps go to v8 (see validate), so msgpack maps always decode as plain objects, which rows hold far more often.
// copyBuffers: a decoded Uint8Array owns its bytes, instead of being a view into the block (which a serialized
// cache keeps and decodes again: writing to one decoded value must not change the next).
const packr = new Packr({ useRecords: false, useBigIntExtension: true, mapsAsObjects: true, copyBuffers: true });

/**
 * Throws the SerializationError the shuffle's codec would throw for `row` (a function, a symbol, a class
 * instance, an Array subclass, ...), or returns: what a join streaming rows in place checks so that it
 * rejects exactly what a shuffle join rejects.
 */
export function assertSerializable(row: unknown): void {
  // The fast check passes plain data (by far the most rows); anything else gets the codec's full check,
  // which throws its exact error (or accepts what it can carry: a Date, a Map, a cycle, ...).
  if (!isPlainData(row, 0)) validate(row, { needs: { exact: false, nullPrototypes: false }, path: [], depth: 0, ancestors: [] });
}

/**
 * A checker for a stream of rows: the shape of the first row compiles into one specialised test (as the
 * columnar writer does), so rows of that shape cost a few type checks; the others take assertSerializable.
 * With `projected`, each row is checked as that pruning projection hands it on (what a shuffle after the
 * projection carries): a flat pick is read straight from the row, with no projected value built; any other
 * projection is applied first.
 */
export function serializableChecker(projected?: { pick: FusedPick | undefined; view: (row: unknown) => unknown }): (row: unknown) => void {
  const view = projected?.view;
  const pick = projected?.pick;
  if (view && !pick) {
    const checkProjected = serializableChecker();
    return (row) => checkProjected(view(row));
  }
  // The per-row closure stays a few bytes: it runs inside the probe of a join under "auto", and V8 counts every
  // byte it inlines there against one budget, which the first row's shape inference (once per task) used to
  // spend, leaving the code after the join un-inlined (big x small: 180 ms against 130 as an explicit broadcast).
  const full = (row: unknown): boolean => {
    assertSerializable(view ? view(row) : row);
    return true;
  };
  let test = (row: unknown): boolean => {
    const shape = inferShape(view ? view(row) : row);
    test = shape && (!pick || pickable(shape, pick)) ? compileCheck(shape, pick) : full;
    return test(row);
  };
  return (row) => {
    if (!test(row)) full(row);
  };
}

/** The compiled test that `v` holds a leaf of kind `k` (the checker's and the copier's alike). */
function leafTest(k: "num" | "str" | "bool" | "undef" | "null", v: string): string {
  switch (k) {
    case "num":
      return `typeof ${v} === "number"`;
    case "str":
      return `typeof ${v} === "string"`;
    case "bool":
      return `typeof ${v} === "boolean"`;
    case "undef":
      return `${v} === undefined`;
    case "null":
      return `${v} === null`;
  }
}

/**
 * The test of a row of `shape`; with `pick`, `shape` is the row as the pick projects it (pickable), and the
 * test reads the picked parts straight from the row's value, through projectValues' guard: a value that is not
 * an array or plain object is handed on whole by the projection, and goes to the full check here.
 */
function compileCheck(shape: Shape, pick?: FusedPick): (row: unknown) => boolean {
  return cachedOnce(compiledChecks, `${pick ? pickId(pick) : ""}${JSON.stringify(shape)}`, () => compileCheckOnce(shape, pick));
}

const compiledChecks = new Map<string, (row: unknown) => boolean>();

function compileCheckOnce(shape: Shape, pick?: FusedPick): (row: unknown) => boolean {
  let vars = 0;
  const pickedValue = (s: Shape, v: string): string => {
    if (pick === "none") {
      const a = `a${vars++}`;
      return `((${a} = ${v}), ${droppableTest(a)})`;
    }
    const inner = s.k === "opt" ? s.inner : s;
    if (inner.k !== "tuple" && inner.k !== "obj") throw new Error("unreachable: pickable() admits tuples and objects only");
    const a = `a${vars++}`;
    const indices = Array.isArray(pick) ? (pick as readonly number[]) : undefined;
    const reads = indices ? indices.map((i) => `${a}[${i}]`) : (pick as { keys: readonly string[] }).keys.map((key) => `${a}[${JSON.stringify(key)}]`);
    const plain = `(getPrototypeOf(${a}) === ObjectPrototype || getPrototypeOf(${a}) === null)`;
    const guard = indices ? `(Array.isArray(${a}) || ${plain})` : plain;
    const body = `((${a} = ${v}), typeof ${a} === "object" && ${a} !== null && ${guard}${inner.items.map((item, j) => ` && ${test(item, reads[j]!)}`).join("")})`;
    return s.k === "opt" ? `(${v} == null || ${body})` : body;
  };
  const test = (s: Shape, v: string): string => {
    if (pick && v === "row" && s.k === "tuple") {
      const a = `a${vars++}`;
      return `((${a} = ${v}), Array.isArray(${a}) && ${a}.length === 2 && getPrototypeOf(${a}) === ArrayPrototype && ${test(s.items[0]!, `${a}[0]`)} && ${pickedValue(s.items[1]!, `${a}[1]`)})`;
    }
    switch (s.k) {
      case "num":
      case "str":
      case "bool":
      case "undef":
      case "null":
        return leafTest(s.k, v);
      case "opt":
        return `(${v} == null || ${test(s.inner, v)})`;
      case "tuple": {
        const a = `a${vars++}`;
        return `((${a} = ${v}), Array.isArray(${a}) && ${a}.length === ${s.items.length} && getPrototypeOf(${a}) === ArrayPrototype${s.items.map((item, j) => ` && ${test(item, `${a}[${j}]`)}`).join("")})`;
      }
      case "obj": {
        const a = `a${vars++}`;
        // the listed keys hold data; other own keys would need the full check, so their count must match
        return `((${a} = ${v}), typeof ${a} === "object" && ${a} !== null && getPrototypeOf(${a}) === ObjectPrototype${s.items.map((item, j) => ` && ${test(item, `${a}[${JSON.stringify(s.keys[j])}]`)}`).join("")} && keyCount(${a}) === ${s.keys.length})`;
      }
    }
  };
  const body = test(shape, "row");
  const locals = Array.from({ length: vars }, (_, i) => `a${i}`);
  return new Function(
    "getPrototypeOf",
    "ArrayPrototype",
    "ObjectPrototype",
    "keyCount",
    `return function check(row) { ${locals.length ? `let ${locals.join(", ")};` : ""} return ${body}; };`,
  )(Object.getPrototypeOf, Array.prototype, Object.prototype, (o: object) => {
    let n = 0;
    for (const _ in o) n++;
    return n;
  }) as (row: unknown) => boolean;
}

/** Primitives, and arrays / plain objects of them, a few levels deep: what a shuffle carries without question. */
function isPlainData(v: unknown, depth: number): boolean {
  const t = typeof v;
  if (t !== "object") return t !== "function" && t !== "symbol";
  if (v === null) return true;
  if (depth > 8) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!isPlainData(elementOf(v, i), depth + 1)) return false;
    return true; // (extra properties holding functions are left to the shuffle that never happens here)
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const key in v) if (!isPlainData((v as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

function validateRows(rows: readonly unknown[], needs: Needs): void {
  const walk: Walk = { needs, path: [], depth: 0, ancestors: [] };
  for (let i = 0; i < rows.length; i++) validate(rows[i], walk);
}

function encodeGeneral(rows: readonly unknown[]): Uint8Array {
  const needs: Needs = { exact: false, nullPrototypes: false };
  validateRows(rows, needs);
  if (needs.exact) return encodeV8(rows, needs);
  const payload = packr.pack(rows);
  const out = new Uint8Array(payload.length + 1);
  out[0] = TAG_MSGPACK;
  out.set(payload, 1);
  return out;
}

/**
 * Calls `f` on every object reachable from `root` once, in one fixed order
 * (depth first; array elements and extra properties in Object.keys order,
 * object properties in Object.keys order, map keys then values, set elements),
 * numbering them from 0. A value and its structured clone are walked alike,
 * object for object: the clone keeps key order, shared references and cycles.
 */
function forEachObject(root: unknown, f: (o: object, ordinal: number) => void): void {
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    f(v, seen.size);
    seen.add(v);
    if (v instanceof Map) {
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
    } else if (v instanceof Set) {
      for (const x of v) visit(x);
    } else if (!(v instanceof Date) && !ArrayBuffer.isView(v)) {
      for (const key of Object.keys(v)) visit((v as Record<string, unknown>)[key]);
    }
  };
  visit(root);
}

/**
 * `v8.serialize` keeps holes, extra array properties, -0, lone surrogates,
 * Maps, Sets and cycles, but gives null-prototype objects (a
 * RegExpMatchArray's `groups`, `Object.create(null)`) Object.prototype. Such
 * a block lists those objects by their {@link forEachObject} number, and
 * decoding sets their prototype back to null.
 *
 * Layout: u8 TAG_V8 | v8 payload; or u8 TAG_V8_PROTO | u8[3] 0 | u32 count | u32[count] object numbers | v8 payload.
 */
function encodeV8(rows: readonly unknown[], needs: Needs): Uint8Array {
  const payload = v8.serialize(rows);
  if (!needs.nullPrototypes) {
    const out = new Uint8Array(payload.length + 1);
    out[0] = TAG_V8;
    out.set(payload, 1);
    return out;
  }
  const ordinals: number[] = [];
  forEachObject(rows, (o, ordinal) => {
    if (Object.getPrototypeOf(o) === null) ordinals.push(ordinal);
  });
  const head = 8 + 4 * ordinals.length;
  const out = new Uint8Array(head + payload.length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = TAG_V8_PROTO;
  view.setUint32(4, ordinals.length, true);
  ordinals.forEach((ordinal, j) => view.setUint32(8 + 4 * j, ordinal, true));
  out.set(payload, head);
  return out;
}

/**
 * v8.deserialize of a copy: Node's deserializer makes typed arrays views into the bytes it reads, and a block
 * can be decoded again (a serialized cache keeps it), so writing to one decoded value must not reach the block.
 */
function deserializeOwned(payload: Uint8Array): unknown[] {
  return v8.deserialize(new Uint8Array(payload)) as unknown[];
}

function decodeV8Proto(bytes: Uint8Array): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const rows = deserializeOwned(bytes.subarray(8 + 4 * count));
  let next = 0;
  forEachObject(rows, (o, ordinal) => {
    if (next < count && ordinal === view.getUint32(8 + 4 * next, true)) {
      Object.setPrototypeOf(o, null);
      next++;
    }
  });
  if (next !== count) throw new SerializationError("Corrupt block: a serialized block's prototype fix-ups do not match its values. The shuffle or spill file was damaged; rerun the job.");
  return rows;
}

function decodeAny(bytes: Uint8Array): unknown[] {
  switch (bytes[0]) {
    case TAG_COLUMNAR:
      return decodeColumnar(bytes);
    case TAG_MSGPACK:
      return packr.unpack(bytes.subarray(1)) as unknown[];
    case TAG_V8:
      return deserializeOwned(bytes.subarray(1));
    case TAG_V8_PROTO:
      return decodeV8Proto(bytes);
    default:
      throw new SerializationError(`Corrupt block: unknown codec tag ${bytes[0]}. The shuffle or spill file was damaged; rerun the job.`);
  }
}

// ---------------------------------------------------------------- codecs

/** The default: columnar typed arrays where the batch has a shape, msgpackr or v8 otherwise. */
export class AdaptiveCodec implements Codec {
  readonly name = "adaptive";

  encode(rows: readonly unknown[]): Uint8Array {
    return encodeColumnar(rows) ?? encodeGeneral(rows);
  }

  encodePartitioned(rows: readonly unknown[], partitionIds: ArrayLike<number>, numPartitions: number, hints?: EncodeHints): Uint8Array[] {
    if (rows.length === 0) return Array.from({ length: numPartitions }, () => new Uint8Array(0));
    // One shape for the whole map output; when there is none, each partition is encoded on its own (columnar where it can).
    return encodeColumnarBlocks(rows, scatterOf(partitionIds, numPartitions), hints) ?? encodeEachPartition(this, rows, partitionIds, numPartitions);
  }

  encodePartitionedPicked(
    rows: readonly unknown[],
    partitionIds: ArrayLike<number>,
    numPartitions: number,
    pick: FusedPick,
    view: (row: unknown) => unknown,
  ): Uint8Array[] | undefined {
    if (rows.length === 0) return Array.from({ length: numPartitions }, () => new Uint8Array(0));
    return encodeColumnarBlocks(rows, scatterOf(partitionIds, numPartitions), undefined, { pick, view });
  }

  decode(bytes: Uint8Array): unknown[] {
    return decodeAny(bytes);
  }

  decodePairs(bytes: Uint8Array, f: (key: unknown, value: unknown) => void): void {
    if (readColumnarPairs(bytes, new CallbackSink(f))) return;
    const rows = decodeAny(bytes) as [unknown, unknown][];
    for (let i = 0; i < rows.length; i++) f(rows[i]![0], rows[i]![1]);
  }
}

/** Row codec through msgpackr only (no columnar path); a baseline and a fallback users can pick. */
export class MsgpackCodec implements Codec {
  readonly name = "msgpack";
  encode(rows: readonly unknown[]): Uint8Array {
    return encodeGeneral(rows);
  }
  decode(bytes: Uint8Array): unknown[] {
    return decodeAny(bytes);
  }
}

/** Structured clone through `v8.serialize`: slow, but keeps everything a structured clone keeps. */
export class V8Codec implements Codec {
  readonly name = "v8";
  encode(rows: readonly unknown[]): Uint8Array {
    const needs: Needs = { exact: true, nullPrototypes: false };
    validateRows(rows, needs);
    return encodeV8(rows, needs);
  }
  decode(bytes: Uint8Array): unknown[] {
    return decodeAny(bytes);
  }
}

export const defaultCodec: Codec = new AdaptiveCodec();

/**
 * A copier for a stream of values: each value as `codec` would hand it back through a shuffle, that is
 * `codec.decode(codec.encode([value]))[0]`, a fresh deep copy (what "auto" hands on where a broadcast join
 * replaces a shuffle and the consumers may tell copies from originals). Primitives are their own copy. For the
 * built-in codecs other than v8 (which keeps shared sub-values shared), the shape of the first object value
 * compiles into one specialised copy that makes the columnar writer's exactness checks (ordinary dense arrays with
 * no extra properties, plain objects with their keys in order, no sub-value shared); other values take the round trip.
 */
export function shuffleCopier(codec: Codec): (value: unknown) => unknown {
  const roundTrip = (v: unknown): unknown => codec.decode(codec.encode([v]))[0];
  const proto: unknown = Object.getPrototypeOf(codec);
  const compiles = proto === AdaptiveCodec.prototype || proto === MsgpackCodec.prototype;
  let copy: ((value: unknown) => unknown) | undefined;
  let compilesLeft = compiles ? MAX_COPY_COMPILES : 0;
  return (value) => {
    if (typeof value !== "object" || value === null) return typeof value === "function" || typeof value === "symbol" ? roundTrip(value) : value;
    let copied = copy ? copy(value) : NOT_COPIED;
    if (copied === NOT_COPIED && compilesLeft > 0) {
      // the stream changed shape (or this is its first object): specialise for the new one, a few times at most
      compilesLeft--;
      const shape = inferShape(value);
      const next = shape && compileCopy(shape);
      if (next) copied = (copy = next)(value);
    }
    return copied === NOT_COPIED ? roundTrip(value) : copied;
  };
}

/** How many shapes one copier specialises for before the rest of a mixed stream takes the round trip. */
const MAX_COPY_COMPILES = 4;

const NOT_COPIED = Symbol("not copied");
/** Shapes with more containers than this are copied by the round trip (the distinctness check grows as n²). */
const MAX_COPY_CONTAINERS = 8;

/** The copy function of a shape (cachedOnce), or null where the round trip copies. */
const compiledCopies = new Map<string, ((value: unknown) => unknown) | null>();

function compileCopy(shape: Shape): ((value: unknown) => unknown) | undefined {
  return cachedOnce(compiledCopies, JSON.stringify(shape), () => compileCopyOnce(shape) ?? null) ?? undefined;
}

function compileCopyOnce(shape: Shape): ((value: unknown) => unknown) | undefined {
  let vars = 0;
  const containers: string[] = [];
  const keyLists: string[][] = [];
  // Every value is read once, into its own variable (a getter runs once, as the shuffle's encode runs it):
  // test(s, v) is a condition that variable v holds shape s exactly; build(s, v) is its copy once that holds.
  const slot = (): string => `v${vars++}`;
  const read = new Map<Shape, string[]>(); // a container's item variables, for build
  const test = (s: Shape, v: string): string => {
    switch (s.k) {
      case "num":
      case "str":
      case "bool":
      case "undef":
      case "null":
        return leafTest(s.k, v);
      case "opt":
        return `(${v} == null || ${test(s.inner, v)})`;
      case "tuple": {
        containers.push(v);
        const items = s.items.map(() => slot());
        read.set(s, items);
        const n = s.items.length;
        return `(Array.isArray(${v}) && ${v}.length === ${n} && getPrototypeOf(${v}) === ArrayPrototype && exactArray(${v}, ${n})${s.items.map((item, j) => ` && ((${items[j]} = ${v}[${j}]), ${test(item, items[j]!)})`).join("")})`;
      }
      case "obj": {
        containers.push(v);
        const items = s.items.map(() => slot());
        read.set(s, items);
        const keys = `keys${keyLists.push(s.keys) - 1}`;
        return `(typeof ${v} === "object" && ${v} !== null && getPrototypeOf(${v}) === ObjectPrototype && keysInOrder(${v}, ${keys})${s.items.map((item, j) => ` && ((${items[j]} = ${v}[${JSON.stringify(s.keys[j])}]), ${test(item, items[j]!)})`).join("")})`;
      }
    }
  };
  const build = (s: Shape, v: string): string => {
    switch (s.k) {
      case "opt":
        return `(${v} == null ? ${v} : ${build(s.inner, v)})`;
      case "tuple":
        return `[${s.items.map((item, j) => build(item, read.get(s)![j]!)).join(", ")}]`;
      case "obj":
        return `{ ${s.keys.map((key, j) => `${JSON.stringify(key)}: ${build(s.items[j]!, read.get(s)![j]!)}`).join(", ")} }`;
      default:
        return v;
    }
  };
  const condition = test(shape, "value");
  if (containers.length > MAX_COPY_CONTAINERS) return undefined;
  // No sub-value shared (the columnar path would hand back two objects for it); an optional one may be absent.
  const distinct: string[] = [];
  for (let i = 0; i < containers.length; i++) {
    for (let j = i + 1; j < containers.length; j++) distinct.push(`(${containers[i]} !== ${containers[j]} || ${containers[i]} == null)`);
  }
  const locals = Array.from({ length: vars }, (_, i) => `v${i}`);
  const body = `${locals.length ? `let ${locals.join(", ")};` : ""} if (!(${condition}${distinct.map((d) => ` && ${d}`).join("")})) return NOT_COPIED; return ${build(shape, "value")};`;
  return new Function(
    "getPrototypeOf",
    "ArrayPrototype",
    "ObjectPrototype",
    "exactArray",
    "keysInOrder",
    "NOT_COPIED",
    ...keyLists.map((_, i) => `keys${i}`),
    `return function copy(value) { ${body} };`,
  )(
    Object.getPrototypeOf,
    Array.prototype,
    Object.prototype,
    isExactArray,
    (o: object, keys: readonly string[]) => {
      let i = 0;
      for (const key in o) if (key !== keys[i++]) return false;
      return i === keys.length;
    },
    NOT_COPIED,
    ...keyLists,
  ) as (value: unknown) => unknown;
}
