/** Never break a build: an internal error leaves the pipeline as written and is reported as a warning. */
import { afterAll, beforeAll, expect, test } from "vitest";
import path from "node:path";
import { ROOT } from "../transformer/harness.js";
import { createWorkspace, multiset, parseOutput, type Workspace } from "../transformer/tspc.js";

const FIXTURES_DIR = path.join(ROOT, "test", "fixtures", "transformer");
const FILES = ["helpers.ts", "seed.ts"];
// RDDOPT_FAULT_INJECTION makes the analysis of every groupByKey throw
const FAULT = { RDDOPT_FAULT_INJECTION: "groupByKey" };

let workspace: Workspace;
const compiled = new Map<string, { output: string; status: number; rows: string[]; seedBytes: number }>();

beforeAll(() => {
  workspace = createWorkspace(FIXTURES_DIR, FILES);
  for (const variant of [
    { name: "plain" },
    { name: "fault", plugin: { broadcast: false }, env: FAULT },
    { name: "faultStderr", plugin: { broadcast: false, warnings: "stderr" }, env: FAULT },
  ]) {
    const { outDir, output, status } = workspace.compile(variant);
    const helpers = parseOutput(workspace.run(outDir, "helpers.ts"));
    const seed = parseOutput(workspace.run(outDir, "seed.ts"));
    compiled.set(variant.name, { output, status, rows: multiset(helpers.rows), seedBytes: seed.totals.shuffleBytesWritten });
  }
}, 300_000);

afterAll(() => workspace?.dispose());

test("an internal error is a warning diagnostic (TS90001) with file and position; the build goes on", () => {
  const fault = compiled.get("fault")!;
  expect(fault.output).toMatch(/helpers\.ts\(\d+,\d+\): warning TS90001: rddopt: left `groupByKey` at src\/helpers\.ts:\d+:\d+ as written/);
  expect(fault.rows).toEqual(compiled.get("plain")!.rows);
  // the other pipelines are still optimized
  expect(fault.seedBytes).toBeLessThan(compiled.get("plain")!.seedBytes * 0.4);
});

test("tsc reports diagnostics with exit status 2 (outputs generated); warnings: \"stderr\" keeps status 0", () => {
  expect(compiled.get("fault")!.status).toBe(2);
  const stderr = compiled.get("faultStderr")!;
  expect(stderr.status).toBe(0);
  expect(stderr.output).toMatch(/warning TS90001: rddopt: left `groupByKey`/);
  expect(stderr.rows).toEqual(compiled.get("plain")!.rows);
});
