// The peers section of RESULTS.md: the grid's C=22, U=1 cell in rddopt next to the other engines.
import { table, timeRange, num, mib } from "../lib/format.mjs";

export function sectionPeers(peers, _config, grid) {
  if (peers.error) return `## Experiment 5: peers\n\nNot run: ${peers.error}`;
  const cell = grid?.find((c) => c.columns === peers.data.columns && c.used === peers.data.used);
  const rows = [];
  const medianOf = (name) => peers.engines.find((e) => e.name === name && e.ok)?.time.median;
  const polars = medianOf("polars-lazy");
  const duck = medianOf("duckdb");
  const ratios = (time) => [polars && time ? `${(time.median / polars).toFixed(2)}x` : "", duck && time ? `${(time.median / duck).toFixed(1)}x` : ""];
  if (cell) {
    for (const [key, title] of [
      ["before", "rddopt, without the transformer"],
      ["after", "rddopt, with the transformer, pruning only (the grid's build: no broadcast)"],
      ["ideal", "rddopt, hand-written projection"],
    ]) {
      const v = cell[key];
      rows.push([title, v?.ok ? timeRange(v.time) : `failed: ${v?.error}`, "", v?.ok ? mib(v.peakRss) : "", ...ratios(v?.ok ? v.time : undefined)]);
    }
  }
  for (const e of peers.engines) {
    const title = e.strategy ? `${e.title}: took ${e.strategy}` : e.title;
    rows.push([title, e.ok ? timeRange(e.time) : `failed: ${e.error}`, e.loadMs !== undefined ? num(e.loadMs) : "", e.ok ? mib(e.peakRss) : "", ...ratios(e.ok ? e.time : undefined)]);
  }
  const versions = Object.entries(peers.versions)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return `## Experiment 5: peers

The grid's cell C=${peers.data.columns}, U=${peers.data.used} (${num(peers.data.n)} left rows of ${peers.data.columns} doubles, ${num(peers.data.m)} right rows,
inner join on key, sum of left c0 + right c0) on the same seeded data, each engine in ${peers.engines[0]?.processes ?? 1} fresh processes
(round by round, every engine once per round; the median and range are over all their timed runs), setup untimed (building columns / tables). ${cell ? "The first three rddopt rows are experiment 1's figures for this cell in this run (its builds never broadcast; one process each, more where a cell looked slower); the default-options row is the same program built with the plugin's default options, run as the peers are. " : "Run with the grid experiment for rddopt's rows. "}Every engine's result
is checked against the same reference sum. DuckDB's load (CREATE TABLE + appender, both sides) is timed separately.
Peers: ${versions}. polars and DuckDB use their own thread pools (2 cores); rddopt uses worker threads where its cost model says they pay (default options); arquero runs on one thread.

${table(["engine", "median ms (min–max)", "load ms (median)", "peak RSS MiB", "vs polars-lazy", "vs DuckDB"], rows)}${sectionAggregate(peers.aggregate)}`;
}

function sectionAggregate(aggregate) {
  if (!aggregate?.engines?.length) return "";
  const medianOf = (name) => aggregate.engines.find((e) => e.name === name && e.ok)?.time.median;
  const polars = medianOf("polars-lazy");
  const duck = medianOf("duckdb");
  const rows = aggregate.engines.map((e) => [
    e.title,
    e.ok ? timeRange(e.time) : `failed: ${e.error}`,
    e.loadMs !== undefined ? num(e.loadMs) : "",
    e.ok ? mib(e.peakRss) : "",
    polars && e.ok ? `${(e.time.median / polars).toFixed(2)}x` : "",
    duck && e.ok ? `${(e.time.median / duck).toFixed(1)}x` : "",
  ]);
  const { n, k, columns } = aggregate.data;
  return `

### Aggregation

The reference benchmark's aggregation (\`../shared/reference/peer-join-benchmark.md\`, "aggregate, K=1,000, C=5"): ${num(n)} rows
[key, [c0..c${columns - 1}]] with ${num(k)} keys in random order; per key sum(c0) and count(*), then the totals of both and the number of
groups, checked exactly against a plain loop. rddopt runs the program a user writes
(\`mapValues(v => [v[0], 1]).reduceByKey((a, b) => [a[0] + b[0], a[1] + b[1]])\`, nothing left to prune) with a default Context;
the others read only the key and c0 columns (setup untimed). DuckDB's load is timed separately.

${table(["engine", "median ms (min–max)", "load ms (median)", "peak RSS MiB", "vs polars-lazy", "vs DuckDB"], rows)}`;
}
