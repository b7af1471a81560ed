/**
 * The live view's data: events recorded through the Listener become jobs,
 * stages, tasks, join decisions and a laid-out stage DAG; the server answers
 * on 127.0.0.1; a saved run reads back to the same view.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../runtime/index.js";
import { readRun, RunRecorder } from "../../runtime/ui/recorder.js";
import { emptyMetrics } from "../../runtime/metrics.js";
import { buildView, type View } from "../../runtime/ui/view.js";
import { layeredLayout } from "../../runtime/ui/layout.js";
import { stopContexts, tempDir, testContext } from "../helpers/context.js";
import { expectSamePairs } from "../helpers/multiset.js";
import * as ref from "../helpers/reference.js";

afterEach(stopContexts);

const left: [number, number][] = Array.from({ length: 120 }, (_, i) => [i % 23, i]);
const right: [number, string][] = Array.from({ length: 40 }, (_, i) => [i % 30, `r${i}`]);

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a busy task: tasks are synchronous
  }
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe("live view", () => {
  it("serves the page and a view of finished jobs: stages, tasks, the join decision with its site, the DAG", async () => {
    const ctx = testContext();
    const sums = ctx.parallelize(left, 3).reduceByKey((a, b) => a + b);
    const joined = sums.join(ctx.parallelize(right, 2), { strategy: "shuffle", site: "jobs.ts:12:5" });
    expectSamePairs(await joined.collect(), ref.join(ref.reduceByKey(left, (a, b) => a + b), right, "inner"));
    const ui = await ctx.ui({ port: 0 });
    try {
      expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(ui.url);
      expect(page.headers.get("content-type")).toContain("text/html");
      const html = await page.text();
      expect(html).toContain("rddopt live view");
      expect(html).not.toMatch(/<link\b|<script\b[^>]*\bsrc=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
      const { version, view } = await getJson<{ version: number; view: View }>(`${ui.url}api/view`);
      expect(view.live).toBe(true);
      expect(view.jobs).toHaveLength(1);
      expect(view.jobs[0]!.stages.every((s) => s.taskList.length === 0 && view.jobs[0]!.dag === undefined)).toBe(true); // in brief
      const job = view.detail!; // in full: the latest job
      expect(job.id).toBe(view.jobs[0]!.id);
      expect(job).toMatchObject({ description: "collect", status: "succeeded", pool: "default" });
      expect(job.stages.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      expect(job.stages.map((s) => s.tasks)).toEqual(job.stages.map((s) => s.taskList.length));
      expect(job.stages.every((s) => s.taskList.every((t) => t.durationMs! >= 0))).toBe(true);
      // per-stage figures add up to the job's
      const sum = (key: "shuffleBytesWritten" | "shuffleBytesRead") => job.stages.reduce((n, s) => n + s.totals![key], 0);
      expect(sum("shuffleBytesWritten")).toBe(job.metrics!.shuffleBytesWritten);
      expect(sum("shuffleBytesRead")).toBe(job.metrics!.shuffleBytesRead);
      expect(job.stages.filter((s) => s.shuffleId !== undefined).every((s) => s.totals!.shuffleBytesWritten > 0)).toBe(true);
      expect(job.joins).toEqual([expect.objectContaining({ site: "jobs.ts:12:5", strategy: "shuffle", reason: expect.any(String) })]);
      // DAG: two map stages feed the result stage, laid out top to bottom by dagre
      const dag = job.dag!;
      expect(dag.engine).toBe("dagre");
      expect(dag.nodes).toHaveLength(3);
      expect(dag.edges).toHaveLength(2);
      const result = dag.nodes.find((n) => n.id === `stage-${job.stages[2]!.id}`)!;
      for (const e of dag.edges) {
        expect(e.to).toBe(result.id);
        expect(dag.nodes.find((n) => n.id === e.from)!.y).toBeLessThan(result.y);
        expect(e.points.length).toBeGreaterThanOrEqual(2);
      }
      // unchanged since: a short answer
      const again = await getJson<{ version: number; view: { live: boolean; jobs?: unknown } }>(`${ui.url}api/view?since=${version}`);
      expect(again).toEqual({ version, view: { live: true } });
      expect((await fetch(`${ui.url}nothing`)).status).toBe(404);
    } finally {
      await ui.close();
    }
    await expect(fetch(ui.url)).rejects.toThrow();
  });

  it("shows a second job's reused shuffle as a skipped stage, and a queued job before it starts", async () => {
    const ctx = testContext({ maxConcurrentJobs: 1 });
    const sums = ctx.parallelize(left, 3).reduceByKey((a, b) => a + b);
    await sums.count();
    const ui = await ctx.ui({ port: 0 });
    try {
      const blocker = ctx.parallelize(left, 4).map((x) => (spin(2), x)).count(); // long enough to be seen running
      const queued = sums.mapValues((v) => v + 1).count();
      const during = await getJson<{ view: View }>(`${ui.url}api/view`);
      expect(during.view.jobs.map((j) => j.status)).toEqual(["succeeded", "running", "queued"]);
      await Promise.all([blocker, queued]);
      const { view } = await getJson<{ view: View }>(`${ui.url}api/view?job=${during.view.jobs[2]!.id}`);
      const last = view.detail!;
      expect(last.id).toBe(view.jobs[2]!.id);
      expect(last.status).toBe("succeeded");
      expect(last.dag!.nodes.map((n) => n.status).sort()).toEqual(["skipped", "succeeded"]);
      expect(view.pools.find((p) => p.name === "default")).toMatchObject({ jobsRun: 3 });
    } finally {
      await ui.close();
    }
  });

  it("a saved run reads back to the same view; bad files and ports get clear errors", async () => {
    const dir = tempDir();
    try {
      const ctx = testContext();
      const failing = ctx.parallelize([1, 2, 3], 3).map((x) => {
        if (x === 2) throw new Error("bad row");
        return x;
      });
      await expect(failing.count()).rejects.toThrow(/bad row/);
      await ctx.parallelize(left, 2).groupByKey().count();
      const file = path.join(dir, "run.json");
      const ui = await ctx.ui({ port: 0, save: file });
      const live = (await getJson<{ view: View }>(`${ui.url}api/view`)).view;
      await ui.close();
      const saved = await buildView(readRun(file), false);
      expect({ ...saved, live: true }).toEqual(live);
      expect(saved.jobs[0]).toMatchObject({ status: "failed", error: expect.stringContaining("bad row") });
      const failedJob = (await buildView(readRun(file), false, saved.jobs[0]!.id)).detail!;
      expect(failedJob.stages[0]!.taskList.filter((t) => t.status === "failed")).toEqual([expect.objectContaining({ partition: 1, error: "user function of map threw: bad row" })]);
      const eventsAtClose = readRun(file).events.length;
      await ctx.parallelize(left, 2).count();
      ctx.saveRun(file);
      expect(readRun(file).events.length).toBeGreaterThan(eventsAtClose);

      fs.writeFileSync(path.join(dir, "bad.json"), "{ nope");
      expect(() => readRun(path.join(dir, "bad.json"))).toThrow(/is not JSON/);
      fs.writeFileSync(path.join(dir, "other.json"), "{}");
      expect(() => readRun(path.join(dir, "other.json"))).toThrow(/is not an rddopt run/);
      expect(() => readRun(path.join(dir, "missing.json"))).toThrow(/Cannot read the run file/);
      await expect(ctx.ui({ port: 70000 })).rejects.toThrow(InvalidArgumentError);
      await expect(ctx.ui({ port: 1.5 })).rejects.toThrow(/integer from 0 to 65535/);
      const first = await ctx.ui({ port: 0 });
      const port = Number(new URL(first.url).port);
      await expect(ctx.ui({ port })).rejects.toThrow(new RegExp(`port ${port} is in use`));
      await ctx.stop(); // closes the views it opened
      await expect(fetch(first.url)).rejects.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the record stays bounded: task events past the cap are counted, the oldest finished jobs forgotten", async () => {
    const recorder = new RunRecorder(() => [], 6, 10);
    for (let job = 0; job < 12; job++) {
      recorder.onJobQueued({ jobId: job, description: "count", pool: "default" });
      recorder.onJobStart({ jobId: job, description: "count", stages: 1 });
      recorder.onStageStart({ jobId: job, stageId: job, name: "s", tasks: 1 });
      recorder.onTaskStart({ jobId: job, stageId: job, partition: 0 });
      recorder.onTaskEnd({ jobId: job, stageId: job, partition: 0, durationMs: 1 });
      recorder.onStageEnd({ jobId: job, stageId: job, name: "s", tasks: 1, durationMs: 1 });
      recorder.onJobEnd({ jobId: job, metrics: emptyMetrics() });
    }
    const run = recorder.snapshot();
    expect(run.forgottenJobs).toBe(2); // 12 > 10 * 1.1: the two oldest go
    expect(new Set(run.events.map((e) => e.jobId))).toEqual(new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    expect(run.droppedTaskEvents).toBe(24 - 6); // the first 6 task events were kept, then counted only
    expect(run.events.filter((e) => e.type === "taskEnd").map((e) => e.jobId)).toEqual([2]); // jobs 0-1's were forgotten with them
    const view = await buildView(run, false);
    expect(view.jobs).toHaveLength(10);
    expect(view.forgottenJobs).toBe(2);
  });

  it("the fallback layout (no dagre) still places parents above children", () => {
    const nodes = ["a", "b", "c"].map((id) => ({ id, width: 100, height: 40 }));
    const layout = layeredLayout(nodes, [{ from: "a", to: "c" }, { from: "b", to: "c" }]);
    const at = new Map(layout.nodes.map((n) => [n.id, n]));
    expect(at.get("a")!.y).toBe(at.get("b")!.y);
    expect(at.get("a")!.y).toBeLessThan(at.get("c")!.y);
    expect(at.get("a")!.x).not.toBe(at.get("b")!.x);
    expect(layout.edges.map((e) => e.points.length)).toEqual([2, 2]);
    expect(layout.width).toBeGreaterThanOrEqual(230);
  });
});
