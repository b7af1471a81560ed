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
import { partName, save, strictJson, textWriter } from "./writers.js";

export const BUCKETING_FILE = "_rddopt_bucketing.json";
/** The hash `HashPartitioner` places keys by (runtime/shuffle/keys.ts); bump the version whenever it changes. */
export const BUCKET_HASH = { name: "rddopt-hashKey", version: 1 } as const;

export interface BucketOptions {
  /** Number of buckets (files); datasets joined without a shuffle need the same count. */
  buckets: number;
  /** What the key is, for people and tools reading the metadata (for example "customerId" or ["store", "day"]). */
  key?: string | readonly string[];
  /** File format of the buckets: "jsonl" (the only one so far), one `[key, value]` JSON array per line. */
  format?: "jsonl";
}

export interface BucketingMetadata {
  format: "rddopt-bucketed";
  version: 1;
  hash: { name: string; version: number };
  partitioner: "hash";
  buckets: number;
  key?: string | readonly string[];
  fileFormat: "jsonl";
  files: string[];
}

export async function saveAsBucketed<K, V>(rdd: RDD<[K, V]>, dir: string, options: BucketOptions): Promise<void> {
  const op = "saveAsBucketed";
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError(`${op} needs options such as { buckets: 8 }.`);
  requirePositiveInt(`${op} buckets`, options.buckets);
  if (options.buckets === undefined) throw new InvalidArgumentError(`${op} needs { buckets: n }, the number of bucket files.`);
  if (options.format !== undefined && options.format !== "jsonl") throw new InvalidArgumentError(`${op} format must be "jsonl", got ${JSON.stringify(options.format)}.`);
  const placed = rdd.partitionBy(new HashPartitioner(options.buckets)); // no shuffle when already placed so
  const files = Array.from({ length: options.buckets }, (_, b) => partName(b, ".jsonl"));
  const metadata: BucketingMetadata = {
    format: "rddopt-bucketed",
    version: 1,
    hash: { ...BUCKET_HASH },
    partitioner: "hash",
    buckets: options.buckets,
    ...(options.key !== undefined ? { key: options.key } : {}),
    fileFormat: "jsonl",
    files,
  };
  await save(
    placed,
    dir,
    op,
    ".jsonl",
    {},
    (file) => {
      const out = textWriter(file);
      return {
        add: (row) => {
          if (!Array.isArray(row) || row.length !== 2) throw new InvalidArgumentError(`${op} needs pair rows [key, value], got ${describeValue(row)}. Key rows first: keyBy(r => r.id).`);
          checkKey(op, row[0]);
          out.append(strictJson(op, row) + "\n");
        },
        finish: () => out.finish(),
      };
    },
    () => fs.writeFileSync(path.join(dir, BUCKETING_FILE), JSON.stringify(metadata, null, 2) + "\n"),
  );
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

