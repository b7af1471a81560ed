/** Planning and reading byte splits of line-oriented files (text, JSON Lines, CSV without multi-line fields). */
import fs from "node:fs";
import type { PartitionValue, SourceSplit } from "./source.js";
import { alignToLines, byteRanges, forEachChunk, forEachLine, isGzip, lineNumberAt, openSource, type ByteSource } from "./splits.js";

export interface PlannedFile {
  file: string;
  size: number;
  values: Record<string, PartitionValue>;
}

/** Splits of about `splitBytes` per file; a gzip file (or any file when `whole`) is one split. Empty files have none. */
export function planLineSplits(files: readonly PlannedFile[], splitBytes: number, whole = false): SourceSplit[] {
  const out: SourceSplit[] = [];
  for (const f of files) {
    if (f.size === 0) continue;
    const ranges = whole || isGzip(f.file) ? [{ start: 0, end: f.size }] : byteRanges(f.size, splitBytes);
    ranges.forEach((r, i) => out.push({ file: f.file, start: r.start, end: r.end, firstOfFile: i === 0, partitionValues: f.values }));
  }
  return out;
}

/** Where a reader is in a split: the open source and the byte offset of the line in hand (for a line number on error). */
export interface SplitCursor {
  readonly source: ByteSource;
  /** The 1-based line number of byte `offset` of the (decompressed) file; counted only when called. */
  lineAt(offset: number): number;
}

function cursorOf(source: ByteSource): SplitCursor {
  return { source, lineAt: (offset) => lineNumberAt(source, offset) };
}

/** The aligned byte range of a split: whole decompressed file for gzip, else Hadoop's line rule. */
function rangeOf(split: SourceSplit, source: ByteSource): { from: number; to: number } {
  return isGzip(split.file) ? { from: 0, to: source.size } : alignToLines(source, split.start, split.end);
}

/** Calls `onLine` for each line of the split; returns the bytes read from disk. */
export function readSplitLines(split: SourceSplit, onLine: (line: string, offset: number, cursor: SplitCursor) => void, chunkBytes?: number): number {
  const source = openSource(split.file);
  try {
    const cursor = cursorOf(source);
    const { from, to } = rangeOf(split, source);
    const read = forEachLine(source, from, to, (line, offset) => onLine(line, offset, cursor), chunkBytes);
    return diskBytes(split, read);
  } finally {
    source.close();
  }
}

/** Streams the split's aligned bytes in chunks (a parser finds record boundaries itself); returns the bytes read from disk. */
export function readSplitChunks(
  split: SourceSplit,
  onStart: (from: number, to: number, cursor: SplitCursor) => void,
  onChunk: (bytes: Buffer) => void,
  onEnd: () => void,
  chunkBytes?: number,
): number {
  const source = openSource(split.file);
  try {
    const { from, to } = rangeOf(split, source);
    onStart(from, to, cursorOf(source));
    const scanned = forEachChunk(source, from, to, onChunk, chunkBytes);
    onEnd();
    return diskBytes(split, scanned);
  } finally {
    source.close();
  }
}

/** A gzip split reads its whole compressed file from disk; a plain split what it scanned. */
function diskBytes(split: SourceSplit, scanned: number): number {
  return isGzip(split.file) ? fs.statSync(split.file).size : scanned;
}
