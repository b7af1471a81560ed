/**
 * The RDD kinds, filled in by their own modules as they load. `rdd.ts`
 * builds kinds through this table so that the base class and its
 * subclasses need no circular import (a subclass must see its base first).
 */
import type * as Narrow from "./narrow.js";
import type * as Sources from "./sources.js";
import type * as Shuffled from "./shuffled.js";
import type * as Join from "../join/join-rdd.js";
import type * as Zip from "./zip.js";
import type * as Cartesian from "./cartesian.js";
import type * as Checkpoint from "./checkpoint.js";

export interface Kinds {
  PipelinedRDD: typeof Narrow.PipelinedRDD;
  ProjectedRDD: typeof Narrow.ProjectedRDD;
  MapPartitionsRDD: typeof Narrow.MapPartitionsRDD;
  UnionRDD: typeof Narrow.UnionRDD;
  CoalescedRDD: typeof Narrow.CoalescedRDD;
  ParallelCollectionRDD: typeof Sources.ParallelCollectionRDD;
  ShuffledRDD: typeof Shuffled.ShuffledRDD;
  CoGroupedRDD: typeof Shuffled.CoGroupedRDD;
  SubtractedRDD: typeof Shuffled.SubtractedRDD;
  JoinRDD: typeof Join.JoinRDD;
  ZippedWithIndexRDD: typeof Zip.ZippedWithIndexRDD;
  CartesianRDD: typeof Cartesian.CartesianRDD;
  CheckpointRDD: typeof Checkpoint.CheckpointRDD;
}

export const kinds = {} as Kinds;
