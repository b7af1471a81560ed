// The peers' versions of the aggregation workload (the reference benchmark's "aggregate" case): per key,
// sum(c0) and count(*), then the totals of both and the number of groups (data.mjs aggregateData, the
// answer as aggregateAnswer's string). Each engine: setup(data) once (untimed: columns, tables), then
// run(state) timed, cleanup(state) after the timing; `load` engines time their data loading separately.
import { pathToFileURL } from "node:url";
import { aggregateAnswer } from "../lib/data.mjs";
import { mapAggregate } from "../lib/hand.mjs";

const columnsOf = (rows) => {
  const key = new Int32Array(rows.length);
  const c0 = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    key[i] = rows[i][0];
    c0[i] = rows[i][1][0];
  }
  return { key, c0 };
};

const rddopt = {
  title: "rddopt (default options): mapValues(v => [v[0], 1]).reduceByKey(field-wise sum)",
  setup: async ({ rows, runtime }) => ({ rows, Context: (await import(pathToFileURL(runtime).href)).Context }),
  run: async (state) => {
    const ctx = (state.ctx = new state.Context({ progress: false }));
    const [sum, count, groups] = await ctx
      .parallelize(state.rows)
      .mapValues((v) => [v[0], 1])
      .reduceByKey((a, b) => [a[0] + b[0], a[1] + b[1]])
      .map(([, s]) => [s[0], s[1], 1])
      .reduce((a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2]]);
    return aggregateAnswer(sum, count, groups);
  },
  cleanup: (state) => state.ctx?.stop(),
};

const plainJsMap = {
  title: "plain JS Map aggregation (hand-written, over the same rows)",
  setup: ({ rows }) => ({ rows }),
  run: ({ rows }) => {
    const { sums, counts } = mapAggregate(rows);
    let sum = 0;
    let count = 0;
    for (let id = 0; id < sums.length; id++) {
      sum += sums[id];
      count += counts[id];
    }
    return aggregateAnswer(sum, count, sums.length);
  },
};

const arquero = {
  title: "arquero: groupby, rollup (key and c0 columns)",
  setup: async ({ rows }) => {
    const aq = await import("arquero");
    return { aq, table: aq.table(columnsOf(rows)) };
  },
  run: ({ aq, table }) => {
    const out = table
      .groupby("key")
      .rollup({ s: aq.op.sum("c0"), n: aq.op.count() })
      .rollup({ sum: aq.op.sum("s"), count: aq.op.sum("n"), groups: aq.op.count() });
    return aggregateAnswer(out.get("sum", 0), out.get("count", 0), out.get("groups", 0));
  },
};

const polarsLazy = {
  title: "nodejs-polars lazy: groupBy, agg (key and c0 columns)",
  setup: async ({ rows }) => {
    const pl = (await import("nodejs-polars")).default;
    const { key, c0 } = columnsOf(rows);
    return { pl, df: pl.DataFrame({ key: Array.from(key), c0: Array.from(c0) }) };
  },
  run: ({ pl, df }) => {
    const out = df
      .lazy()
      .groupBy("key")
      .agg(pl.col("c0").sum().alias("s"), pl.col("c0").count().alias("n"))
      .select(pl.col("s").sum().alias("sum"), pl.col("n").sum().alias("count"), pl.col("s").count().alias("groups"))
      .collectSync();
    return aggregateAnswer(Number(out.getColumn("sum").get(0)), Number(out.getColumn("count").get(0)), Number(out.getColumn("groups").get(0)));
  },
};

const duckdb = {
  title: "DuckDB (@duckdb/node-api): SQL GROUP BY",
  load: true,
  setup: async ({ rows }) => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(":memory:");
    return { instance, conn: await instance.connect(), rows };
  },
  /** Timed separately: CREATE TABLE + appender. */
  loadData: async ({ conn, rows }) => {
    await conn.run("CREATE OR REPLACE TABLE t (key INTEGER, c0 DOUBLE)");
    const appender = await conn.createAppender("t");
    for (const [k, v] of rows) {
      appender.appendInteger(k);
      appender.appendDouble(v[0]);
      appender.endRow();
    }
    appender.closeSync();
  },
  run: async ({ conn }) => {
    const reader = await conn.runAndReadAll("SELECT SUM(s), SUM(n), COUNT(*) FROM (SELECT key, SUM(c0) AS s, COUNT(*) AS n FROM t GROUP BY key)");
    const [sum, count, groups] = reader.getRows()[0].map(Number);
    return aggregateAnswer(sum, count, groups);
  },
};

export const AGGREGATE_ENGINES = { rddopt, "plain-js-map": plainJsMap, arquero, "polars-lazy": polarsLazy, duckdb };
