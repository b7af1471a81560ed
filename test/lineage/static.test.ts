/**
 * Static column lineage: each program in cases/ must print exactly as its .expected.txt (UPDATE_GOLDEN=1
 * rewrites them; read the diff before committing), its JSON must have the OpenLineage facet's shape, and
 * the claims that matter most are checked one by one; every pipeline of cases/dynamic.ts is rerun with
 * perturbed inputs (dynamic soundness); and static lineage reaches run-time events, by hand and through
 * the plugin option. One program for all: the compiler loads the runtime's types once.
 */
import { afterEach, describe, expect, test } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { programOf, userErrors } from "../transformer/harness.js";
import { lineageReport, renderLineageText } from "../../cli/lineage.js";
import { lineageOfProgram, toOpenLineageOutputs, type PipelineLineage } from "../../transformer/lineage/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { pipelines, type Customer, type Order } from "./cases/dynamic.js";
import { columnLineageErrors } from "./facet-shape.js";
import type { RunEvent } from "../../runtime/index.js";
import { sums } from "./cases/attach-job.js";
import rddoptTransformer from "../../transformer/index.js";
import { rewriteProgram } from "../../cli/rewrite.js";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const CASES_DIR = path.join(import.meta.dirname, "cases");
const CASES = fs.readdirSync(CASES_DIR).filter((f) => fs.existsSync(path.join(CASES_DIR, f.replace(/\.ts$/, ".expected.txt"))) && f.endsWith(".ts")).sort();

// one program for every case: the compiler loads the runtime's types once
const files = CASES.map((c) => path.join(CASES_DIR, c));
const ATTACH_JOB = path.join(CASES_DIR, "attach-job.ts");
const TAGGED_JOB = path.join(CASES_DIR, "tagged-job.ts");
const DYNAMIC = path.join(CASES_DIR, "dynamic.ts");
const program = programOf([...files, ATTACH_JOB, TAGGED_JOB, DYNAMIC]);
const errors = userErrors(program);
if (errors.length) throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => CASES_DIR, getNewLine: () => "\n" }));
const byCase = new Map(CASES.map((c, i) => [c, lineageReport(ts, program, [files[i]!])]));

const field = (p: PipelineLineage, name: string) => p.fields.find((f) => f.name === name)?.inputFields ?? [];
const summary = (p: PipelineLineage, name: string): string[] =>
  field(p, name).map((i) => `${i.field}:${i.transformations.map((t) => t.subtype).join("+")}`).sort();

describe.each(CASES)("%s", (name) => {
  const report = byCase.get(name)!;
  test("prints as expected", () => {
    const expectedFile = path.join(CASES_DIR, name.replace(/\.ts$/, ".expected.txt"));
    const text = renderLineageText(report);
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(expectedFile, text);
    expect(text).toBe(fs.readFileSync(expectedFile, "utf8"));
  });
  test("JSON has the column lineage facet's shape", () => {
    const outputs = toOpenLineageOutputs(report.pipelines);
    expect(outputs.length).toBeGreaterThan(0);
    for (const dataset of outputs) expect(columnLineageErrors(JSON.parse(JSON.stringify(dataset)))).toEqual([]);
  });
});

describe("what the lineage claims", () => {
  test("join + reduceByKey: key from the right side as is, value aggregated from two left fields, keys join and group", () => {
    const [p] = byCase.get("tuples.ts")!.pipelines;
    expect(summary(p!, "_1")).toEqual(["_2._2:IDENTITY"]);
    expect(summary(p!, "_2")).toEqual(["_2._1:AGGREGATION", "_2._3:AGGREGATION"]);
    const indirect = p!.dataset.map((i) => `${i.name.split("@")[0]}.${i.field}:${i.transformations.map((t) => t.subtype).join("+")}`).sort();
    expect(indirect).toEqual(["orders._1:JOIN", "orders._2._3:FILTER", "users._1:JOIN", "users._2._2:GROUP_BY"]);
  });

  test("nested object fields are dotted paths, and an unread field feeds nothing", () => {
    const [p] = byCase.get("objects.ts")!.pipelines;
    expect(summary(p!, "_1")).toEqual(["address.country:IDENTITY"]);
    expect(summary(p!, "_2.city")).toEqual(["address.city:IDENTITY"]);
    expect(summary(p!, "_2.big")).toEqual(["spend:TRANSFORMATION"]);
    expect(p!.fields.flatMap((f) => f.inputFields).some((i) => i.field === "id")).toBe(false);
  });

  test("an opaque function makes its output depend on every field of the row it gets", () => {
    const [whole, mixed] = byCase.get("escape.ts")!.pipelines;
    expect(summary(whole!, "label")).toEqual(["_1:TRANSFORMATION", "_2:TRANSFORMATION", "_3:TRANSFORMATION"]);
    expect(field(whole!, "label")[0]!.transformations[0]!.description).toMatch(/declared with another type|not analysed/);
    expect(summary(mixed!, "_2")).toEqual(["_3:TRANSFORMATION"]);
  });

  test("file sources and sinks are file datasets named by their path; union reads both inputs", () => {
    const [save, count] = byCase.get("files.ts")!.pipelines;
    expect(save!.output).toEqual({ namespace: "file", name: "out/report" });
    expect(save!.inputs.map((d) => d.name.split("@")[0])).toEqual(["data/events.csv", "extra"]);
    expect(count!.fields).toEqual([]);
    expect(count!.dataset.map((i) => i.transformations.map((t) => t.subtype).join())).toEqual(["FILTER"]);
  });
});

