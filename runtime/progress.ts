/** A progress bar on stderr for long jobs (cli-progress), shown only after a job has run for `delayMs`. */
import cliProgress from "cli-progress";
import type { JobEndEvent, JobStartEvent, Listener, StageEvent, TaskEndEvent } from "./metrics.js";

export class ProgressBar implements Listener {
  private bar: cliProgress.SingleBar | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = 0;
  private total = 0;
  private stage = "";
  private depth = 0;

  constructor(private readonly delayMs: number) {}

  onJobStart(e: JobStartEvent): void {
    if (this.depth++ > 0) return;
    this.done = 0;
    this.total = 0;
    this.timer = setTimeout(() => this.show(e.description), this.delayMs);
    this.timer.unref();
  }

  onStageStart(e: StageEvent): void {
    this.total += e.tasks;
    this.stage = `stage ${e.stageId}`;
    this.bar?.setTotal(this.total);
  }

  onTaskEnd(_e: TaskEndEvent): void {
    this.done++;
    this.bar?.update(this.done, { stage: this.stage });
  }

  onJobEnd(_e: JobEndEvent): void {
    if (--this.depth > 0) return;
    clearTimeout(this.timer);
    this.bar?.stop();
    this.bar = undefined;
  }

  private show(description: string): void {
    this.bar = new cliProgress.SingleBar(
      { format: `rddopt ${description} [{bar}] {value}/{total} tasks | {stage}`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(this.total, 1), this.done, { stage: this.stage });
  }
}
