/**
 * Codecs turn a batch of rows into bytes and back. The shuffle, spilled
 * blocks, serialized storage levels and broadcasts all go through one.
 *
 * The default, {@link AdaptiveCodec}, infers the batch's shape (tuples, plain
 * objects, numbers, strings, booleans, optional values) and writes it
 * column by column into typed arrays; batches it cannot describe go to
 * msgpackr, or to `v8.serialize` where only that is exact (`-0`, `Set`, lone
 * surrogates). Values no codec can carry (functions, symbols, class
 * instances) fail with a {@link SerializationError} instead of being corrupted.
 */
import v8 from "node:v8";
import { Packr } from "msgpackr";
import { SerializationError } from "../errors.js";

export interface Codec {
  readonly name: string;
  encode(rows: readonly unknown[]): Uint8Array;
  decode(bytes: Uint8Array): unknown[];
}

const TAG_COLUMNAR = 0x43; // 'C'
const TAG_MSGPACK = 0x4d; // 'M'
const TAG_V8 = 0x56; // 'V'

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

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

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
        if (v.length > MAX_TUPLE) return undefined;
        const items: Shape[] = [];
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) return undefined; // a hole
          const s = inferShape(v[i], depth + 1);
          if (!s) return undefined;
          items.push(s);
        }
        return { k: "tuple", items };
      }
      if (!isPlainObject(v)) return undefined;
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

interface Columns {
  nums: Float64Array[];
  strs: string[][];
  bools: Uint8Array[];
  tags: Uint8Array[];
}

type Writer = (v: unknown, row: number) => boolean;
type Reader = (row: number) => unknown;

const TAG_PRESENT = 0;
const TAG_UNDEFINED = 1;
const TAG_NULL = 2;

function buildWriter(shape: Shape, cols: Columns, n: number): { write: Writer; fill: (row: number) => void } {
  switch (shape.k) {
    case "num": {
      const col = new Float64Array(n);
      cols.nums.push(col);
      return {
        write: (v, i) => {
          if (typeof v !== "number") return false;
          col[i] = v;
          return true;
        },
        fill: () => {},
      };
    }
    case "str": {
      const col: string[] = new Array(n);
      cols.strs.push(col);
      return {
        write: (v, i) => {
          if (typeof v !== "string" || !(v as unknown as { isWellFormed(): boolean }).isWellFormed()) return false;
          col[i] = v;
          return true;
        },
        fill: (i) => {
          col[i] = "";
        },
      };
    }
    case "bool": {
      const col = new Uint8Array(n);
      cols.bools.push(col);
      return {
        write: (v, i) => {
          if (typeof v !== "boolean") return false;
          col[i] = v ? 1 : 0;
          return true;
        },
        fill: () => {},
      };
    }
    case "undef":
      return { write: (v) => v === undefined, fill: () => {} };
    case "null":
      return { write: (v) => v === null, fill: () => {} };
    case "opt": {
      const tags = new Uint8Array(n);
      cols.tags.push(tags);
      const inner = buildWriter(shape.inner, cols, n);
      return {
        write: (v, i) => {
          if (v === undefined) {
            tags[i] = TAG_UNDEFINED;
            inner.fill(i);
            return true;
          }
          if (v === null) {
            tags[i] = TAG_NULL;
            inner.fill(i);
            return true;
          }
          return inner.write(v, i);
        },
        fill: (i) => {
          tags[i] = TAG_UNDEFINED;
          inner.fill(i);
        },
      };
    }
    case "tuple": {
      const parts = shape.items.map((s) => buildWriter(s, cols, n));
      const len = parts.length;
      const writes = parts.map((p) => p.write);
      return {
        write: (v, i) => {
          if (!Array.isArray(v) || v.length !== len) return false;
          for (let j = 0; j < len; j++) if (!writes[j]!(v[j], i)) return false;
          return true;
        },
        fill: (i) => parts.forEach((p) => p.fill(i)),
      };
    }
    case "obj": {
      const parts = shape.items.map((s) => buildWriter(s, cols, n));
      const keys = shape.keys;
      const len = keys.length;
      const writes = parts.map((p) => p.write);
      return {
        write: (v, i) => {
          if (typeof v !== "object" || v === null || Array.isArray(v) || !isPlainObject(v)) return false;
          // Same keys in the same order: decoding rebuilds exactly this object (getters are read, as a structured clone does).
          let j = 0;
          for (const key in v) {
            if (j >= len || key !== keys[j]) return false;
            j++;
          }
          if (j !== len) return false;
          for (j = 0; j < len; j++) if (!writes[j]!((v as Record<string, unknown>)[keys[j]!], i)) return false;
          return true;
        },
        fill: (i) => parts.forEach((p) => p.fill(i)),
      };
    }
  }
}

interface ReadColumns {
  nums: ArrayLike<number>[];
  strs: ((row: number) => string)[];
  bools: Uint8Array[];
  tags: Uint8Array[];
  at: { nums: number; strs: number; bools: number; tags: number };
}

