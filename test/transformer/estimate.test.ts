/**
 * The report's per-site estimate (plan/estimate.ts): bytes per shuffled value before and after a projection,
 * from the types. Where the types fix every size (fractional numbers, booleans, literal strings) the
 * estimate must equal what msgpackr writes for such a value; a plain string makes it a lower bound ("≥").
 */
import { Packr } from "msgpackr";
import { beforeAll, describe, expect, it } from "vitest";
import type { Optimization } from "../../transformer/report/types.js";
import { describeEstimate } from "../../transformer/plan/estimate.js";
import { analyzeSources } from "./harness.js";

const packr = new Packr({ useRecords: false });
const size = (value: unknown) => packr.pack(value).length;

const SOURCES = {
  tuple: `import { Context } from "rddopt";
declare const ctx: Context;
const a = ctx.parallelize<[number, [number, boolean, "eu" | "us", number]]>([]);
export const out = a.groupByKey().mapValues((vs) => vs.map((v) => v[0] + v[3]));
`,
  object: `import { Context } from "rddopt";
declare const ctx: Context;
const a = ctx.parallelize<[number, { amount: number; paid: boolean; note: string }]>([]);
export const out = a.groupByKey().mapValues((vs) => vs.map((v) => (v.paid ? v.amount : 0)));
`,
  mixed: `import { Context } from "rddopt";
declare const ctx: Context;
const a = ctx.parallelize<[number, [number, string]]>([]);
export const whole = a.groupByKey().mapValues((vs) => vs.map((v) => JSON.stringify(v)));
export const pruned = a.groupByKey().mapValues((vs) => vs.map((v) => v[0]));
`,
};

// one Program for every case (building one is what takes the time)
let optimizations: Map<string, Optimization[]>;
beforeAll(() => {
  const results = analyzeSources(SOURCES, { broadcast: false });
  optimizations = new Map(Object.keys(SOURCES).map((name) => [name, results.get(name)!.optimizations.filter((o) => o.kind === "prune")]));
});
const appliedPrunes = (name: string) => optimizations.get(name)!.filter((o) => o.status === "applied");

describe("estimated bytes per value", () => {
  it("equals msgpackr's size for a tuple whose types fix every size, before and after", () => {
    const [prune] = appliedPrunes("tuple");
    const value: [number, boolean, "eu", number] = [1.5, true, "eu", 2.5];
    expect(prune!.estimate).toEqual({
      before: { bytes: size(value), atLeast: false },
      after: { bytes: size([value[0], value[3]]), atLeast: false },
      saved: { bytes: size(value) - size([value[0], value[3]]), atLeast: false },
    });
  });

  it("equals msgpackr's size for an object, and says ≥ where a string's length is data", () => {
    const [prune] = appliedPrunes("object");
    const kept = { amount: 1.5, paid: true };
    expect(prune!.estimate!.after).toEqual({ bytes: size(kept), atLeast: false });
    // the dropped note counts at its key and an empty string: a real note only adds to it
    expect(prune!.estimate!.before).toEqual({ bytes: size({ ...kept, note: "" }), atLeast: true });
    expect(prune!.estimate!.saved).toEqual({ bytes: size({ ...kept, note: "" }) - size(kept), atLeast: true });
    expect(describeEstimate(prune!.estimate!)).toBe(`≥ ${size({ ...kept, note: "" })} B → ${size(kept)} B per value, ≥ ${size({ ...kept, note: "" }) - size(kept)} B saved (static estimate from the types)`);
  });

  it("is given for every applied prune and for none that is skipped", () => {
    const prunes = optimizations.get("mixed")!;
    expect(prunes.map((o) => [o.status, !!o.estimate])).toEqual([["skipped", false], ["applied", true]]);
  });
});

describe("the estimate in the reports", () => {
  it("is shown in the text and HTML reports and kept in JSON", async () => {
    const path = await import("node:path");
    const { fileReport, summarize } = await import("../../cli/report.js");
    const { renderText } = await import("../../cli/render-text.js");
    const { renderHtml } = await import("../../cli/render-html.js");
    const estimate = { before: { bytes: 30, atLeast: true }, after: { bytes: 10, atLeast: false }, saved: { bytes: 20, atLeast: true } };
    const file = fileReport({
      fileName: path.join(process.cwd(), "src", "a.ts"),
      before: "a.join(b);\n",
      after: "a.projectValues([0]).join(b);\n",
      changed: true,
      optimizations: [{ site: "src/a.ts:1:3", file: "src/a.ts", line: 1, column: 3, kind: "prune", operation: "join", status: "applied", reason: "downstream reads {0}", input: "left", kept: "[0] of 5", estimate }],
    });
    const report = { project: "tsconfig.json", typescript: "6.0.3", options: { prune: true, broadcast: true }, summary: summarize([file]), files: [file] };
    const line = "≥ 30 B → 10 B per value, ≥ 20 B saved (static estimate from the types)";
    expect(renderText(report, false)).toContain(`effect: ${line}`);
    expect(renderHtml(report)).toContain(`<td class="effect">${line}</td>`);
    expect(JSON.parse(JSON.stringify(report)).files[0].optimizations[0].estimate).toEqual(estimate);
  });
});
