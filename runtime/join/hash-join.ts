/** Joining rows of one partition: a hash table on one side, the other side streamed through it. */
import { KeyIndex } from "../shuffle/keys.js";
import { isPair, notAPair, type Emit } from "../rdd/rdd.js";
import { keepShapeOf } from "../shapes.js";
import type { PairColumns } from "../shuffle/codec.js";

export type JoinType = "inner" | "leftOuter" | "rightOuter" | "fullOuter";
export type Pair = [unknown, unknown];
export type Joined = [unknown, [unknown, unknown]];
/**
 * Where a join hands each joined row, taken apart: (key, left, right), `undefined` on the side an outer join's
 * unmatched row lacks. `(k, l, r) => emit([k, [l, r]])` is the join's own output; a consumer fused into the join
 * (see JoinRDD.computeJoined) builds its own row instead.
 */
export type JoinedSink = (key: unknown, left: unknown, right: unknown) => void;

/**
 * The build side of a hash join, with no object per row or per key: keys get
 * dense ids from a {@link KeyIndex}; a key's values are a chain of row
 * numbers (head/tail per key, next per row, in insertion order) over one
 * array of values; `matched` marks keys a stream row found (outer joins).
 *
 * Keys match by value ({@link KeyIndex}: SameValueZero, element-wise for
 * tuples, a hole in a tuple equal to `undefined`), so rows of one key id may
 * hold keys that are equal but not identical (`0` and `-0`, `[1, , 2]` and
 * `[1, undefined, 2]`). Each row keeps its own key, so which key a joined row
 * carries never depends on which side was the table or which row came first:
 * a joined row carries the left row's key, an unmatched row its own key
 * (exactly what a shuffle join and a broadcast join of either side emit).
 *
 * A table made by {@link HashTable.ofColumns} holds no value objects: each valueOf builds its row's value
 * afresh from the columns (for consumers that only read, JoinOptions.readOnly).
 */
export class HashTable {
  rows = 0;
  private readonly index: KeyIndex;
  private keyIds = 0;
  private head: Int32Array;
  private tail: Int32Array;
  private matchedIds: Uint8Array;
  private readonly values: unknown[] = []; // per row
  private readonly rowKeys: unknown[] = []; // per row: its own key
  private next: Int32Array; // per row: the key's next row, or -1
  private columns: PairColumns | undefined = undefined; // the rows' values, when they are not in `values`

  constructor(expectedRows = 0) {
    const n = Math.max(16, expectedRows);
    this.index = new KeyIndex(expectedRows);
    this.head = new Int32Array(n);
    this.tail = new Int32Array(n);
    this.matchedIds = new Uint8Array(n);
    this.next = new Int32Array(n);
  }

  add(row: unknown): void {
    if (!isPair(row)) throw notAPair("join", row);
    this.addPair(row[0], row[1]);
  }

  /** The table of pair columns' rows: their keys read once, their values built at each valueOf. */
  static ofColumns(columns: PairColumns): HashTable {
    const table = new HashTable(columns.n);
    table.columns = columns;
    columns.readKeys(table);
    return table;
  }

  /** add() of the row [key, value], taken apart already (a decoded shuffle block). */
  addPair(key: unknown, value: unknown): void {
    this.values.push(value);
    this.addKey(key);
  }

  /** A row whose value the table's columns hold (ofColumns), or whose value addPair has pushed. */
  addKey(key: unknown): void {
    const r = this.rows++;
    if (r === this.next.length) this.next = grow(this.next);
    this.rowKeys.push(key);
    this.next[r] = -1;
    const id = this.index.intern(key);
    if (id === this.keyIds) {
      if (id === this.head.length) this.growKeys();
      this.keyIds++;
      this.head[id] = r;
    } else {
      this.next[this.tail[id]!] = r;
    }
    this.tail[id] = r;
  }

  /** The key's id, or -1 when no build row has it. */
  find(key: unknown): number {
    return this.index.get(key);
  }

  firstRow(id: number): number {
    return this.head[id]!;
  }

  /** Build rows of one key: for (let r = firstRow(id); r !== -1; r = nextRow(r)) valueOf(r). */
  nextRow(r: number): number {
    return this.next[r]!;
  }

  valueOf(r: number): unknown {
    const columns = this.columns;
    return columns === undefined ? this.values[r] : columns.valueAt(r);
  }

  /** The key of build row r, as that row held it. */
  keyOf(r: number): unknown {
    return this.rowKeys[r];
  }

  markMatched(id: number): void {
    this.matchedIds[id] = 1;
  }

  /** Calls f for every build row of a key no stream row matched. */
  forEachUnmatched(f: (key: unknown, value: unknown) => void): void {
    for (let id = 0; id < this.keyIds; id++) {
      if (this.matchedIds[id] === 1) continue;
      for (let r = this.head[id]!; r !== -1; r = this.next[r]!) f(this.rowKeys[r], this.valueOf(r));
    }
  }