function buildReader(shape: Shape, cols: ReadColumns): Reader {
  switch (shape.k) {
    case "num": {
      const col = cols.nums[cols.at.nums++]!;
      return (i) => col[i];
    }
    case "str":
      return cols.strs[cols.at.strs++]!;
    case "bool": {
      const col = cols.bools[cols.at.bools++]!;
      return (i) => col[i] === 1;
    }
    case "undef":
      return () => undefined;
    case "null":
      return () => null;
    case "opt": {
      const tags = cols.tags[cols.at.tags++]!;
      const inner = buildReader(shape.inner, cols);
      return (i) => {
        const t = tags[i];
        return t === TAG_PRESENT ? inner(i) : t === TAG_NULL ? null : undefined;
      };
    }
    case "tuple": {
      const r = shape.items.map((s) => buildReader(s, cols));
      switch (r.length) {
        case 0:
          return () => [];
        case 1: {
          const [a] = r as [Reader];
          return (i) => [a(i)];
        }
        case 2: {
          const [a, b] = r as [Reader, Reader];
          return (i) => [a(i), b(i)];
        }
        case 3: {
          const [a, b, c] = r as [Reader, Reader, Reader];
          return (i) => [a(i), b(i), c(i)];
        }
        default:
          return (i) => {
            const out = new Array(r.length);
            for (let j = 0; j < r.length; j++) out[j] = r[j]!(i);
            return out;
          };
      }
    }
    case "obj": {
      const r = shape.items.map((s) => buildReader(s, cols));
      const keys = shape.keys;
      return (i) => {
        const out: Record<string, unknown> = {};
        for (let j = 0; j < keys.length; j++) out[keys[j]!] = r[j]!(i);
        return out;
      };
    }
  }
}

// ---------------------------------------------------------------- columnar block layout
// u8 tag | u8[3] 0 | u32 rows | u32 header length | header JSON | pad to 8 | columns, each padded to 8

const align8 = (n: number) => (n + 7) & ~7;

interface Header {
  shape: Shape;
  num: ("f64" | "i32")[];
  str: number[]; // byte length of each string column's UTF-8 data
}

function fitsInt32(col: Float64Array): boolean {
  for (let i = 0; i < col.length; i++) {
    const x = col[i]!;
    if ((x | 0) !== x || (x === 0 && 1 / x < 0)) return false;
  }
  return true;
}

function encodeColumnar(rows: readonly unknown[]): Uint8Array | undefined {
  const n = rows.length;
  let shape = n > 0 ? inferShape(rows[0]) : { k: "null" as const };
  for (let attempt = 0; shape && attempt < 4; attempt++) {
    const cols: Columns = { nums: [], strs: [], bools: [], tags: [] };
    const { write } = buildWriter(shape, cols, n);
    let i = 0;
    while (i < n && write(rows[i], i)) i++;
    if (i === n) return layoutColumnar(shape, cols, n);
    const other = inferShape(rows[i]);
    shape = other && mergeShapes(shape, other);
  }
  return undefined;
}

function layoutColumnar(shape: Shape, cols: Columns, n: number): Uint8Array {
  const numKinds = cols.nums.map((c) => (fitsInt32(c) ? "i32" : "f64") as "i32" | "f64");
  const strBytes = cols.strs.map((c) => {
    let total = 0;
    for (let i = 0; i < n; i++) total += Buffer.byteLength(c[i]!, "utf8");
    return total;
  });
  const header = Buffer.from(JSON.stringify({ shape, num: numKinds, str: strBytes } satisfies Header), "utf8");
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
    let pos = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = pos;
      pos += out.write(col[i]!, at + pos, "utf8");
    }
    offsets[n] = pos;
    at += align8(strBytes[j]!);
  });
  for (const col of [...cols.bools, ...cols.tags]) {
    out.set(col, at);
    at += align8(n);
  }
  return out;
}

function decodeColumnar(bytes: Uint8Array): unknown[] {
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
  const strs = header.str.map((byteLength) => {
    const offsets = new Uint32Array(bytes.buffer, base + at, n + 1);
    at += align8(4 * (n + 1));
    const start = at;
    at += align8(byteLength);
    return (i: number) => buf.toString("utf8", start + offsets[i]!, start + offsets[i + 1]!);
  });
  const counts = { bools: 0, tags: 0 };
  countFlagColumns(header.shape, counts);
  const bools: Uint8Array[] = [];
  for (let j = 0; j < counts.bools; j++, at += align8(n)) bools.push(bytes.subarray(at, at + n));
  const tags: Uint8Array[] = [];
  for (let j = 0; j < counts.tags; j++, at += align8(n)) tags.push(bytes.subarray(at, at + n));
  const read = buildReader(header.shape, { nums, strs, bools, tags, at: { nums: 0, strs: 0, bools: 0, tags: 0 } });
  const rows = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = read(i);
  return rows;
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
}

