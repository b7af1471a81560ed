// Unread destructuring bindings whose defaults have a side effect: removing the field would run the default.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

let defaultCalls = 0;
function fallback(): number {
  defaultCalls++;
  return -1;
}
const mark = (): string => {
  defaultCalls += 100;
  return "?";
};

interface Row {
  id: number;
  score?: number;
  extra?: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
// half the rows carry `score`, a third carry `extra`
const rows = ctx.parallelize(
  Array.from({ length: 24 }, (_, i): [string, Row] => {
    const row: Row = { id: i };
    if (i % 2 === 0) row.score = i;
    if (i % 3 === 0) row.extra = `e${i}`;
    return [`k${i % 4}`, row];
  }),
);
const tuples = ctx.parallelize(Array.from({ length: 12 }, (_, i): [number, [number, string, string | undefined]] => [i % 3, [i, `s${i}`, i % 4 ? `n${i}` : undefined]]));

const ids = rows.partitionBy(new HashPartitioner(3)).mapValues(({ id, score = fallback() }) => id);
const grouped = rows.groupByKey().mapValues((rs) => rs.map(({ id, extra = mark() }) => id).reduce((a, b) => a + b, 0));
const firsts = tuples.sortByKey().mapValues(([id, , note = mark()]) => id);

await out.rows("ids", () => ids.collect());
await out.rows("grouped", () => grouped.collect());
await out.rows("firsts", () => firsts.collect());
await out.value("defaultCalls", () => defaultCalls);
await out.done();
