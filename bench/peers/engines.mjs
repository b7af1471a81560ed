// The peers' versions of the grid's join-and-sum workload (C columns a side, sum of left c0 +
// right c0 over the inner join on key). Each engine: setup(data) once (untimed: columns, tables),
// then run(state) timed; `load` engines also time their data loading separately.

const columnsOf = (rows, columns, prefix) => {
  const key = new Int32Array(rows.length);
  const cols = Array.from({ length: columns }, () => new Float64Array(rows.length));
  rows.forEach(([k, v], i) => {
    key[i] = k;
    for (let j = 0; j < columns; j++) cols[j][i] = v[j];
  });
  return { key, ...Object.fromEntries(cols.map((c, j) => [`${prefix}${j}`, c])) };
};

const plainJsMap = {
  title: "plain JS Map join (hand-written)",
  setup: ({ left, right }) => ({ left, right }),
  run: ({ left, right }) => {
    const byKey = new Map();
    for (let i = 0; i < right.length; i++) byKey.set(right[i][0], right[i][1]);
    let total = 0;
    for (let i = 0; i < left.length; i++) {
      const r = byKey.get(left[i][0]);
      if (r !== undefined) total += left[i][1][0] + r[0];
    }
    return total;
  },
};

async function arqueroTables({ left, right, columns }) {
  const aq = await import("arquero");
  return { aq, lt: aq.table(columnsOf(left, columns, "c")), rt: aq.table(columnsOf(right, columns, "r")) };
}

const arquero = {
  title: "arquero: join, derive, rollup (all columns)",
  setup: arqueroTables,
  run: ({ aq, lt, rt }) =>
    lt
      .join(rt, "key")
      .derive({ s: (d) => d.c0 + d.r0 })
      .rollup({ total: aq.op.sum("s") })
      .get("total", 0),
};

const arqueroProjected = {
  title: "arquero with a manual projection (select key, c0 / key, r0 first)",
  setup: arqueroTables,
  run: ({ aq, lt, rt }) =>
    lt
      .select("key", "c0")
      .join(rt.select("key", "r0"), "key")
      .derive({ s: (d) => d.c0 + d.r0 })
      .rollup({ total: aq.op.sum("s") })
      .get("total", 0),
};

const polarsLazy = {
  title: "nodejs-polars lazy (its optimizer prunes columns)",
  setup: async ({ left, right, columns }) => {
    const pl = (await import("nodejs-polars")).default;
    const frame = (rows, prefix) => {
      const cols = columnsOf(rows, columns, prefix);
      return pl.DataFrame(Object.fromEntries(Object.entries(cols).map(([name, c]) => [name, Array.from(c)])));
    };
    return { pl, ldf: frame(left, "c"), rdf: frame(right, "r") };
  },
  run: ({ pl, ldf, rdf }) => {
    const out = ldf
      .lazy()
      .join(rdf.lazy(), { on: "key" })
      .select(pl.col("c0").plus(pl.col("r0")).sum().alias("total"))
      .collectSync();
    return out.getColumn("total").get(0);
  },
};

const duckdb = {
  title: "DuckDB (@duckdb/node-api): SQL join + sum",
  load: true,
  setup: async ({ left, right, columns }) => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(":memory:");
    return { instance, conn: await instance.connect(), left, right, columns };
  },
  /** Timed separately: CREATE TABLE + appender for both sides. */
  loadData: async ({ conn, left, right, columns }) => {
    for (const [name, rows, prefix] of [
      ["l", left, "c"],
      ["r", right, "r"],
    ]) {
      await conn.run(`CREATE OR REPLACE TABLE ${name} (key INTEGER, ${Array.from({ length: columns }, (_, j) => `${prefix}${j} DOUBLE`).join(", ")})`);
      const appender = await conn.createAppender(name);
      for (const [k, v] of rows) {
        appender.appendInteger(k);
        for (let j = 0; j < columns; j++) appender.appendDouble(v[j]);
        appender.endRow();
      }
      appender.closeSync();
    }
  },
  run: async ({ conn }) => {
    const reader = await conn.runAndReadAll("SELECT SUM(l.c0 + r.r0) AS total FROM l JOIN r ON l.key = r.key");
    return Number(reader.getRows()[0][0]);
  },
};

export const ENGINES = { "plain-js-map": plainJsMap, arquero, "arquero-projected": arqueroProjected, "polars-lazy": polarsLazy, duckdb };