/** Walks a value and throws on what no codec can carry; notes what only v8.serialize keeps exactly. */
function validate(v: unknown, path: string, needs: Needs, seen: Set<object>): void {
  switch (typeof v) {
    case "number":
      if (v === 0 && 1 / v < 0) needs.exact = true;
      return;
    case "string":
      if (!(v as unknown as { isWellFormed(): boolean }).isWellFormed()) needs.exact = true;
      return;
    case "boolean":
    case "bigint":
    case "undefined":
      return;
    case "function":
      throw new SerializationError(
        `Cannot serialize ${path || "a row"}: it is a function. Shuffled, broadcast and serialized-cached rows must be data; ` +
          `compute the value before the shuffle or keep functions out of RDD rows.`,
      );
    case "symbol":
      throw new SerializationError(`Cannot serialize ${path || "a row"}: it is a symbol. Use a string instead.`);
  }
  if (v === null) return;
  const o = v as object;
  if (seen.has(o)) {
    needs.exact = true; // a cycle: only the structured clone keeps it
    return;
  }
  seen.add(o);
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) validate(o[i], `${path}[${i}]`, needs, seen);
  } else if (o instanceof Date || ArrayBuffer.isView(o)) {
    needs.exact ||= !(o instanceof Date) && !(o instanceof Uint8Array);
  } else if (o instanceof Map) {
    // msgpackr decodes every map alike: a Map and a plain object in one batch cannot both come back as they were.
    needs.exact = true;
    for (const [k, val] of o) {
      validate(k, `${path}<key>`, needs, seen);
      validate(val, `${path}.get(…)`, needs, seen);
    }
  } else if (o instanceof Set) {
    needs.exact = true;
    for (const val of o) validate(val, `${path}<element>`, needs, seen);
  } else if (isPlainObject(o)) {
    if (Object.prototype.hasOwnProperty.call(o, "__proto__")) needs.exact = true; // msgpackr renames this key
    for (const key of Object.keys(o)) {
      if (!(key as unknown as { isWellFormed(): boolean }).isWellFormed()) needs.exact = true; // msgpackr would mangle a lone surrogate in a key
      validate((o as Record<string, unknown>)[key], `${path}.${key}`, needs, seen);
    }
  } else {
    const name = Object.getPrototypeOf(o)?.constructor?.name ?? "unknown";
    throw new SerializationError(
      `Cannot serialize ${path || "a row"}: it is an instance of class ${name}, which would come back as a plain object without its methods. ` +
        `Map it to a plain object or tuple before the shuffle (and rebuild the instance after it), or persist with a deserialized storage level.`,
    );
  }
  seen.delete(o);
}

// Maps go to v8 (see validate), so msgpack maps always decode as plain objects, which rows hold far more often.
const packr = new Packr({ useRecords: false, useBigIntExtension: true, mapsAsObjects: true });

function encodeGeneral(rows: readonly unknown[]): Uint8Array {
  const needs: Needs = { exact: false };
  const seen = new Set<object>();
  for (let i = 0; i < rows.length; i++) validate(rows[i], "", needs, seen);
  const payload = needs.exact ? v8.serialize(rows) : packr.pack(rows);
  const out = new Uint8Array(payload.length + 1);
  out[0] = needs.exact ? TAG_V8 : TAG_MSGPACK;
  out.set(payload, 1);
  return out;
}

// ---------------------------------------------------------------- codecs

/** The default: columnar typed arrays where the batch has a shape, msgpackr or v8 otherwise. */
export class AdaptiveCodec implements Codec {
  readonly name = "adaptive";

  encode(rows: readonly unknown[]): Uint8Array {
    return encodeColumnar(rows) ?? encodeGeneral(rows);
  }

  decode(bytes: Uint8Array): unknown[] {
    switch (bytes[0]) {
      case TAG_COLUMNAR:
        return decodeColumnar(bytes);
      case TAG_MSGPACK:
        return packr.unpack(bytes.subarray(1)) as unknown[];
      case TAG_V8:
        return v8.deserialize(bytes.subarray(1)) as unknown[];
      default:
        throw new SerializationError(`Corrupt block: unknown codec tag ${bytes[0]}. The shuffle or spill file was damaged; rerun the job.`);
    }
  }
}

/** Row codec through msgpackr only (no columnar path); a baseline and a fallback users can pick. */
export class MsgpackCodec implements Codec {
  readonly name = "msgpack";
  encode(rows: readonly unknown[]): Uint8Array {
    return encodeGeneral(rows);
  }
  decode(bytes: Uint8Array): unknown[] {
    return new AdaptiveCodec().decode(bytes);
  }
}

/** Structured clone through `v8.serialize`: slow, but keeps everything a structured clone keeps. */
export class V8Codec implements Codec {
  readonly name = "v8";
  encode(rows: readonly unknown[]): Uint8Array {
    validate(rows, "", { exact: true }, new Set());
    const payload = v8.serialize(rows);
    const out = new Uint8Array(payload.length + 1);
    out[0] = TAG_V8;
    out.set(payload, 1);
    return out;
  }
  decode(bytes: Uint8Array): unknown[] {
    return v8.deserialize(bytes.subarray(1)) as unknown[];
  }
}

export const defaultCodec: Codec = new AdaptiveCodec();
