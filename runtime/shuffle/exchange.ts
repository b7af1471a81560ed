/**
 * The two halves of a shuffle. A map task buckets its partition's rows by
 * reduce partition (combining values per key first when the shuffle has a
 * map-side combiner), encodes each bucket as one batch and hands the blocks
 * to the store. A reduce task fetches its block from every map output and
 * decodes it.
 */
import type { ShuffleDependency } from "../rdd/dependency.js";
import { isPair, notAPair, type RDD } from "../rdd/rdd.js";
import { PipelinedRDD, PrematerializedRDD, ProjectedRDD } from "../rdd/narrow.js";
import { fieldwiseSumOf, returnsFreshArray } from "../closure.js";
import { StorageLevel } from "../storage/level.js";
import type { TaskContext } from "../scheduler/task.js";
import { COMBINED, KeyedCombiner, PREFIX, RAW, SumCombiner, SumMerger, type MapCombiner, type RowRole, type ShuffleMerger } from "./combine.js";
import { encodeEachPartition, joinSegments, splitSegments, tagsItsBlocks, type Codec, type EncodeHints, type FusedPick } from "./codec.js";
import { HashPartitioner } from "./partitioner.js";
import { flatPick } from "../rdd/projection.js";
import { computePairs } from "../rdd/join-fusion.js";

export function writeShuffle(dep: ShuffleDependency, split: number, tc: TaskContext): void {
  const partitioner = dep.partitioner;
  // The map output in its own order, with each row's reduce partition: the codec scatters it into blocks in one pass.
  const rows: unknown[] = [];
  const partitionIds: number[] = [];
  const agg = dep.aggregator;
  const n = partitioner.numPartitions;
  const codec = dep.codec;
  const fused = !(agg && dep.mapSideCombine) && codec.encodePartitionedPicked ? fusedPick(dep.rdd) : undefined;
  let blocks: Uint8Array[] | undefined;
  if (fused) {
    // A flat tuple or object projection right before the shuffle: the codec reads the kept parts straight from
    // the original rows, so no projected array or object is built per row. Rows it cannot take are projected and encoded.
    fused.source.iterator(split, tc, (row) => {
      if (!isPair(row)) throw notAPair("a shuffle", row);
      partitionIds.push(partitioner.getPartition(row[0]));
      rows.push(row);
    });
    blocks = codec.encodePartitionedPicked!(rows, partitionIds, n, fused.pick, fused.view);
    if (!blocks) for (let i = 0; i < rows.length; i++) rows[i] = fused.view(rows[i]);
  } else if (agg && dep.mapSideCombine) {
    const combined = mapCombiner(agg);
    const probeRows = mayStopCombining(dep) ? adaptiveCombine.probeRows : -1;
    let probed = 0;
    let raw: RawRows | undefined;
    const add = (key: unknown, value: unknown, row?: readonly [unknown, unknown]) => {
      if (raw) return raw.add(row ?? [key, value], partitioner.getPartition(key));
      combined.add(key, value);
      if (++probed === probeRows && combined.size > probeRows * adaptiveCombine.rawAboveDistinctShare) {
        raw = new RawRows(dep); // almost every key is new: combining here would save the reduce side nothing
      }
    };
    // a mapValues right before: its rows taken apart as it makes them (no pair built per row)
    if (!computePairs(dep.rdd, split, tc, add)) {
      dep.rdd.iterator(split, tc, (row) => {
        if (!isPair(row)) throw notAPair("a shuffle", row);
        add(row[0], row[1], row);
      });
    }
    const later = raw?.finish();
    if (raw && !later) raw.combineInto(combined); // combined as before
    combined.forEach((key, value) => {
      rows.push([key, value]);
      partitionIds.push(partitioner.getPartition(key));
    });
    combined.release();
    if (raw && later) {
      blocks = splitBlocks(dep, rows, partitionIds, later);
      tc.metrics.shuffleRecordsWritten += raw.count;
    }
  } else {
    dep.rdd.iterator(split, tc, (row) => {
      if (!isPair(row)) throw notAPair("a shuffle", row);
      partitionIds.push(partitioner.getPartition(row[0]));
      rows.push(row);
    });
  }
  if (!blocks) {
    // Values a tuple projection just built are fresh arrays: the codec need not check them for holes or extra properties.
    // (Not after an object projection: it hands array values on whole, unchecked.)
    const fresh = fused ? Array.isArray(fused.pick) : !(agg && dep.mapSideCombine) && producesFreshValueArrays(dep.rdd);
    blocks = encodeBlocks(codec, rows, partitionIds, n, fresh ? FRESH : undefined);
  }
  let bytes = 0;
  for (const block of blocks) bytes += block.byteLength;
  tc.metrics.shuffleBytesWritten += bytes;
  tc.metrics.shuffleRecordsWritten += rows.length;
  tc.metrics.spillBytes += tc.ctx.shuffleStore.putMapOutput(dep.shuffleId, split, blocks);
}

