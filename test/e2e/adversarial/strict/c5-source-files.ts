// Source pruning (columns and partitionFilter written by the plugin into reader calls) against rows whose
// declared types lie: a declared optional field no file has, JSON lines that are not objects, a partition value
// typed differently from the code's literal, a filter with a side effect after the partition condition, a
// leading condition that throws on some rows, and rows that escape whole.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Context } from "rddopt";
import { Report } from "./kit.js";

interface Sale {
  day: string;
  store: number;
  qty: number;
  note: string;
  extra?: number;
  meta: { x: number } | null;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-adv-files-"));
const ctx = new Context({ defaultParallelism: 3 });
const out = new Report(ctx);
const days = ["d1", "d2", "d3"];
const sales = Array.from({ length: 120 }, (_, i) => ({ day: days[i % 3]!, store: i % 5, qty: i % 7, note: `n${i}`, meta: i % 11 === 0 ? null : { x: i } }));
await ctx.parallelize(sales, 3).saveAsParquet(path.join(dir, "p"), { partitionBy: ["day"] });
await ctx.parallelize(sales.map(({ meta, ...rest }) => ({ ...rest, mx: meta?.x ?? -1 })), 2).saveAsCsv(path.join(dir, "c"), { partitionBy: ["day"] });
fs.mkdirSync(path.join(dir, "j"));
fs.writeFileSync(path.join(dir, "j", "a.jsonl"), ['{"day":"d1","store":1,"qty":2,"note":"a"}', "7", "null", '[1,2]', '{"day":"d2","store":2,"qty":3,"note":"b"}'].join("\n") + "\n");

let seen = 0;
const count = (s: Sale): boolean => {
  seen++;
  return s.qty > 2;
};

// columns + partitionFilter; the side effect runs for the same rows in every build
await out.rows("dayAndSideEffect", () =>
  ctx
    .readParquet<Sale>(path.join(dir, "p"))
    .filter((s) => s.day === "d2" && count(s))
    .map((s) => [s.store, s.qty])
    .collect(),
);
await out.value("sideEffects", () => seen);
// a declared field no file has: read as undefined in every build (the plugin's columns are lenient)
await out.rows("absentField", () => ctx.readCsv<Sale>(path.join(dir, "c"), { schema: { qty: "number" } }).map((s) => [s.qty, s.extra ?? "none"]).collect());
// the literal's type differs from the partition value's (a string without a schema): nothing passes, in every build
await out.value("typedPartition", () =>
  ctx
    .readCsv<{ day: number; qty: string }>(path.join(dir, "c"))
    .filter((s) => s.day === 2)
    .count(),
);
// a leading condition that throws for rows with meta null: no partition pruning, the same error in every build
await out.value("throwingFirst", () =>
  ctx
    .readParquet<Sale>(path.join(dir, "p"))
    .filter((s) => s.meta!.x > 3 && s.day === "d1")
    .count(),
);
// JSON lines that are not objects reach the code as they are
await out.rows("nonObjects", () =>
  ctx
    .readJsonLines<{ day: string; qty: number; note: string }>(path.join(dir, "j"))
    .map((r) => (typeof r === "object" && r !== null ? r.qty : -1))
    .collect(),
);
// rows that escape whole: every column
await out.rows("whole", () => ctx.readParquet<Sale>(path.join(dir, "p")).filter((s) => s.day === "d3").collect());
await out.done();
fs.rmSync(dir, { recursive: true, force: true });
