/**
 * What the live view shows, derived from recorded events alone (so a saved run
 * shows the same page): jobs, their stages and tasks with times, the job's
 * metrics and join decisions, and its stage DAG laid out for drawing.
 */
import type { JobMetrics, JobPlan, JoinDecision, StageTotals } from "../metrics.js";
import type { PoolMetrics } from "../scheduler/pools.js";
import { layoutDag, type Layout } from "./layout.js";
import type { RunEvent, SavedRun } from "./recorder.js";

export type Status = "queued" | "running" | "succeeded" | "failed";

export interface TaskView {
  partition: number;
  startedAt: number;
  durationMs?: number;
  status: Status;
  error?: string;
}

export interface StageView {
  id: number;
  name: string;
  status: Status;
  tasks: number;
  tasksDone: number;
  tasksFailed: number;
  startedAt: number;
  durationMs?: number;
  /** The shuffle this (map) stage writes. */
  shuffleId?: number;
  /** The shuffles it reads. */
  parents: number[];
  /** Its tasks' shuffle bytes, spills and cache hits, once it ended. */
  totals?: StageTotals;
  taskList: TaskView[];
}

export interface DagNodeView {
  id: string;
  label: string;
  detail: string;
  /** "skipped": its shuffle output existed already; "shared": another job ran it. */
  status: Status | "skipped" | "shared" | "pending";
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface JobView {
  id: number;
  description: string;
  pool: string;
  status: Status;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  queuedMs?: number;
  durationMs?: number;
  error?: string;
  metrics?: JobMetrics;
  joins: JoinDecision[];
  stages: StageView[];
  dag?: { width: number; height: number; engine: string; nodes: DagNodeView[]; edges: { from: string; to: string; points: { x: number; y: number }[] }[] };
}

export interface View {
  live: boolean;
  /** Every job in brief (stages without task lists, no DAG); `detail` has one job in full. */
  startedAt: string;
  /** Milliseconds since the run started, at the last event. */
  lastEventAt: number;
  jobs: JobView[];
  /** The job asked for (default: the latest started) with its stages' tasks and its DAG. */
  detail?: JobView;
  pools: PoolMetrics[];
  droppedTaskEvents: number;
  forgottenJobs: number;
}

interface StageRecord extends StageView {
  jobId: number;
}

/** Stages by id, jobs by id, and which stage wrote each shuffle. */
function replay(events: readonly RunEvent[]) {
  const jobs = new Map<number, JobView & { plan?: JobPlan }>();
  const stages = new Map<number, StageRecord>();
  const writer = new Map<number, StageRecord>();
  let lastEventAt = 0;
  for (const e of events) {
    lastEventAt = Math.max(lastEventAt, e.t);
    switch (e.type) {
      case "jobQueued":
        jobs.set(e.jobId, { id: e.jobId, description: e.description, pool: e.pool, status: "queued", queuedAt: e.t, joins: [], stages: [] });
        break;
      case "jobStart": {
        const job = jobs.get(e.jobId) ?? { id: e.jobId, description: e.description, pool: e.pool ?? "default", status: "queued" as Status, queuedAt: e.t, joins: [], stages: [] };
        Object.assign(job, { status: "running", startedAt: e.t, ...(e.queuedMs !== undefined ? { queuedMs: e.queuedMs } : {}), ...(e.plan ? { plan: e.plan } : {}) });
        jobs.set(e.jobId, job);
        break;
      }
      case "jobEnd": {
        const job = jobs.get(e.jobId);
        if (!job) break;
        job.status = e.error !== undefined ? "failed" : "succeeded";
        job.endedAt = e.t;
        job.durationMs = e.metrics.wallMs;
        job.metrics = e.metrics;
        job.joins = e.metrics.joins;
        if (e.error !== undefined) job.error = e.error;
        break;
      }
      case "stageStart": {
        const stage: StageRecord = {
          id: e.stageId,
          jobId: e.jobId,
          name: e.name,
          status: "running",
          tasks: e.tasks,
          tasksDone: 0,
          tasksFailed: 0,
          startedAt: e.t,
          parents: e.parents ?? [],
          taskList: [],
          ...(e.shuffleId !== undefined ? { shuffleId: e.shuffleId } : {}),
        };
        stages.set(e.stageId, stage);
        if (e.shuffleId !== undefined) writer.set(e.shuffleId, stage);
        jobs.get(e.jobId)?.stages.push(stage);
        break;
      }
      case "stageEnd": {
        const stage = stages.get(e.stageId);
        if (!stage) break;
        stage.durationMs = e.durationMs;
        if (e.totals) stage.totals = e.totals;
        stage.status = stage.tasksFailed > 0 || stage.tasksDone < stage.tasks ? "failed" : "succeeded";
        break;
      }
      case "taskStart":
        stages.get(e.stageId)?.taskList.push({ partition: e.partition, startedAt: e.t, status: "running" });
        break;
      case "taskEnd": {
        const stage = stages.get(e.stageId);
        const task = stage && lastRunning(stage.taskList, e.partition);
        if (!stage || !task) break;
        task.durationMs = e.durationMs;
        task.status = e.error !== undefined ? "failed" : "succeeded";
        if (e.error !== undefined) {
          task.error = e.error;
          stage.tasksFailed++;
        } else stage.tasksDone++;
        break;
      }
    }
  }
  return { jobs, writer, lastEventAt };
}

function lastRunning(tasks: TaskView[], partition: number): TaskView | undefined {
  for (let i = tasks.length - 1; i >= 0; i--) if (tasks[i]!.partition === partition && tasks[i]!.status === "running") return tasks[i];
  return undefined;
}

/** Tasks listed per stage in the view (the page says how many more there are). */
export const TASKS_SHOWN = 300;

const NODE_WIDTH = 230;
const NODE_HEIGHT = 46;

/** The job's stages as nodes (each stage it ran, plus map stages it skipped or shared) and shuffle edges. */
function dagOf(job: JobView & { plan?: JobPlan }, writer: Map<number, StageRecord>) {
  const nodes: Omit<DagNodeView, "x" | "y">[] = [];
  const edges: { from: string; to: string }[] = [];
  const own = new Set(job.stages.map((s) => s.shuffleId).filter((id): id is number => id !== undefined));
  const nodeOfShuffle = (shuffleId: number) => {
    const w = writer.get(shuffleId);
    return w && own.has(shuffleId) ? `stage-${w.id}` : `shuffle-${shuffleId}`;
  };
  for (const s of job.stages) {
    nodes.push({ id: `stage-${s.id}`, label: `Stage ${s.id}`, detail: shortName(s.name), status: s.status, width: NODE_WIDTH, height: NODE_HEIGHT });
    for (const p of s.parents) edges.push({ from: nodeOfShuffle(p), to: `stage-${s.id}` });
  }
  for (const sh of job.plan?.shuffles ?? []) {
    if (own.has(sh.shuffleId)) continue;
    const w = writer.get(sh.shuffleId);
    const status = sh.computed ? "skipped" : w ? "shared" : "pending";
    const detail = status === "shared" ? `shuffle ${sh.shuffleId}, run by job ${w!.jobId} (stage ${w!.id})` : `shuffle ${sh.shuffleId} ${status === "skipped" ? "(computed before)" : ""}`;
    nodes.push({ id: `shuffle-${sh.shuffleId}`, label: status === "skipped" ? "Skipped stage" : status === "shared" ? `Stage ${w!.id}` : "Map stage", detail, status, width: NODE_WIDTH, height: NODE_HEIGHT });
    for (const p of sh.parents) edges.push({ from: nodeOfShuffle(p), to: `shuffle-${sh.shuffleId}` });
  }
  return { nodes, edges };
}

/** A stage name for a node: directories dropped from call sites ("count at /a/b/job.ts:3:9" → "count at job.ts:3:9"). */
function shortName(name: string): string {
  return name.replace(/(?:[A-Za-z]:)?[\\/][^\s()]*[\\/]([^\\/\s()]+:\d+:\d+)/g, "$1");
}

const layoutCache = new Map<string, Layout>();

async function cachedLayout(nodes: Omit<DagNodeView, "x" | "y">[], edges: { from: string; to: string }[]): Promise<Layout> {
  const key = JSON.stringify([nodes.map((n) => n.id), edges]);
  let layout = layoutCache.get(key);
  if (!layout) {
    layout = await layoutDag(nodes, edges);
    if (layoutCache.size > 500) layoutCache.clear();
    layoutCache.set(key, layout);
  }
  return layout;
}

/**
 * The view of a run: all jobs in brief, and job `detailOf` (default: the latest that started) in full.
 * Only one job carries task lists and a laid-out DAG, so what the page polls stays small in long runs.
 */
export async function buildView(run: SavedRun, live: boolean, detailOf?: number): Promise<View> {
  const { jobs, writer, lastEventAt } = replay(run.events);
  const brief: JobView[] = [];
  for (const job of jobs.values()) {
    const { plan, ...view } = job;
    void plan;
    brief.push({ ...view, stages: job.stages.map((s) => ({ ...s, taskList: [] })) });
  }
  const started = [...jobs.values()].filter((j) => j.status !== "queued");
  const chosen = (detailOf !== undefined ? jobs.get(detailOf) : undefined) ?? started.at(-1);
  const detail = chosen ? await fullView(chosen, writer) : undefined;
  return {
    live,
    startedAt: run.startedAt,
    lastEventAt,
    jobs: brief,
    ...(detail ? { detail } : {}),
    pools: run.pools,
    droppedTaskEvents: run.droppedTaskEvents,
    forgottenJobs: run.forgottenJobs ?? 0,
  };
}

async function fullView(job: JobView & { plan?: JobPlan }, writer: Map<number, StageRecord>): Promise<JobView> {
  const { plan, ...view } = job;
  void plan;
  view.stages = job.stages.map((s) => ({ ...s, taskList: s.taskList.slice(0, TASKS_SHOWN) }));
  if (job.status === "queued") return view;
  const { nodes, edges } = dagOf(job, writer);
  const layout = await cachedLayout(nodes, edges);
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  view.dag = {
    width: layout.width,
    height: layout.height,
    engine: layout.engine,
    nodes: nodes.map((n) => ({ ...n, x: byId.get(n.id)!.x, y: byId.get(n.id)!.y })),
    edges: layout.edges,
  };
  return view;
}
