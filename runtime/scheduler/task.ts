import type { Context } from "../context.js";

/** Counters one task adds to its job's metrics. */
export interface TaskMetrics {
  shuffleBytesWritten: number;
  shuffleBytesRead: number;
  shuffleRecordsWritten: number;
  spillBytes: number;
  cacheHits: number;
  broadcastBytes: number;
}

export function emptyTaskMetrics(): TaskMetrics {
  return { shuffleBytesWritten: 0, shuffleBytesRead: 0, shuffleRecordsWritten: 0, spillBytes: 0, cacheHits: 0, broadcastBytes: 0 };
}

/** What a running task knows about itself; RDDs read the context's services through it. */
export interface TaskContext {
  readonly ctx: Context;
  readonly jobId: number;
  readonly stageId: number;
  readonly partition: number;
  readonly metrics: TaskMetrics;
}

/**
 * What an action's tasks compute from their partition, as data, for executors that cannot run the task's
 * closure (worker threads). `fn` is the user's function as passed to the action; `zero` its zero value.
 */
export type ActionOutput =
  | { kind: "count" }
  | { kind: "collect" }
  | { kind: "reduce"; fn: Function }
  | { kind: "fold" | "aggregate"; fn: Function; zero: { value: unknown } };

/** A unit of work for an executor: one partition of one stage. */
export interface Task<R> {
  readonly stageId: number;
  readonly partition: number;
  run(tc: TaskContext): R;
}

/**
 * Runs a stage's tasks. The in-process executor runs them one after another
 * on the main thread; a worker-thread executor can implement the same
 * interface later without any change to RDD code.
 */
export interface Executor {
  /**
   * How many tasks it runs at once, if it knows. When set, the scheduler hands it
   * one task per `runTasks` call, at most `slots` in flight over all jobs, choosing
   * the next by pool fairness; when absent it gets whole stages.
   */
  readonly slots?: number;
  runTasks<R>(
    tasks: readonly Task<R>[],
    makeContext: (task: Task<R>) => TaskContext,
    hooks: TaskHooks<R>,
  ): Promise<R[]>;
}

/** What the scheduler is told of each task: its start, and its end with its time and error if it failed. */
export interface TaskHooks<R> {
  onStart(task: Task<R>): void;
  onEnd(task: Task<R>, ms: number, error?: unknown): void;
}

/** Runs one task here, between its hooks; returns its result and how long it took. */
export function runTaskTimed<R>(task: Task<R>, makeContext: (task: Task<R>) => TaskContext, hooks: TaskHooks<R>): { result: R; ms: number } {
  hooks.onStart(task);
  const start = performance.now();
  let result: R;
  try {
    result = task.run(makeContext(task));
  } catch (e) {
    hooks.onEnd(task, performance.now() - start, e);
    throw e;
  }
  const ms = performance.now() - start;
  hooks.onEnd(task, ms);
  return { result, ms };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class InProcessExecutor implements Executor {
  readonly slots = 1;
  async runTasks<R>(
    tasks: readonly Task<R>[],
    makeContext: (task: Task<R>) => TaskContext,
    hooks: TaskHooks<R>,
  ): Promise<R[]> {
    const results: R[] = [];
    for (const task of tasks) {
      results.push(runTaskTimed(task, makeContext, hooks).result);
      await yieldToEventLoop(); // lets timers (progress bar, user code) run between tasks
    }
    return results;
  }
}