/**
 * A map task's combiner: a SumCombiner for a reduceByKey whose function adds field-wise reading its first
 * argument first (it reads and adds as the function does, without an array per row), else a KeyedCombiner.
 */
function mapCombiner(agg: NonNullable<ShuffleDependency["aggregator"]>): MapCombiner {
  const recipe = agg.recipe;
  const sum = recipe?.op === "reduceByKey" ? fieldwiseSumOf(recipe.fns[0]!) : undefined;
  if (sum && (sum.fields === 0 || sum.firstOperandFirst)) return new SumCombiner(agg.createCombiner, agg.mergeValue, sum.fields, recipe!.op);
  return new KeyedCombiner<unknown, unknown>(agg.createCombiner, agg.mergeValue);
}

/**
 * When a map task stops combining (see docs/performance.md, "Adaptive map-side combine"): after `probeRows`
 * rows, if its distinct keys are more than `rawAboveDistinctShare` of them; it then encodes its later rows
 * every `chunkRows` rows (RawRows). Tests lower them (in this thread only).
 */
export const adaptiveCombine = { probeRows: 50_000, rawAboveDistinctShare: 0.95, chunkRows: 16_384 };

/**
 * Whether a map task may stop combining: the reduce side must tell a split block from a combined one (a codec
 * that tags its blocks), and every row of a key must go where its first row goes, as the combined row would
 * (a HashPartitioner places SameValueZero-equal keys alike: -0 with 0, every NaN together; a custom partitioner may not).
 */
function mayStopCombining(dep: ShuffleDependency): boolean {
  return tagsItsBlocks(dep.codec) && dep.partitioner instanceof HashPartitioner;
}

/**
 * The raw rows of a map task that stopped combining, encoded every `adaptiveCombine.chunkRows` rows, so the
 * rows die young instead of living (and being copied by every scavenge) until the task ends. When the codec
 * cannot carry one of their values (a class instance, say, that the combiner would have turned into a number),
 * the task combines them after all ({@link combineInto}), and the shuffle fails or not exactly as it did without
 * stopping.
 */
class RawRows {
  count = 0;
  private rows: unknown[] = [];
  private ids: number[] = [];
  /** Per chunk encoded, its block per reduce partition. */
  private readonly chunks: Uint8Array[][] = [];
  /** A chunk the codec could not carry: the rows from it on are kept, and the task combines everything. */
  private unencodable = false;
  private readonly hints: EncodeHints | undefined;

  constructor(private readonly dep: ShuffleDependency) {
    this.hints = freshHints(dep.rdd);
  }

  add(row: readonly [unknown, unknown], partition: number): void {
    this.rows.push(row);
    this.ids.push(partition);
    this.count++;
    if (this.rows.length >= adaptiveCombine.chunkRows && !this.unencodable) this.flush();
  }

  /** Per reduce partition, its chunks' blocks (non-empty ones, in row order), or undefined: the task must combine. */
  finish(): Uint8Array[][] | undefined {
    if (!this.unencodable && this.rows.length > 0) this.flush();
    if (this.unencodable) return undefined;
    const n = this.dep.partitioner.numPartitions;
    return Array.from({ length: n }, (_, r) => this.chunks.map((blocks) => blocks[r]!).filter((b) => b.byteLength > 0));
  }

