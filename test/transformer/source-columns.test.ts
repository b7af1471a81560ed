/**
 * Column pruning at the source (plan/sources.ts): reader calls whose rows are read field by field get
 * `columns` (and `site`); escapes, whole-row uses, explicit columns and opaque options leave them as written.
 * Both rewrite paths (ts.factory and text edits) must print the same program.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { normalizeOptions, planFor } from "../../transformer/engine.js";
import { applyEdits } from "../../transformer/rewrite/apply.js";
import { applyTextEdits } from "../../transformer/rewrite/text.js";
import { ROOT, programOf } from "./harness.js";

const HEAD = `import { Context } from "rddopt";
declare const ctx: Context;
interface Sale { day: string; storeId: number; qty: number; price: number; coupon: string }
`;
const dir = fs.mkdtempSync(path.join(ROOT, "test", "transformer", ".source-columns-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: true });
const normalise = (code: string) => printer.printFile(ts.createSourceFile("x.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS));

const CASES = {
  applied: `export const total = ctx.readParquet<Sale>("s").filter((s) => s.qty > 1).map((s) => s.price * s.qty).reduce((a, b) => a + b);\n`,
  literal:
    `const sales = ctx.readCsv<Sale>("s.csv", { schema: { qty: "number" } });\n` +
    `const stores = ctx.readJsonLines<{ storeId: number; region: string; manager: string }>("st.jsonl");\n` +
    `export const out = sales.keyBy((s) => s.storeId).join(stores.keyBy((s) => s.storeId)).map(([, [s, st]]) => [st.region, s.qty] as [string, number]).reduceByKey((a, b) => a + b).count();\n`,
  collect: `export const rows = ctx.readParquet<Sale>("s").collect();\n`,
  exported: `export const rdd = ctx.readParquet<Sale>("s");\nexport const n = rdd.count();\n`,
  stringify: `export const n = ctx.readParquet<Sale>("s").map((s) => JSON.stringify(s)).count();\n`,
  explicit: `export const n = ctx.readParquet<Sale>("s", { columns: ["qty"] }).map((s) => s.qty).count();\n`,
  expression: `const o = {};\nexport const n = ctx.readParquet<Sale>("s", o).map((s) => s.qty).count();\n`,
  spread: `const o = {};\nexport const n = ctx.readParquet<Sale>("s", { ...o }).map((s) => s.qty).count();\n`,
  untyped: `export const n = ctx.readCsv("s.csv").map((s) => s.qty).count();\n`,
  everyColumn: `export const n = ctx.readParquet<Sale>("s").map((s) => [s.day, s.storeId, s.qty, s.price, s.coupon]).collect();\n`,
  dayFilter: `export const n = ctx.readParquet<Sale>("s").filter((s) => s.day === "2024-01-01" && s.qty > 1).collect();\n`,
  twoColumns: `export const n = ctx.readParquet<Sale>("s", {}).filter((s) => ["a", "b"].includes(s.day) && (s.storeId === 1 || -2 === s.storeId) && s.qty > 0).count();\n`,
  laterConjunct: `export const n = ctx.readParquet<Sale>("s").filter((s) => s.qty > 1 && s.day === "x").collect();\n`,
  twoUses: `const r = ctx.readParquet<Sale>("s");\nexport const a = r.filter((s) => s.day === "x").collect();\nexport const b = r.count();\n`,
  explicitColumns: `export const n = ctx.readParquet<Sale>("s", { columns: ["day", "qty"] }).filter((s) => s.day === "x").collect();\n`,
  explicitFilter: `export const n = ctx.readParquet<Sale>("s", { filter: { day: ["y"] } }).filter((s) => s.day === "x").collect();\n`,
  countOnly: `export const n = ctx.readCsv<Sale>("s.csv").filter((s) => s.day === "x").map((s) => s.coupon).count();\n`,
};
const files = Object.fromEntries(Object.entries(CASES).map(([name, body]) => [name, path.join(dir, `${name}.ts`)]));
for (const [name, body] of Object.entries(CASES)) fs.writeFileSync(files[name]!, HEAD + body);
// one program for every case: building one per case would type-check the runtime each time
const program = programOf(Object.values(files));

/** Plans one case, applies the edits both ways, and returns the text result and the report entries of reader calls. */
function rewrite(name: keyof typeof CASES) {
  const sourceFile = program.getSourceFile(files[name]!)!;
  const plan = planFor(ts, program, sourceFile, normalizeOptions({ broadcast: false }));
  const text = applyTextEdits(ts, sourceFile, plan.edits).code;
  const factory = ts.transform(sourceFile, [(context) => (f) => applyEdits(ts, context, f, plan.edits)]);
  const viaFactory = ts.createPrinter().printFile(factory.transformed[0]!);
  factory.dispose();
  expect(normalise(viaFactory)).toBe(normalise(text));
  const readers = plan.optimizations.filter((o) => o.input === "source columns" || o.input === "source partitions");
  return { text, readers };
}

