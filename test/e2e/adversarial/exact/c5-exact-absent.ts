// exactOptionalPropertyTypes: optional properties are absent (never present-undefined) in the data.
// A projection that copies them (`{ note: v.note }`) makes them present; through the shuffle codec an
// undefined may even arrive as something else. Downstream reads `typeof`, `=== undefined`.
import { Context, HashPartitioner } from "rddopt";
import { Report } from "./kit.js";

interface Memo {
  id: number;
  note?: string;
  meta?: { level?: number; tag: string };
  pad: string;
}

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const memos = ctx.parallelize(
  Array.from({ length: 16 }, (_, i): [number, Memo] => {
    const m: Memo = { id: i, pad: "p".repeat(20) };
    if (i % 2) m.note = `n${i}`;
    if (i % 3) m.meta = i % 4 ? { level: i, tag: `t${i}` } : { tag: `t${i}` };
    return [i % 4, m];
  }),
);

const noteKinds = memos.partitionBy(new HashPartitioner(3)).mapValues((m) => `${typeof m.note}:${m.note === undefined}`);
const levels = memos.groupByKey().mapValues((ms) =>
  ms
    .map((m) => `${typeof m.meta}/${typeof m.meta?.level}`)
    .sort()
    .join(),
);
const hasNote = memos.sortByKey().mapValues(({ note }) => (note === undefined ? "absent" : note));

await out.rows("noteKinds", () => noteKinds.collect());
await out.rows("levels", () => levels.collect());
await out.rows("hasNote", () => hasNote.collect());
await out.done();