test("a project without actions says so", () => {
  expect(renderLineageText({ pipelines: [] })).toBe("rddopt: no pipelines (no RDD actions) found.\n");
});

test("static lineage meets run-time events: the facet of a collect rides on that job's COMPLETE event", async () => {
  const outputs = toOpenLineageOutputs(lineageReport(ts, program, [ATTACH_JOB]).pipelines);
  expect(outputs.map((o) => o.name)).toEqual(["collect@test/lineage/cases/attach-job.ts:10"]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-attach-"));
  try {
    const file = path.join(dir, "events.jsonl");
    expect(await sums(file, outputs)).toEqual([3, 7]);
    const events = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as RunEvent);
    // the job's name is where the action was called, as the static lineage names the output
    expect(events.map((e) => [e.eventType, e.job.name])).toEqual([
      ["START", "collect@test/lineage/cases/attach-job.ts:10"],
      ["COMPLETE", "collect@test/lineage/cases/attach-job.ts:10"],
    ]);
    const facet = events[1]!.outputs[0]!.facets!.columnLineage!;
    expect(facet.fields.value!.inputFields.map((i) => i.field)).toEqual(["_1", "_2"]);
    // the in-memory dataset the facet reads from is one of the event's inputs
    expect(events[1]!.inputs).toEqual([{ namespace: "rddopt", name: "pairs@test/lineage/cases/attach-job.ts:6" }]);
    expect(facet.dataset!.map((i) => [i.field, i.transformations![0]!.subtype])).toEqual([["_3", "FILTER"]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The ts-patch transformer with `lineage: true` over one file, as the JavaScript a build would emit. */
function emitWithLineage(file: string): string {
  const sourceFile = program.getSourceFile(file)!;
  const result = ts.transform(sourceFile, [rddoptTransformer(program, { lineage: true }, { ts })], program.getCompilerOptions());
  try {
    const text = ts.createPrinter().printFile(result.transformed[0]!);
    return ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  } finally {
    result.dispose();
  }
}

/** Runs emitted JavaScript of cases/tagged-job.ts against the built runtime; its stdout and lineage events. */
async function runTaggedJob(js: string): Promise<{ result: unknown; events: RunEvent[] }> {
  const root = path.resolve(import.meta.dirname, "../..");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-tagged-"));
  try {
    // the emitted module, importing the built runtime (dist/: npm test builds it first)
    const script = path.join(dir, "job.mjs");
    fs.writeFileSync(script, js.replace(/from "rddopt"/, `from ${JSON.stringify(new URL(`file://${path.join(root, "dist", "runtime", "index.js")}`).href)}`));
    const file = path.join(dir, "events.jsonl");
    const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: root, env: { ...process.env, LINEAGE_EVENTS: file } });
    return { result: JSON.parse(stdout), events: fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as RunEvent) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each action's events carry that action's own column lineage, and the job computes what it did. */
function expectTaggedEvents({ result, events }: { result: unknown; events: RunEvent[] }): void {
  expect(result).toEqual({ totals: [["ada", 8], ["lin", 4]], pages: 2 });
  const complete = events.filter((e) => e.eventType === "COMPLETE");
  expect(complete.map((e) => e.outputs.map((o) => o.name))).toEqual([["collect@test/lineage/cases/tagged-job.ts:7"], ["count@test/lineage/cases/tagged-job.ts:8"]]);
  const collectFacet = complete[0]!.outputs[0]!.facets!.columnLineage!;
  expect(collectFacet.fields._2!.inputFields.map((i) => [i.field, i.transformations![0]!.subtype])).toEqual([["_2", "AGGREGATION"]]);
  const countFacet = complete[1]!.outputs[0]!.facets!.columnLineage!;
  expect(countFacet.dataset!.map((i) => [i.field, i.transformations![0]!.subtype])).toEqual([["_2", "FILTER"]]);
}

test("plugin option lineage: true tags each action; its events carry its own column lineage", async () => {
  const js = emitWithLineage(TAGGED_JOB);
  expect(js).toContain('(globalThis[Symbol.for("rddopt.lineage")] ?? ((_lineage, rdd) => rdd))(');
  expectTaggedEvents(await runTaggedJob(js));
});

test("rddopt rewrite with lineage tags: the output type-checks as written and its events carry the column lineage", async () => {
  const tsApi = ts as unknown as Parameters<typeof rewriteProgram>[0]; // the namespace type the CLI uses
  const { files: [file] } = rewriteProgram(tsApi, program, [TAGGED_JOB], { lineage: true }, (f) => f);
  expect(file!.typing).toBe("sites");
  expect(file!.code).toContain('Symbol.for("rddopt.lineage")');
  expectTaggedEvents(await runTaggedJob(ts.transpileModule(file!.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText));
});

// ---------------------------------------------------------------------------------------------------
// Dynamic soundness: run each pipeline of cases/dynamic.ts, then again with one input field perturbed
// (every row, differently per row). Whenever an output field's values change, the lineage must list the
// perturbed field for that output field or for the whole dataset (filters, keys). A lineage that forgot
// a dependency fails here; one that over-approximates does not.

const lineages = lineageOfProgram(ts, program, [DYNAMIC]);
const names = Object.keys(pipelines) as (keyof typeof pipelines)[];

const orders: Order[] = Array.from({ length: 24 }, (_, i) => [1 + (i % 5), { sku: `s${i % 4}`, price: 2 + (i % 7), qty: i % 3 }, ` n${i % 2} `]);
const customers: Customer[] = Array.from({ length: 4 }, (_, i) => [1 + i, { name: `c${i}`, country: i % 2 ? "NO" : "IT", vip: i !== 2 }]);

type Row = unknown;
/** The value at a lineage field name (`_2.price`, `value`) of a row. */
function valueAt(row: Row, field: string): unknown {
  if (field === "value") return row;
  let current: unknown = row;
  for (const part of field.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    const position = /^_(\d+)$/.exec(part);
    current = Array.isArray(current) && position ? current[Number(position[1]) - 1] : (current as Record<string, unknown>)[part];
  }
  return current;
}

/** `rows` with the value at `field` changed in every row, differently per row. */
function perturbed<T>(rows: T[], field: string): T[] {
  return rows.map((row, i) => {
    const copy = structuredClone(row) as unknown;
    const parts = field.split(".");
    let holder = copy as Record<string, unknown> | unknown[];
    for (const part of parts.slice(0, -1)) holder = (Array.isArray(holder) ? holder[Number(part.slice(1)) - 1] : holder[part]) as typeof holder;
    const last = parts[parts.length - 1]!;
    const get = () => (Array.isArray(holder) ? holder[Number(last.slice(1)) - 1] : holder[last]);
    const set = (v: unknown) => (Array.isArray(holder) ? (holder[Number(last.slice(1)) - 1] = v) : (holder[last] = v));
    const v = get();
    set(typeof v === "number" ? v * 7 + 3 + (i % 3) : typeof v === "string" ? `${v}~${i % 2}` : typeof v === "boolean" ? (i % 2 === 0 ? !v : v) : v);
    return copy as T;
  });
}

const ORDER_FIELDS = ["_1", "_2.sku", "_2.price", "_2.qty", "_3"];
const CUSTOMER_FIELDS = ["_1", "_2.name", "_2.country", "_2.vip"];

const fingerprint = (rows: Row[], field: string): string => JSON.stringify(rows.map((r) => JSON.stringify(valueAt(r, field) ?? null)).sort());

/** Whether the lineage lists input `field` of the dataset `source` for output `output` or for every row. */
function listed(lineage: PipelineLineage, output: string, source: string, field: string): boolean {
  const inputs = [...(lineage.fields.find((f) => f.name === output)?.inputFields ?? []), ...lineage.dataset];
  return inputs.some((i) => i.name.startsWith(`${source}@`) && (i.field === field || field.startsWith(`${i.field}.`)));
}

describe.each(names.map((name, i) => [name, i] as const))("dynamic soundness: %s", (name, index) => {
  afterEach(stopContexts);
  const lineage = lineages[index]!;
  const run = (o: Order[], c: Customer[]) => (pipelines[name] as (ctx: ReturnType<typeof testContext>, o: Order[], c: Customer[]) => Promise<Row[]>)(testContext(), o, c);

  test("the lineage is the one of this pipeline", () => {
    expect(lineages).toHaveLength(names.length);
    expect(lineage.action).toBe("collect");
    expect(lineage.fields.length).toBeGreaterThan(0);
  });

  test("every output field that changes when an input field changes lists that input field", async () => {
    const base = await run(orders, customers);
    expect(base.length).toBeGreaterThan(0);
    const misses: string[] = [];
    let changes = 0;
    const check = async (source: "orders" | "customers", field: string) => {
      const out = source === "orders" ? await run(perturbed(orders, field), customers) : await run(orders, perturbed(customers, field));
      for (const output of lineage.fields.map((f) => f.name)) {
        if (fingerprint(out, output) === fingerprint(base, output)) continue;
        changes++;
        if (!listed(lineage, output, source, field)) misses.push(`${output} changed with ${source}.${field}, which its lineage does not list`);
      }
    };
    for (const field of ORDER_FIELDS) await check("orders", field);
    if (lineage.inputs.some((d) => d.name.startsWith("customers@"))) for (const field of CUSTOMER_FIELDS) await check("customers", field);
    expect(misses).toEqual([]);
    expect(changes).toBeGreaterThan(0); // the perturbations reach the output: the check above did check something
  });
});