describe("source column pruning", () => {
  it("the cases type-check", () => {
    // only the cases' own files: checking the whole runtime too would take seconds
    const errors = Object.values(files).flatMap((f) => ts.getPreEmitDiagnostics(program, program.getSourceFile(f)));
    expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  });

  it("adds the columns downstream code reads, in declared order, with the call's site", () => {
    const { text, readers } = rewrite("applied");
    expect(text).toMatch(/ctx\.readParquet<Sale>\("s", \{ columns: \["qty", "price"\], site: ".*applied\.ts:4:\d+" \}\)/);
    expect(readers[0]).toMatchObject({ status: "applied", operation: "readParquet" });
  });

  it("appends to an options literal, and follows rows through keyBy, join and a variable", () => {
    const { text } = rewrite("literal");
    expect(text).toContain(`ctx.readCsv<Sale>("s.csv", { schema: { qty: "number" }, columns: ["storeId", "qty"], site:`);
    expect(text).toContain(`("st.jsonl", { columns: ["storeId", "region"], site:`);
  });

  it("a count needs only what decides which rows exist", () => {
    // the mapped value is only counted: it must exist (a returned field is read as present), its parts need not
    expect(rewrite("countOnly").text).toContain(`ctx.readCsv<Sale>("s.csv", { columns: ["day", "coupon"], partitionFilter:`);
  });

  it("a filter starting with row.column === literal conditions gets a partitionFilter that keeps files of other layouts", () => {
    const day = rewrite("dayFilter");
    expect(day.text).toContain(`ctx.readParquet<Sale>("s", { partitionFilter: p => (!("day" in p) || p["day"] === "2024-01-01") })`); // rows collected whole: no columns
    expect(day.readers.find((r) => r.input === "source partitions")).toMatchObject({ status: "applied" });
    const two = rewrite("twoColumns");
    const filter = /partitionFilter: (p => .*?), site:/.exec(two.text)?.[1];
    expect(filter).toBeDefined();
    const keep = new Function(`return ${filter}`)() as (p: Record<string, unknown>) => boolean;
    expect(keep({ day: "a", storeId: 1 })).toBe(true);
    expect(keep({ day: "b", storeId: -2 })).toBe(true);
    expect(keep({ day: "c", storeId: 1 })).toBe(false);
    expect(keep({ day: "a", storeId: 3 })).toBe(false);
    expect(keep({ storeId: 1 })).toBe(true); // no day directory: kept
    expect(keep({})).toBe(true);
    // a user's own columns stay as written and strict (no site): only the partition filter is added
    expect(rewrite("explicitColumns").text).toContain(`{ columns: ["day", "qty"], partitionFilter: p => (!("day" in p) || p["day"] === "x") })`);
    for (const name of ["laterConjunct", "twoUses", "explicitFilter"] as const) {
      const { text, readers } = rewrite(name);
      expect(text, name).not.toContain("partitionFilter");
      expect(readers.find((r) => r.input === "source partitions")?.status, name).toBe("skipped");
    }
  });

  it("leaves readers as written when rows are observed whole, escape, or the options may hold columns", () => {
    const cases: [keyof typeof CASES, RegExp][] = [
      ["collect", /observed whole/],
      ["exported", /observed whole: .*exported/],
      ["stringify", /observed whole/],
      ["explicit", /explicit columns/],
      ["expression", /options given as an expression/],
      ["spread", /spread/],
      ["untyped", /not a plain object type/],
      ["everyColumn", /every declared column is read/],
    ];
    for (const [name, reason] of cases) {
      const { text, readers } = rewrite(name);
      expect(text, name).not.toMatch(/site:/);
      const columns = readers.find((r) => r.input === "source columns");
      expect(columns?.status, name).toBe("skipped");
      expect(columns?.reason, name).toMatch(reason);
    }
  });
});
