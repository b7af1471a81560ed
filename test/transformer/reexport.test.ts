/** Pipelines are found by type wherever the RDD comes from: a project's own re-export of rddopt counts. */
import { expect, test } from "vitest";
import { analyzeSources } from "./harness.js";

test("a file importing rddopt through a local re-export module is analysed and pruned", () => {
  const results = analyzeSources(
    {
      engine: `export { Context } from "rddopt";\nexport type { RDD } from "rddopt";\n`,
      main: `import { Context } from "./engine.js";
declare const ctx: Context;
const a = ctx.parallelize<[number, [number, number, number]]>([]);
export const out = a.groupByKey().mapValues((vs) => vs.map((v) => v[2]));
`,
    },
    { broadcast: false },
  );
  const main = results.get("main")!;
  expect(main.after).toContain("a.projectValues([2]).groupByKey().mapValues((vs) => vs.map((v) => v[0]))");
});
