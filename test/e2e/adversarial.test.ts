/**
 * Differential soundness suite (issue 10): hostile hand-written programs under test/e2e/adversarial/<variant>/,
 * each compiled by the real tspc three times (no plugin, prune only, prune + broadcast) and run with node.
 * The builds must print the same results (the RESULT/ERROR lines of test/e2e/adversarial/kit.ts).
 *
 * One workspace per tsconfig variant (a folder of programs), one tspc run per build per workspace.
 * File names say the class: c0 control (pruning must shrink the shuffle), c1..c6 the review's classes.
 * `*.lib.ts` are modules the programs import, not programs. Set ADVERSARIAL_KEEP=1 to keep the workspaces
 * (their paths are printed) and inspect the emitted JavaScript of each build.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../transformer/harness.js";
import { createWorkspace, type Variant, type Workspace } from "../transformer/tspc.js";

const SUITE_DIR = path.join(ROOT, "test", "e2e", "adversarial");
const KIT = path.join(SUITE_DIR, "kit.ts");

const sourcesOf = (folder: string): string[] =>
  fs
    .readdirSync(path.join(SUITE_DIR, folder))
    .filter((f) => f.endsWith(".ts"))
    .sort();
const programsOf = (folder: string): string[] => sourcesOf(folder).filter((f) => !f.endsWith(".lib.ts"));

/** tsconfig variants: a folder of programs and the compilerOptions spread over the harness defaults. */
const CONFIGS = [
  { folder: "strict", compilerOptions: {} },
  { folder: "loose", compilerOptions: { strict: false } },
  { folder: "unchecked", compilerOptions: { noUncheckedIndexedAccess: true } },
  { folder: "exact", compilerOptions: { exactOptionalPropertyTypes: true } },
].filter((c) => programsOf(c.folder).length > 0);
const BUILDS: Variant[] = [{ name: "plain" }, { name: "prune", plugin: { broadcast: false } }, { name: "full", plugin: {} }];
const CLASSES: Record<string, string> = {
  c0: "control",
  c1: "class 1: exports",
  c2: "class 2: helpers with several call sites",
  c3: "class 3: observations that are reads",
  c4: "class 4: values that are pairs",
  c5: "class 5: types that lie",
  c6: "class 6: partition-dependent operations",
  c7: "class 7: identity of joined values",
};

interface Run {
  /** RESULT/ERROR lines (and an EXIT line when the process failed): what the builds must agree on. */
  compared: string[];
  shuffleBytesWritten: number | undefined;
  raw: string;
}
interface Build {
  compilerOutput: string;
  compilerStatus: number;
  /** Set when tspc itself failed (then there are no runs). */
  compileError?: string;
  runs: Map<string, Run>;
}

const classOf = (program: string): string => CLASSES[program.slice(0, 2)] ?? "unclassified";

const workspaces = new Map<string, Workspace>();
const builds = new Map<string, Map<string, Build>>(); // folder -> build name -> build
const KEEP = process.env.ADVERSARIAL_KEEP === "1";

/**
 * Error messages name stage numbers, RDD ids and positions in the emitted JavaScript, which differ between
 * builds when the plugin inserts a projection: they are masked, the rest of the message is compared.
 */
function normaliseError(line: string): string {
  if (!line.startsWith("ERROR ")) return line;
  return line
    .replace(/\bstage \d+/g, "stage #")
    .replace(/(computing \S+) \[\d+\]/g, "$1 [#]")
    .replace(/(<out>\/[^\s:)]+):\d+:\d+/g, "$1");
}

function runProgram(workspace: Workspace, outDir: string, program: string): Promise<Run> {
  const js = path.join(outDir, program.replace(/\.ts$/, ".js"));
  return new Promise((resolve) => {
    execFile(process.execPath, [js], { cwd: workspace.dir, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      // paths differ between builds only by the output directory
      const text = stdout.split(outDir).join("<out>");
      const lines = text.split("\n");
      const compared = lines.filter((l) => l.startsWith("RESULT ") || l.startsWith("ERROR ")).map(normaliseError);
      if (error) {
        const last = stderr.split(outDir).join("<out>").trim().split("\n").filter((l) => !/^\s+at /.test(l)).slice(-3).join(" / ");
        compared.push(`EXIT ${error.code ?? error.signal ?? "?"}: ${last}`);
      }
      const metrics = /^METRICS shuffleBytesWritten=(\d+)$/m.exec(text);
      resolve({ compared, shuffleBytesWritten: metrics ? Number(metrics[1]) : undefined, raw: `${text}${stderr}` });
    });
  });
}

