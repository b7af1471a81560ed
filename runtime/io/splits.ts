/**
 * Byte splits of line-oriented files (Hadoop's rule): a file is cut into byte ranges, and a line belongs to
 * the split holding its first byte. So a split starts after the first newline at or past its start (unless
 * its start is right after a newline) and ends with the line crossing its end. Every line is read by exactly
 * one split, and a split is read in chunks, so a reader holds one chunk plus one line, never a whole file.
 */
import fs from "node:fs";
import zlib from "node:zlib";
import { InvalidArgumentError } from "../errors.js";

/** Bytes a reader can read by position: an open file, or a decompressed buffer. */
export interface ByteSource {
  readonly size: number;
  /** Reads up to `target.length` bytes at `position`; returns how many were read. */
  read(target: Buffer, position: number): number;
  close(): void;
}

export const DEFAULT_CHUNK_BYTES = 1 << 20;
/** Largest split of a splittable file (Spark's spark.sql.files.maxPartitionBytes is 128 MiB). */
export const DEFAULT_MAX_SPLIT_BYTES = 64 * (1 << 20);

export function isGzip(file: string): boolean {
  return file.endsWith(".gz");
}

/** Opens `file` for positional reads; a gzip file is decompressed whole (gzip cannot be split: one split per file, as Hadoop). */
export function openSource(file: string): ByteSource {
  if (isGzip(file)) {
    let data: Buffer;
    try {
      data = zlib.gunzipSync(fs.readFileSync(file));
    } catch (e) {
      throw new InvalidArgumentError(`Cannot decompress ${file} (${(e as Error).message}). Check it is a gzip file, or rename it without .gz.`);
    }
    return bufferSource(data);
  }
  const fd = fs.openSync(file, "r");
  const size = fs.fstatSync(fd).size;
  return {
    size,
    read: (target, position) => (position >= size ? 0 : fs.readSync(fd, target, 0, target.length, position)),
    close: () => fs.closeSync(fd),
  };
}

export function bufferSource(data: Buffer): ByteSource {
  return {
    size: data.length,
    read: (target, position) => data.copy(target, 0, position, Math.min(data.length, position + target.length)),
    close: () => {},
  };
}

/** Cuts `size` bytes into ranges of about `splitBytes` (the last may be shorter). */
export function byteRanges(size: number, splitBytes: number): { start: number; end: number }[] {
  const step = Math.max(1, Math.floor(splitBytes));
  const out: { start: number; end: number }[] = [];
  for (let start = 0; start < size; start += step) out.push({ start, end: Math.min(size, start + step) });
  return out;
}

/** Position just past the first newline at or after `from` (the source's size when there is none). */
function afterNewline(source: ByteSource, from: number, probe: Buffer): number {
  for (let pos = from; pos < source.size; ) {
    const n = source.read(probe, pos);
    if (n === 0) break;
    const nl = probe.subarray(0, n).indexOf(0x0a);
    if (nl !== -1) return pos + nl + 1;
    pos += n;
  }
  return source.size;
}

function byteAt(source: ByteSource, position: number, probe: Buffer): number {
  return source.read(probe.subarray(0, 1), position) === 1 ? probe[0]! : -1;
}

/** The bytes [from, to) holding exactly the lines that start in [start, end). */
export function alignToLines(source: ByteSource, start: number, end: number, probeBytes = 64 * 1024): { from: number; to: number } {
  const probe = Buffer.alloc(Math.max(1, probeBytes));
  const size = source.size;
  end = Math.min(end, size);
  const from = start <= 0 ? 0 : byteAt(source, start - 1, probe) === 0x0a ? start : afterNewline(source, start, probe);
  if (from >= end) return { from: end, to: end };
  const to = end >= size ? size : byteAt(source, end - 1, probe) === 0x0a ? end : afterNewline(source, end, probe);
  return { from, to };
}

/**
 * Calls `onLine(line, offset)` for each line in [from, to) (already aligned), reading `chunkBytes` at a time.
 * A trailing `\r` is dropped (CRLF files); the last line may lack its newline. Returns the bytes read.
 */
export function forEachLine(
  source: ByteSource,
  from: number,
  to: number,
  onLine: (line: string, offset: number) => void,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): number {
  const chunk = Buffer.alloc(Math.max(1, Math.min(chunkBytes, Math.max(1, to - from))));
  let pending: Buffer[] = []; // pieces of a line that runs past a chunk
  let lineStart = from;
  let pos = from;
  const emit = (bytes: Buffer) => {
    let text = bytes.toString("utf8");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    onLine(text, lineStart);
  };
  while (pos < to) {
    const n = source.read(chunk.subarray(0, Math.min(chunk.length, to - pos)), pos);
    if (n === 0) break;
    const view = chunk.subarray(0, n);
    let at = 0;
    for (;;) {
      const nl = view.indexOf(0x0a, at);
      if (nl === -1) break;
      const piece = view.subarray(at, nl);
      emit(pending.length ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      lineStart = pos + nl + 1;
      at = nl + 1;
    }
    if (at < n) pending.push(Buffer.from(view.subarray(at))); // copied: the chunk buffer is reused
    pos += n;
  }
  if (pending.length) emit(Buffer.concat(pending));
  return pos - from;
}

/** Streams the raw bytes [from, to) in chunks (for parsers that find their own record boundaries). */
export function forEachChunk(source: ByteSource, from: number, to: number, onChunk: (bytes: Buffer) => void, chunkBytes = DEFAULT_CHUNK_BYTES): number {
  let pos = from;
  while (pos < to) {
    const chunk = Buffer.alloc(Math.min(chunkBytes, to - pos)); // fresh: a parser may keep a reference
    const n = source.read(chunk, pos);
    if (n === 0) break;
    onChunk(chunk.subarray(0, n));
    pos += n;
  }
  return pos - from;
}

/** 1-based line number of the byte at `offset` (counted only when an error needs it). */
export function lineNumberAt(source: ByteSource, offset: number): number {
  const chunk = Buffer.alloc(DEFAULT_CHUNK_BYTES);
  let line = 1;
  for (let pos = 0; pos < offset; ) {
    const n = source.read(chunk.subarray(0, Math.min(chunk.length, offset - pos)), pos);
    if (n === 0) break;
    for (let i = chunk.indexOf(0x0a, 0); i !== -1 && i < n; i = chunk.indexOf(0x0a, i + 1)) line++;
    pos += n;
  }
  return line;
}
