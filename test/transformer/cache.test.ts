/** Plans are cached per Program: an incremental rebuild (new Program reusing the old) sees edits at once. */
import { expect, test } from "vitest";
import { analyzeSources } from "./harness.js";

const source = (read: string): string => `import { Context } from "rddopt";
declare const ctx: Context;
const a = ctx.parallelize<[number, [number, number, number]]>([]);
export const out = a.groupByKey().mapValues((vs) => vs.map((v) => ${read}));
`;

test("a rebuild after a field-usage edit re-plans the file", () => {
  const state: { program?: import("typescript").Program } = {};
  const first = analyzeSources({ cached: source("v[0]") }, { broadcast: false }, {}, state).get("cached")!;
  expect(first.after).toContain("a.projectValues([0]).groupByKey()");
  const firstProgram = state.program;
  const second = analyzeSources({ cached: source("v[0] + v[2]") }, { broadcast: false }, {}, state).get("cached")!;
  expect(state.program).not.toBe(firstProgram);
  expect(second.after).toContain("a.projectValues([0, 2]).groupByKey()");
  const third = analyzeSources({ cached: source("v") }, { broadcast: false }, {}, state).get("cached")!;
  expect(third.changed).toBe(false);
  // three analyses of a program over the runtime's sources: 30-45 s alone at load 12-15 on 2 cores, more in the full suite
}, 180_000);

test("the same Program analysed twice gives the same plan (cached, not recomputed differently)", () => {
  const state: { program?: import("typescript").Program } = {};
  const once = analyzeSources({ twice: source("v[1]") }, { broadcast: false, capture: false }, {}, state).get("twice")!;
  expect(once.optimizations).toHaveLength(1);
  expect(once.optimizations[0]).toMatchObject({ status: "applied", kept: "[1] of 3", placement: "inserted" });
});