  /**
   * Adds every raw row to `combined`, in row order per reduce partition (all a key's rows go to one partition,
   * so each key's values reach it in the order the rows came): the encoded chunks decoded, then the rows kept.
   */
  combineInto(combined: MapCombiner): void {
    const add = (key: unknown, value: unknown) => combined.add(key, value);
    const n = this.dep.partitioner.numPartitions;
    for (let r = 0; r < n; r++) for (const blocks of this.chunks) decodePairsOf(this.dep.codec, blocks[r]!, add);
    for (const row of this.rows as [unknown, unknown][]) combined.add(row[0], row[1]);
  }

  private flush(): void {
    try {
      this.chunks.push(encodeBlocks(this.dep.codec, this.rows, this.ids, this.dep.partitioner.numPartitions, this.hints));
    } catch {
      this.unencodable = true;
      return;
    }
    this.rows = [];
    this.ids = [];
  }
}

/**
 * The blocks of a map task that stopped combining: per reduce partition, the combiners of its first rows and its
 * later rows raw (`later`, in chunks), in one block (joinSegments); a partition with no later rows gets its
 * combined block as it is. MapOutputMerger on the reduce side finishes the combining exactly as this task would have.
 */
function splitBlocks(dep: ShuffleDependency, combinedRows: unknown[], combinedIds: number[], later: Uint8Array[][]): Uint8Array[] {
  const first = encodeBlocks(dep.codec, combinedRows, combinedIds, dep.partitioner.numPartitions);
  return first.map((block, r) => (later[r]!.length === 0 ? block : joinSegments([block, ...later[r]!])));
}

function encodeBlocks(codec: Codec, rows: readonly unknown[], ids: ArrayLike<number>, n: number, hints?: EncodeHints): Uint8Array[] {
  return codec.encodePartitioned ? codec.encodePartitioned(rows, ids, n, hints) : encodeEachPartition(codec, rows, ids, n);
}

/**
 * A projection the shuffle writer may fuse: a ProjectedRDD (not persisted: its cache would be bypassed) whose
 * projection is flat: a list of indices, or an object projection keeping every listed property whole.
 * `view` is what the ProjectedRDD would emit for a row.
 */
function fusedPick(rdd: RDD<unknown>): { source: RDD<unknown>; pick: FusedPick; view: (row: unknown) => unknown } | undefined {
  if (!(rdd instanceof ProjectedRDD) || rdd.storageLevel !== StorageLevel.NONE) return undefined;
  const pick = flatPick(rdd.projection);
  return pick && { source: rdd.parent as RDD<unknown>, pick, view: (row) => rdd.projectRow(row) };
}

/**
 * `rdd`'s rows as one block, encoded as a shuffle's map task encodes them: the engine's [key, value] arrays are
 * not values (whoever decodes them takes them apart), and fresh values (freshHints) are not checked for holes or
 * extra properties either. What a broadcast join's build side is measured and built from (join-rdd.ts).
 */
export function encodeMapOutputBlock(codec: Codec, rows: readonly unknown[], rdd: RDD<unknown>): Uint8Array {
  if (rows.length === 0) return codec.encode(rows);
  return encodeBlocks(codec, rows, new Uint8Array(rows.length), 1, freshHints(rdd))[0]!;
}

const FRESH: EncodeHints = { freshValueArrays: true };

/** The encode hints of `rdd`'s rows: fresh value arrays when producesFreshValueArrays says so. */
function freshHints(rdd: RDD<unknown>): EncodeHints | undefined {
  return producesFreshValueArrays(rdd) ? FRESH : undefined;
}

/**
 * Whether every array value of `rdd`'s rows was just built, fresh: by a tuple projection (ProjectedRDD, possibly
 * prematerialized), or by a mapValues whose function returns an array literal (closure.ts returnsFreshArray) and
 * whose rows come straight from it (not from a cache, where other code may have changed them).
 */