/** Runs the tasks with at most `limit` at a time (2 cores: the programs are short node processes). */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

beforeAll(async () => {
  // all workspaces first, back to back: each links the private package build of the sources as they are
  // now (others may be editing transformer/ and runtime/; a changed tree means another package build)
  for (const { folder } of CONFIGS) {
    const workspace = createWorkspace(path.join(SUITE_DIR, folder), sourcesOf(folder));
    workspaces.set(folder, workspace);
    fs.copyFileSync(KIT, path.join(workspace.dir, "src", "kit.ts"));
    if (KEEP) console.log(`adversarial workspace ${folder}: ${workspace.dir} (rddopt: ${fs.realpathSync(path.join(workspace.dir, "node_modules", "rddopt"))})`);
  }
  for (const { folder, compilerOptions } of CONFIGS) {
    const sources = sourcesOf(folder);
    const programs = programsOf(folder);
    const workspace = workspaces.get(folder)!;
    const byBuild = new Map<string, Build>();
    builds.set(folder, byBuild);
    const tasks: (() => Promise<void>)[] = [];
    for (const variant of BUILDS) {
      const build: Build = { compilerOutput: "", compilerStatus: -1, runs: new Map() };
      byBuild.set(variant.name, build);
      try {
        const { outDir, output, status } = workspace.compile({ ...variant, compilerOptions, only: [...sources, "kit.ts"] });
        build.compilerOutput = output;
        build.compilerStatus = status;
        for (const program of programs) {
          tasks.push(async () => {
            build.runs.set(program, await runProgram(workspace, outDir, program));
          });
        }
      } catch (e) {
        build.compileError = e instanceof Error ? e.message : String(e);
      }
    }
    await pool(tasks, 2);
  }
  // 4 workspaces x 3 builds and ~60 node runs: ~200 s alone on 2 cores, far more beside the rest of the suite
}, 600_000);

afterAll(() => {
  if (!KEEP) for (const workspace of workspaces.values()) workspace.dispose();
});

function build(folder: string, name: string): Build {
  const b = builds.get(folder)?.get(name);
  if (!b) throw new Error(`no ${name} build for ${folder} (beforeAll failed?)`);
  if (b.compileError) throw new Error(`tspc failed for the ${name} build of ${folder}:\n${b.compileError}`);
  return b;
}
function run(folder: string, name: string, program: string): Run {
  const r = build(folder, name).runs.get(program);
  if (!r) throw new Error(`${folder}/${program} did not run in the ${name} build`);
  return r;
}

describe.each(CONFIGS.map((c) => c.folder))("%s", (folder) => {
  test.each(BUILDS.map((b) => b.name))(`tspc (%s) compiles ${folder}/ without crashing or rddopt internal errors`, (name) => {
    const b = build(folder, name);
    expect(b.compilerOutput).not.toMatch(/TS9000[13]|internal error|^\s+at .*\(.*\)$/m);
    expect(b.compilerStatus).toBe(0);
  });

  const programs = programsOf(folder);
  describe.each(programs.map((p) => [`[${classOf(p)}] ${folder}/${p}`, p] as const))("%s", (_title, program) => {
    test("plain build prints results", () => {
      const plain = run(folder, "plain", program);
      expect(plain.compared.filter((l) => l.startsWith("RESULT ")).length, plain.raw).toBeGreaterThan(0);
      expect(plain.compared.filter((l) => l.startsWith("EXIT ")), plain.raw).toEqual([]);
    });
    test.each(["prune", "full"])("%s build prints plain's results", (name) => {
      expect(run(folder, name, program).compared).toEqual(run(folder, "plain", program).compared);
    });
    if (program.startsWith("c0")) {
      test("pruning shrinks the shuffle (prune build writes fewer shuffle bytes than plain)", () => {
        const plain = run(folder, "plain", program).shuffleBytesWritten;
        const pruned = run(folder, "prune", program).shuffleBytesWritten;
        expect(plain).toBeGreaterThan(0);
        expect(pruned).toBeLessThan(plain ?? 0);
      });
    }
  });
});
