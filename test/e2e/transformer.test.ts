/** Compile-and-run through the real tspc: same results with the plugin, fewer shuffle bytes. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../transformer/harness.js";
import { createWorkspace, multiset, parseOutput, type ProgramOutput, type Workspace } from "../transformer/tspc.js";

const FIXTURES_DIR = path.join(ROOT, "test", "fixtures", "transformer");
const SOURCES = fs.readdirSync(FIXTURES_DIR).filter((f) => f.endsWith(".ts")).sort();
/** *.lib.ts are modules the programs import, not programs. */
const FIXTURES = SOURCES.filter((f) => !f.endsWith(".lib.ts"));
const VARIANTS = [
  { name: "plain" },
  { name: "prune", plugin: { broadcast: false } },
  { name: "full", plugin: {} },
];

let workspace: Workspace;
const outputs = new Map<string, Map<string, ProgramOutput>>();
const compilerOutput = new Map<string, string>();
const compilerStatus = new Map<string, number>();

beforeAll(() => {
  workspace = createWorkspace(FIXTURES_DIR, SOURCES);
  for (const variant of VARIANTS) {
    const { outDir, output, status } = workspace.compile(variant);
    compilerOutput.set(variant.name, output);
    compilerStatus.set(variant.name, status);
    const byFixture = new Map<string, ProgramOutput>();
    for (const fixture of FIXTURES) byFixture.set(fixture, parseOutput(workspace.run(outDir, fixture)));
    outputs.set(variant.name, byFixture);
  }
}, 300_000);

afterAll(() => workspace?.dispose());

describe.each(FIXTURES)("%s", (fixture) => {
  const get = (variant: string): ProgramOutput => outputs.get(variant)!.get(fixture)!;

  test("computes the same rows with the plugin (as multisets)", () => {
    expect(multiset(get("prune").rows)).toEqual(multiset(get("plain").rows));
    expect(multiset(get("full").rows)).toEqual(multiset(get("plain").rows));
    expect(get("plain").rows.length).toBeGreaterThan(0);
  });

  test("never shuffles more with pruning", () => {
    expect(get("prune").totals.shuffleBytesWritten).toBeLessThanOrEqual(get("plain").totals.shuffleBytesWritten);
  });
});

test("joined.ts: the consumers of its joins are written as they were, no joined-row twin (the same rows, above)", () => {
  const js = fs.readFileSync(path.join(workspace.dir, "full", "joined.js"), "utf8");
  expect(js).toContain("rddopt.closure"); // the full build did annotate the file
  expect(js).not.toContain("rddopt.joinedArgs");
});

test("the seed program shuffles at least 60% fewer bytes with prune only", () => {
  const plain = outputs.get("plain")!.get("seed.ts")!.totals.shuffleBytesWritten;
  const pruned = outputs.get("prune")!.get("seed.ts")!.totals.shuffleBytesWritten;
  expect(plain).toBeGreaterThan(0);
  expect(pruned).toBeLessThanOrEqual(plain * 0.4);
});

test("pruning actually shrinks every fixture that has unread fields", () => {
  for (const fixture of ["orders.ts", "helpers.ts", "chain.ts", "tricky.ts", "modular.ts", "reducers.ts"]) {
    const plain = outputs.get("plain")!.get(fixture)!.totals.shuffleBytesWritten;
    const pruned = outputs.get("prune")!.get(fixture)!.totals.shuffleBytesWritten;
    expect(pruned, fixture).toBeLessThan(plain);
  }
});

test("broadcast: joins get strategy auto and a site naming the user's source", () => {
  const joins = outputs.get("full")!.get("seed.ts")!.totals.joins ?? [];
  expect(joins.some((j) => j.site === "src/seed.ts:10:21")).toBe(true);
  const plainJoins = outputs.get("plain")!.get("seed.ts")!.totals.joins ?? [];
  expect(plainJoins.every((j) => j.strategy === "shuffle")).toBe(true);
});

test("tspc reports no rddopt warnings for well-typed fixtures", () => {
  expect(compilerOutput.get("full")).not.toMatch(/TS9000\d/);
});

