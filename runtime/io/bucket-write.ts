/**
 * Bucketed storage (seeds 004 and 002): `saveAsBucketed` places pairs with the engine's HashPartitioner
 * (a shuffle only when the RDD is not placed so already) and writes bucket b to `part-0000b.jsonl`, with the
 * partitioner recorded in `_rddopt_bucketing.json`. `readBucketed` reads bucket b as partition b and says so
 * through its `partitioner`, so a join or reduceByKey of datasets bucketed alike needs no shuffle at all.
 *
 * Soundness: the claim "partition b holds exactly the keys hashing to b" is checked on every row read (one
 * hash per row); a dataset written with another hash (name or version) is read with no partitioner, so
 * joins shuffle it as they would any input.
 */
import fs from "node:fs";
import path from "node:path";
import type { RDD } from "../rdd/rdd.js";
import { HashPartitioner } from "../shuffle/partitioner.js";
import { InvalidArgumentError, requirePositiveInt } from "../errors.js";
import { describeValue } from "./schema.js";
import { parquetFile, partName, save, strictJson, textWriter, type PartWriter } from "./writers.js";

export const BUCKETING_FILE = "_rddopt_bucketing.json";
/** The hash `HashPartitioner` places keys by (runtime/shuffle/keys.ts); bump the version whenever it changes. */
export const BUCKET_HASH = { name: "rddopt-hashKey", version: 1 } as const;

export interface BucketOptions {
  /** Number of buckets (files); datasets joined without a shuffle need the same count. */
  buckets: number;
  /** What the key is, for people and tools reading the metadata (for example "customerId" or ["store", "day"]). */
  key?: string | readonly string[];
  /**
   * File format of the buckets: "jsonl" (default), one `[key, value]` JSON array per line; or "parquet", for
   * object values: one column per field plus the key (as JSON) in column `_rddopt_key`.
   */
  format?: "jsonl" | "parquet";
}

export interface BucketingMetadata {
  format: "rddopt-bucketed";
  version: 1;
  hash: { name: string; version: number };
  partitioner: "hash";
  buckets: number;
  key?: string | readonly string[];
  fileFormat: "jsonl" | "parquet";
  files: string[];
}

export async function saveAsBucketed<K, V>(rdd: RDD<[K, V]>, dir: string, options: BucketOptions): Promise<void> {
  const op = "saveAsBucketed";
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError(`${op} needs options such as { buckets: 8 }.`);
  requirePositiveInt(`${op} buckets`, options.buckets);
  if (options.buckets === undefined) throw new InvalidArgumentError(`${op} needs { buckets: n }, the number of bucket files.`);
  const format = options.format ?? "jsonl";
  if (format !== "jsonl" && format !== "parquet") throw new InvalidArgumentError(`${op} format must be "jsonl" or "parquet", got ${JSON.stringify(options.format)}.`);
  const placed = rdd.partitionBy(new HashPartitioner(options.buckets)); // no shuffle when already placed so
  const ext = format === "parquet" ? ".parquet" : ".jsonl";
  const files = Array.from({ length: options.buckets }, (_, b) => partName(b, ext));
  const metadata: BucketingMetadata = {
    format: "rddopt-bucketed",
    version: 1,
    hash: { ...BUCKET_HASH },
    partitioner: "hash",
    buckets: options.buckets,
    ...(options.key !== undefined ? { key: options.key } : {}),
    fileFormat: format,
    files,
  };
  await save(placed, dir, op, ext, {}, format === "parquet" ? parquetBucket : jsonlBucket, () =>
    fs.writeFileSync(path.join(dir, BUCKETING_FILE), JSON.stringify(metadata, null, 2) + "\n"),
  );
}

const OP = "saveAsBucketed";
/** The column of a Parquet bucket file holding each row's key, as JSON (keys may be tuples). */
export const KEY_COLUMN = "_rddopt_key";

function checkPair(row: unknown): asserts row is [unknown, unknown] {
  if (!Array.isArray(row) || row.length !== 2) throw new InvalidArgumentError(`${OP} needs pair rows [key, value], got ${describeValue(row)}. Key rows first: keyBy(r => r.id).`);
  checkKey(OP, row[0]);
}

function jsonlBucket(file: string): PartWriter {
  const out = textWriter(file);
  return {
    add: (row) => {
      checkPair(row);
      out.append(strictJson(OP, row) + "\n");
    },
    finish: () => out.finish(),
  };
}

function parquetBucket(file: string): PartWriter {
  const records: Record<string, unknown>[] = [];
  return {
    add: (row) => {
      checkPair(row);
      const value = row[1];
      if (typeof value !== "object" || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
        throw new InvalidArgumentError(`${OP} with format "parquet" needs plain object values (one column per field), got ${describeValue(value)}. Use format "jsonl" for other values.`);
      }
      if (Object.hasOwn(value, KEY_COLUMN)) throw new InvalidArgumentError(`${OP}: a value has a field named ${KEY_COLUMN}, the column that holds the key. Rename the field.`);
      records.push({ [KEY_COLUMN]: JSON.stringify(row[0]), ...(value as Record<string, unknown>) });
    },
    finish: () => fs.writeFileSync(file, Buffer.from(parquetFile(OP, records, 100_000))),
  };
}

/** A key must read back as the same key (so it hashes to the same bucket): JSON's finite numbers, strings, booleans, null, and tuples of them. */
function checkKey(op: string, key: unknown): void {
  if (key === null || typeof key === "string" || typeof key === "boolean") return;
  if (typeof key === "number" && Number.isFinite(key)) return;
  if (Array.isArray(key)) {
    for (let i = 0; i < key.length; i++) checkKey(op, key[i]);
    return;
  }
  throw new InvalidArgumentError(
    `${op}: the key ${describeValue(key)} cannot be stored so that it reads back as the same key. Use strings, finite numbers, booleans, null, or tuples of these.`,
  );
}

