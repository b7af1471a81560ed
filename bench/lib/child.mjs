// Runs one worker in a fresh Node process and returns its RESULT line as an object.
import { spawn } from "node:child_process";

export const NODE_FLAGS = ["--expose-gc", "--max-old-space-size=16384"];

/**
 * Several RESULTs of one workload (fresh processes) as one: their per-run arrays end to end, the highest peak
 * RSS, the last process's `last`; the first failure fails it.
 */
export function pooledResults(results) {
  const failed = results.find((r) => !r.ok);
  if (failed) return failed;
  const joined = (key) => (results.some((r) => r[key]) ? results.flatMap((r) => r[key] ?? []) : undefined);
  return {
    ok: true,
    times: joined("times"),
    cpuTimes: joined("cpuTimes"),
    shuffleBytes: joined("shuffleBytes"),
    gcMs: joined("gcMs"),
    loadMs: joined("loadMs"),
    peakRss: Math.max(...results.map((r) => r.peakRss ?? 0)),
    last: results.at(-1).last,
    processes: results.length,
  };
}

/**
 * Spawns `node NODE_FLAGS script JSON(spec)`; resolves with the parsed RESULT (or { ok: false, error }).
 * A worker past `timeoutMs` is killed (by its own pid) and reported as timed out.
 */
export function runWorker(script, spec, { timeoutMs = 600_000, cwd } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, script, JSON.stringify(spec)], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
      if (line) return resolve(JSON.parse(line.slice(7)));
      const why = signal === "SIGKILL" ? `timed out after ${timeoutMs / 1000} s` : `exit ${code ?? signal}`;
      resolve({ ok: false, error: `${why}: ${stderr.trim().split("\n").slice(-3).join(" | ")}` });
    });
  });
}
