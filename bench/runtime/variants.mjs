// The variants measured side by side. Each `prepare` runs untimed and returns the timed function,
// which resolves to { sum, shuffleBytes?, spillBytes?, strategy? }.
import { Packr } from "msgpackr";

const P = 8; // partitions everywhere (the Context's defaultParallelism, the naive shuffle's fan-out)

/** Hand-written: plain JS rows, Map(key -> first index) + chain over the small side, fused probe + sum. */
function handMap({ left, right }) {
  return async () => {
    const first = new Map();
    const next = new Int32Array(right.length).fill(-1);
    for (let i = right.length - 1; i >= 0; i--) {
      const k = right[i][0];
      const j = first.get(k);
      if (j !== undefined) next[i] = j;
      first.set(k, i);
    }
    let sum = 0;
    for (let i = 0; i < left.length; i++) {
      const row = left[i];
      for (let j = first.get(row[0]); j !== undefined && j !== -1; j = next[j]) sum += row[1][0] + right[j][1][1];
    }
    return { sum };
  };
}

// The same int mixer a careful hand-written shuffle would use (murmur3 finaliser).
function bucketOf(key) {
  let h = key | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % P;
}

/** Naive shuffle: hash-partition both sides into 8, msgpackr pack/unpack per partition, Map join per partition, sum. */
function naiveMsgpackr({ left, right }) {
  const packr = new Packr({ useRecords: false });
  const shuffle = (rows) => {
    const buckets = Array.from({ length: P }, () => []);
    for (let i = 0; i < rows.length; i++) buckets[bucketOf(rows[i][0])].push(rows[i]);
    return buckets.map((b) => packr.pack(b));
  };
  return async () => {
    const l = shuffle(left);
    const r = shuffle(right);
    let bytes = 0;
    let sum = 0;
    for (let p = 0; p < P; p++) {
      bytes += l[p].byteLength + r[p].byteLength;
      const rrows = packr.unpack(r[p]);
      const lrows = packr.unpack(l[p]);
      const table = new Map();
      for (const row of rrows) {
        const list = table.get(row[0]);
        if (list) list.push(row[1]);
        else table.set(row[0], [row[1]]);
      }
      for (const row of lrows) {
        const list = table.get(row[0]);
        if (list) for (const rv of list) sum += row[1][0] + rv[1];
      }
    }
    return { sum, shuffleBytes: bytes };
  };
}

/** rddopt: a fresh Context and fresh RDDs per run (so no shuffle output or join decision is reused across runs). */
function rddopt(strategy, contextOptions) {
  return ({ left, right, Context }) =>
    async () => {
      const ctx = new Context({ defaultParallelism: P, progress: false, ...contextOptions });
      try {
        const sum = await ctx
          .parallelize(left)
          .join(ctx.parallelize(right), { strategy })
          .mapValues(([l, r]) => l[0] + r[1])
          .values()
          .fold(0, (a, b) => a + b);
        const job = ctx.lastJob;
        return {
          sum,
          shuffleBytes: job.shuffleBytesWritten,
          spillBytes: job.spillBytes,
          broadcastBytes: job.broadcastBytes,
          strategy: job.joins.map((j) => j.strategy).join(","),
        };
      } finally {
        await ctx.stop();
      }
    };
}

const GiB = 2 ** 30;
/** Big enough that no shuffle block spills: the benchmark measures the codec, not the disk. */
export const BENCH_SHUFFLE_MEMORY = 8 * GiB;

// Listed so that the variants each target compares run next to each other (hand/broadcast/auto for big-small,
// auto/shuffle/naive for big-big).
export const variants = {
  "hand-map": { describe: "hand-written: plain JS rows, Map(key->idx)+chain on the right side, fused probe + sum", prepare: handMap },
  "rddopt-broadcast": { describe: 'rddopt join {strategy:"broadcast"}', prepare: rddopt("broadcast", { shuffleMemoryBytes: BENCH_SHUFFLE_MEMORY }) },
  "rddopt-auto": { describe: 'rddopt join {strategy:"auto"} (default broadcastThreshold 10 MiB)', prepare: rddopt("auto", { shuffleMemoryBytes: BENCH_SHUFFLE_MEMORY }) },
  "rddopt-shuffle": { describe: 'rddopt join {strategy:"shuffle"}', prepare: rddopt("shuffle", { shuffleMemoryBytes: BENCH_SHUFFLE_MEMORY }) },
  "naive-msgpackr": {
    describe: "naive shuffle: hash-partition both sides into 8, msgpackr pack/unpack per partition, Map join per partition, sum",
    prepare: naiveMsgpackr,
  },
  "rddopt-shuffle-default-budget": {
    describe: 'rddopt join {strategy:"shuffle"} with the default shuffleMemoryBytes (256 MiB; the rest spills to disk); measured on the largest shuffle only',
    prepare: rddopt("shuffle", {}),
    cases: ["big-big-C22"],
  },
};
