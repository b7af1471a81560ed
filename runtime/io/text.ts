/** `ctx.textFile`: lines of files, directories and globs, gzip included, read in byte splits. */
import type { Context } from "../context.js";
import type { RDD } from "../rdd/rdd.js";
import { requirePositiveInt } from "../errors.js";
import { listInputFiles } from "./paths.js";
import { FileSourceRDD } from "./source.js";
import { planLineSplits, readSplitLines } from "./line-source.js";
import { DEFAULT_MAX_SPLIT_BYTES } from "./splits.js";

export interface TextFileOptions {
  /** Largest byte split of a plain file (default 64 MiB): a bigger file is read partition by partition. */
  maxSplitBytes?: number;
}

export function textFile(ctx: Context, location: string, minPartitions: number, options: TextFileOptions = {}): RDD<string> {
  requirePositiveInt("textFile minPartitions", minPartitions);
  requirePositiveInt("textFile maxSplitBytes", options.maxSplitBytes);
  const files = listInputFiles(location, "textFile");
  const total = files.reduce((a, f) => a + f.size, 0);
  const splitBytes = Math.max(1, Math.min(Math.ceil(total / minPartitions), options.maxSplitBytes ?? DEFAULT_MAX_SPLIT_BYTES));
  const splits = planLineSplits(files.map((f) => ({ file: f.file, size: f.size, values: {} })), splitBytes);
  return new FileSourceRDD<string>(ctx, "textFile", location, splits, { files: 0, bytes: 0 }, (split, emit) => readSplitLines(split, (line) => emit(line)), "");
}
