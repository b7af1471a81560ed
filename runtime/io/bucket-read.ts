/** `ctx.readBucketed`: a dataset written by saveAsBucketed, read back already partitioned (see bucket-write.ts). */
import fs from "node:fs";
import path from "node:path";
import type { Context } from "../context.js";
import type { RDD } from "../rdd/rdd.js";
import { HashPartitioner, type Partitioner } from "../shuffle/partitioner.js";
import { InvalidArgumentError } from "../errors.js";
import { FileSourceRDD, type SourceSplit } from "./source.js";
import { readSplitLines } from "./line-source.js";
import { dataError, describeValue } from "./schema.js";
import { BUCKET_HASH, BUCKETING_FILE, KEY_COLUMN, type BucketingMetadata } from "./bucket-write.js";
import { planFile, readGroup } from "./parquet.js";

export function readBucketedMetadata(dir: string): BucketingMetadata {
  const file = path.join(dir, BUCKETING_FILE);
  let meta: BucketingMetadata;
  try {
    meta = JSON.parse(fs.readFileSync(file, "utf8")) as BucketingMetadata;
  } catch (e) {
    throw new InvalidArgumentError(`readBucketed: cannot read ${file} (${(e as Error).message}). Is ${dir} a dataset written by saveAsBucketed?`);
  }
  if (meta.format !== "rddopt-bucketed" || !Number.isInteger(meta.buckets) || meta.buckets <= 0 || !Array.isArray(meta.files) || meta.files.length !== meta.buckets) {
    throw new InvalidArgumentError(`readBucketed: ${file} is not valid bucketing metadata (format, buckets and one file per bucket). Rewrite the dataset with saveAsBucketed.`);
  }
  if (meta.fileFormat !== "jsonl" && meta.fileFormat !== "parquet") {
    throw new InvalidArgumentError(`readBucketed: bucket file format ${JSON.stringify(meta.fileFormat)} is not supported ("jsonl" or "parquet").`);
  }
  return meta;
}

export function readBucketed<K, V>(ctx: Context, dir: string): RDD<[K, V]> {
  const meta = readBucketedMetadata(dir);
  const sameHash = meta.hash?.name === BUCKET_HASH.name && meta.hash?.version === BUCKET_HASH.version;
  const partitioner = sameHash ? new HashPartitioner(meta.buckets) : undefined;
  const splits: SourceSplit[] = meta.files.map((name) => {
    const file = path.join(dir, name);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      throw new InvalidArgumentError(`readBucketed: bucket file ${file} is missing. The dataset is incomplete; rewrite it with saveAsBucketed.`);
    }
    return { file, start: 0, end: size, firstOfFile: true, partitionValues: {} };
  });
  const checkBucket = (key: unknown, bucket: number, file: string, line: () => number | undefined) => {
    if (partitioner && partitioner.getPartition(key) !== bucket) {
      throw dataError(
        `key ${describeValue(key)} belongs in bucket ${partitioner.getPartition(key)}, not ${bucket}: the file does not match ${BUCKETING_FILE}. Rewrite the dataset with saveAsBucketed.`,
        file,
        line(),
        undefined,
        meta.fileFormat === "parquet" ? "row" : "line",
      );
    }
  };
  const readParquetBucket = (split: SourceSplit, emit: (row: [K, V]) => void) => {
    const bucket = splits.indexOf(split);
    const plan = planFile(split.file, split.end, [], {});
    let bytes = 0;
    let firstRow = 0;
    plan.metadata.row_groups.forEach((group, index) => {
      const rows = Number(group.num_rows);
      const groupSplit = { ...split, start: firstRow, end: firstRow + rows, group: index, firstOfFile: index === 0 };
      let row = firstRow;
      bytes += readGroup<Record<string, unknown>>(groupSplit, plan, {}, (record) => {
        row++;
        const text = record[KEY_COLUMN];
        if (typeof text !== "string") throw dataError(`no ${KEY_COLUMN} value: not a bucket file of saveAsBucketed.`, split.file, row, KEY_COLUMN, "row");
        const key: unknown = JSON.parse(text);
        checkBucket(key, bucket, split.file, () => row);
        delete record[KEY_COLUMN];
        emit([key as K, record as V]);
      });
      firstRow += rows;
    });
    return bytes;
  };
  const readJsonlBucket = (split: SourceSplit, emit: (row: [K, V]) => void) => {
    const bucket = splits.indexOf(split);
    return readSplitLines(split, (line, offset, cursor) => {
      if (line === "") return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (e) {
        throw dataError(`not valid JSON (${(e as Error).message}). The bucket file was changed; rewrite the dataset.`, split.file, cursor.lineAt(offset), undefined);
      }
      if (!Array.isArray(row) || row.length !== 2) throw dataError(`not a [key, value] pair. The bucket file was changed; rewrite the dataset.`, split.file, cursor.lineAt(offset), undefined);
      checkBucket(row[0], bucket, split.file, () => cursor.lineAt(offset));
      emit(row as [K, V]);
    });
  };
  const read = meta.fileFormat === "parquet" ? readParquetBucket : readJsonlBucket;
  const key = meta.key === undefined ? "" : `key ${Array.isArray(meta.key) ? `[${meta.key.join(", ")}]` : String(meta.key)}, `;
  const detail = partitioner
    ? `bucketed (${meta.fileFormat}): ${key}${partitioner.describe()}`
    : `bucketed with hash ${meta.hash?.name} v${meta.hash?.version}, which this engine does not use: read unpartitioned (joins shuffle it)`;
  return new BucketedRDD<[K, V]>(ctx, dir, splits, read, detail, partitioner);
}

class BucketedRDD<T> extends FileSourceRDD<T> {
  constructor(
    ctx: Context,
    location: string,
    splits: SourceSplit[],
    read: (split: SourceSplit, emit: (row: T) => void) => number,
    detail: string,
    private readonly placement: Partitioner | undefined,
  ) {
    super(ctx, "readBucketed", location, splits, { files: 0, bytes: 0 }, read, detail);
  }

  override get partitioner(): Partitioner | undefined {
    return this.placement;
  }
}
