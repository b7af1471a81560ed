/** Joining rows of one partition: a hash table on one side, the other side streamed through it. */
import { KeyMap } from "../shuffle/keys.js";
import { isPair, notAPair, type Emit } from "../rdd/rdd.js";

export type JoinType = "inner" | "leftOuter" | "rightOuter" | "fullOuter";
export type Pair = [unknown, unknown];
export type Joined = [unknown, [unknown, unknown]];

/** All values of one key on the build side; `matched` tracks outer joins' unmatched build rows. */
export interface Bucket {
  key: unknown;
  values: unknown[];
  matched: boolean;
}

export class HashTable {
  readonly buckets = new KeyMap<Bucket>();
  rows = 0;

  add(row: unknown): void {
    if (!isPair(row)) throw notAPair("join", row);
    const bucket = this.buckets.get(row[0]);
    if (bucket) bucket.values.push(row[1]);
    else this.buckets.set(row[0], { key: row[0], values: [row[1]], matched: false });
    this.rows++;
  }
}

/**
 * Streams `stream` rows through a table built from the other side.
 * `buildIsRight` says which side the table holds, so output stays [key, [left, right]].
 * `keepUnmatchedStream` emits stream rows with no match (the outer side).
 */
export function probe(table: HashTable, buildIsRight: boolean, keepUnmatchedStream: boolean, trackMatches: boolean, emit: Emit<Joined>): Emit<unknown> {
  return (row) => {
    if (!isPair(row)) throw notAPair("join", row);
    const key = row[0];
    const value = row[1];
    const bucket = table.buckets.get(key);
    if (bucket) {
      if (trackMatches) bucket.matched = true;
      const values = bucket.values;
      if (buildIsRight) for (let i = 0; i < values.length; i++) emit([key, [value, values[i]]]);
      else for (let i = 0; i < values.length; i++) emit([key, [values[i], value]]);
    } else if (keepUnmatchedStream) {
      emit(buildIsRight ? [key, [value, undefined]] : [key, [undefined, value]]);
    }
  };
}

/** Build-side rows no stream row matched (for the outer side held in the table). */
export function emitUnmatched(table: HashTable, buildIsRight: boolean, emit: Emit<Joined>): void {
  table.buckets.forEach((bucket) => {
    if (bucket.matched) return;
    for (const v of bucket.values) emit(buildIsRight ? [bucket.key, [undefined, v]] : [bucket.key, [v, undefined]]);
  });
}

/** A shuffled (or co-partitioned) hash join of one partition: build the right side, stream the left. */
export function joinPartition(
  type: JoinType,
  readLeft: (emit: Emit<Pair>) => void,
  readRight: (emit: Emit<Pair>) => void,
  emit: Emit<Joined>,
): void {
  const table = new HashTable();
  readRight((row) => table.add(row));
  const rightOuter = type === "rightOuter" || type === "fullOuter";
  const leftOuter = type === "leftOuter" || type === "fullOuter";
  readLeft(probe(table, true, leftOuter, rightOuter, emit));
  if (rightOuter) emitUnmatched(table, true, emit);
}