  private growKeys(): void {
    this.head = grow(this.head);
    this.tail = grow(this.tail);
    const matched = new Uint8Array(this.head.length);
    matched.set(this.matchedIds);
    this.matchedIds = matched;
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** What a probe does to each streamed row besides looking it up (see probe). */
export interface ProbeSteps {
  /** A pruning projection of the stream side, fused here: applied to a stream value only when its row is emitted. */
  project?: (value: unknown) => unknown;
  /** Sees every row first (the streamed side's serializability check under "auto", see join-rdd.ts streamPartition). */
  check?: (row: unknown) => void;
  /** Copies an object key of a row that is emitted, once per row (keys handed on as a shuffle would: join-rdd.ts). */
  copyKey?: (key: unknown) => unknown;
}

/**
 * Streams `stream` rows through a table built from the other side.
 * `buildIsRight` says which side the table holds, so output stays (key, left, right)
 * with the left row's key (the stream row's when the table holds the right side, the build row's otherwise).
 * `keepUnmatchedStream` emits stream rows with no match (the outer side), with their own keys.
 * Unmatched rows of an inner join are never projected, nor their keys copied.
 */
export function probe(
  table: HashTable,
  buildIsRight: boolean,
  keepUnmatchedStream: boolean,
  trackMatches: boolean,
  sink: JoinedSink,
  { project, check, copyKey }: ProbeSteps = {},
): Emit<unknown> {
  // The body of probePairs, inline: the streamed side of a broadcast join runs here once per row, and a
  // second closure call per row measurably costs. So did the check (and copy) in a closure of its own around
  // this one: the probe's own calls (the table's find) were then no longer inlined (auto big x small 36 -> 26 ms).
  return (row) => {
    if (check !== undefined) check(row);
    if (!isPair(row)) throw notAPair("join", row);
    const streamKey = row[0];
    const id = table.find(streamKey);
    if (id === -1 && !keepUnmatchedStream) return;
    const key = copyKey !== undefined && typeof streamKey === "object" && streamKey !== null ? copyKey(streamKey) : streamKey;
    const value = project ? project(row[1]) : row[1];
    if (id !== -1) {
      if (trackMatches) table.markMatched(id);
      for (let r = table.firstRow(id); r !== -1; r = table.nextRow(r)) {
        if (buildIsRight) sink(key, value, table.valueOf(r));
        else sink(table.keyOf(r), table.valueOf(r), value);
      }
    } else if (keepUnmatchedStream) {
      if (buildIsRight) sink(key, value, undefined);
      else sink(key, undefined, value);
    }
  };
}

/** probe() for stream rows taken apart already: (key, value) of each. */
export function probePairs(
  table: HashTable,
  buildIsRight: boolean,
  keepUnmatchedStream: boolean,
  trackMatches: boolean,
  sink: JoinedSink,
  project?: (value: unknown) => unknown,
): (key: unknown, value: unknown) => void {
  return (key, streamValue) => {
    const id = table.find(key);
    if (id === -1 && !keepUnmatchedStream) return;
    const value = project ? project(streamValue) : streamValue;
    if (id !== -1) {
      if (trackMatches) table.markMatched(id);
      for (let r = table.firstRow(id); r !== -1; r = table.nextRow(r)) {
        if (buildIsRight) sink(key, value, table.valueOf(r));
        else sink(table.keyOf(r), table.valueOf(r), value);
      }
    } else if (keepUnmatchedStream) {
      if (buildIsRight) sink(key, value, undefined);
      else sink(key, undefined, value);
    }
  };
}

/** Build-side rows no stream row matched (for the outer side held in the table). */
export function emitUnmatched(table: HashTable, buildIsRight: boolean, sink: JoinedSink): void {
  table.forEachUnmatched((key, v) => (buildIsRight ? sink(key, undefined, v) : sink(key, v, undefined)));
}

/** Hands each row of a side as (key, value), failing on a row that is not a pair as the join does. */
export type PairReader = (f: (key: unknown, value: unknown) => void) => void;

/** A shuffled (or co-partitioned) hash join of one partition: build the right side, stream the left. */
export function joinPartition(type: JoinType, readLeft: PairReader, readRight: PairReader, sink: JoinedSink): void {
  const table = new HashTable();
  readRight((key, value) => table.addPair(key, value));
  const rightOuter = type === "rightOuter" || type === "fullOuter";
  const leftOuter = type === "leftOuter" || type === "fullOuter";
  readLeft(probePairs(table, true, leftOuter, rightOuter, sink));
  if (rightOuter) emitUnmatched(table, true, sink);
}

keepShapeOf(new HashTable()); // its hidden class outlives every job (shapes.ts)