function producesFreshValueArrays(rdd: RDD<unknown>): boolean {
  const inner = rdd instanceof PrematerializedRDD ? (rdd.parent as RDD<unknown>) : rdd;
  if (inner instanceof ProjectedRDD) return Array.isArray(inner.projection);
  return (
    inner instanceof PipelinedRDD &&
    inner.opName === "mapValues" &&
    rdd.storageLevel === StorageLevel.NONE &&
    inner.storageLevel === StorageLevel.NONE &&
    inner.userFunction !== undefined &&
    returnsFreshArray(inner.userFunction)
  );
}

/** Pushes every row the map side wrote for reduce partition `split`. */
export function readShuffle(dep: ShuffleDependency, split: number, tc: TaskContext, emit: (row: [unknown, unknown]) => void): void {
  const maps = dep.rdd.numPartitions;
  const store = tc.ctx.shuffleStore;
  for (let m = 0; m < maps; m++) {
    const block = store.getBlock(dep.shuffleId, m, split);
    if (!block || block.byteLength === 0) continue;
    tc.metrics.shuffleBytesRead += block.byteLength;
    const rows = dep.codec.decode(block) as [unknown, unknown][];
    for (let i = 0; i < rows.length; i++) emit(rows[i]!);
  }
}

/**
 * Calls f(key, value) for every row the map side wrote for reduce partition `split`, in readShuffle's order,
 * without building the row arrays (for consumers that take rows apart at once: combiners, hash tables).
 */
export function readShufflePairs(dep: ShuffleDependency, split: number, tc: TaskContext, f: (key: unknown, value: unknown) => void): void {
  const codec = dep.codec;
  if (!codec.decodePairs) return readShuffle(dep, split, tc, (row) => f(row[0], row[1]));
  const maps = dep.rdd.numPartitions;
  const store = tc.ctx.shuffleStore;
  for (let m = 0; m < maps; m++) {
    const block = store.getBlock(dep.shuffleId, m, split);
    if (!block || block.byteLength === 0) continue;
    tc.metrics.shuffleBytesRead += block.byteLength;
    codec.decodePairs(block, f);
  }
}

/**
 * Reads the map outputs of a shuffle combined on the map side into `merger`: a combined block row by row,
 * a split block (see splitBlocks) between beginSplitBlock and endSplitBlock.
 */
export function readCombinedShuffle<V, C>(dep: ShuffleDependency, split: number, tc: TaskContext, merger: ShuffleMerger<V, C>): void {
  const maps = dep.rdd.numPartitions;
  const store = tc.ctx.shuffleStore;
  const addCombined = (key: unknown, value: unknown) => merger.add(key, value as C);
  const addPrefix = (key: unknown, value: unknown) => merger.addPrefix(key, value as C);
  const addRaw = (key: unknown, value: unknown) => merger.addRaw(key, value as V);
  // A SumMerger reads the sums' columns in place (no value array per row); any part it cannot is decoded.
  const sums = merger instanceof SumMerger ? merger : undefined;
  const read = (part: Uint8Array, role: RowRole, byValue: (key: unknown, value: unknown) => void) => {
    const columns = sums?.columnsOf(part);
    if (columns) sums!.addColumns(role, columns);
    else decodePairsOf(dep.codec, part, byValue);
  };
  for (let m = 0; m < maps; m++) {
    const block = store.getBlock(dep.shuffleId, m, split);
    if (!block || block.byteLength === 0) continue;
    tc.metrics.shuffleBytesRead += block.byteLength;
    const parts = tagsItsBlocks(dep.codec) ? splitSegments(block) : undefined;
    if (!parts) {
      read(block, COMBINED, addCombined);
      continue;
    }
    merger.beginSplitBlock();
    read(parts[0]!, PREFIX, addPrefix);
    for (let i = 1; i < parts.length; i++) read(parts[i]!, RAW, addRaw);
    merger.endSplitBlock();
  }
}

function decodePairsOf(codec: Codec, block: Uint8Array, f: (key: unknown, value: unknown) => void): void {
  if (block.byteLength === 0) return;
  if (codec.decodePairs) return codec.decodePairs(block, f);
  const rows = codec.decode(block) as [unknown, unknown][];
  for (let i = 0; i < rows.length; i++) f(rows[i]![0], rows[i]![1]);
}
