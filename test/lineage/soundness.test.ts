/**
 * Dynamic soundness of the static lineage: run each pipeline of cases/dynamic.ts, then again with one input
 * field perturbed (every row, differently per row). Whenever an output field's values change, the lineage
 * must list the perturbed field for that output field or for the whole dataset (filters, keys). A lineage
 * that forgot a dependency fails here; one that over-approximates does not.
 */
import path from "node:path";
import ts from "typescript";
import { afterEach, describe, expect, test } from "vitest";
import { programOf } from "../transformer/harness.js";
import { lineageOfProgram, type PipelineLineage } from "../../transformer/lineage/index.js";
import { stopContexts, testContext } from "../helpers/context.js";
import { pipelines, type Customer, type Order } from "./cases/dynamic.js";

const source = path.join(import.meta.dirname, "cases", "dynamic.ts");
const lineages = lineageOfProgram(ts, programOf([source]), [source]);
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

afterEach(stopContexts);

describe.each(names.map((name, i) => [name, i] as const))("%s", (name, index) => {
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
