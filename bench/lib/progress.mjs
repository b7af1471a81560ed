// One progress bar over every child process of the run (cli-progress, on stderr).
import cliProgress from "cli-progress";

export function createProgress(total) {
  const bar = new cliProgress.SingleBar(
    {
      format: "bench {bar} {percentage}% | {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted} | {task}",
      hideCursor: true,
      etaBuffer: 20,
      fps: 2,
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 15_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { task: "starting" });
  return {
    label: (task) => bar.update({ task }),
    tick: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
