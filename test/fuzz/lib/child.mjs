// Runs compiled fuzz programs and prints their results, canonicalised, as one
// JSON line: [{ ok, outputs | error }] in input order.
// Usage: node child.mjs <jobs.json>   where jobs.json = [{ file, seed }]
//
// Programs run one after another in a worker thread with a heap limit; a
// program that runs past PROGRAM_TIMEOUT_MS or out of that heap (a chain of
// skewed self-joins can multiply rows) is reported as "ResourceLimit" — an
// inconclusive result the harness skips — and a fresh worker takes the rest.
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { Worker, isMainThread, parentPort } from "node:worker_threads";

const PROGRAM_TIMEOUT_MS = Number(process.env.FUZZ_PROGRAM_TIMEOUT_MS ?? 20_000);
const HEAP_MB = Number(process.env.FUZZ_PROGRAM_HEAP_MB ?? 768);
export const RESOURCE_LIMIT = "ResourceLimit";

/** A stable serialisation that keeps -0, NaN, undefined, holes, absent vs undefined properties and key order apart. */
export function serialise(v) {
  switch (typeof v) {
    case "number":
      return Object.is(v, -0) ? "-0" : String(v);
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return String(v);
    case "undefined":
      return "undefined";
    case "bigint":
      return `${v}n`;
    case "object": {
      if (v === null) return "null";
      if (Array.isArray(v)) {
        const parts = [];
        for (let i = 0; i < v.length; i++) parts.push(i in v ? serialise(v[i]) : "<hole>");
        return `[${parts.join(",")}]`;
      }
      const proto = Object.getPrototypeOf(v);
      const cls = proto === Object.prototype || proto === null ? "" : (proto?.constructor?.name ?? "?");
      if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${serialise(k)}=>${serialise(x)}`).sort().join(",")}}`;
      return `${cls}{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${serialise(v[k])}`).join(",")}}`;
    }
    default:
      return `<${typeof v}>`;
  }
}

async function runOne({ file, seed }) {
  try {
    const mod = await import(pathToFileURL(file).href);
    const outputs = await mod.main(seed);
    return { ok: true, outputs: outputs.map((rows) => rows.map(serialise).sort()) };
  } catch (e) {
    const name = e?.name ?? typeof e;
    const cause = e?.cause ? ` (cause: ${e.cause?.name ?? ""}: ${String(e.cause?.message ?? e.cause).slice(0, 200)})` : "";
    return { ok: false, error: `${name}: ${String(e?.message ?? e).slice(0, 400)}${cause}` };
  }
}

/** Runs jobs[from..] in a worker until one hangs or exhausts the heap; resolves with the results it got. */
function runInWorker(jobs, from, results) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL(import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
    let next = from;
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(`${RESOURCE_LIMIT}: ran longer than ${PROGRAM_TIMEOUT_MS} ms`), PROGRAM_TIMEOUT_MS);
    };
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error !== undefined && next < jobs.length) results[next++] = { ok: false, error };
      void worker.terminate();
      resolve(next);
    };
    worker.on("message", (result) => {
      results[next++] = result;
      if (next >= jobs.length) return finish();
      arm();
      worker.postMessage(jobs[next]);
    });
    worker.on("error", (e) => finish(`${RESOURCE_LIMIT}: ${e?.code ?? ""} ${String(e?.message ?? e).slice(0, 200)}`));
    worker.on("exit", () => finish(`${RESOURCE_LIMIT}: worker exited`));
    if (next >= jobs.length) return finish();
    arm();
    worker.postMessage(jobs[next]);
  });
}

if (!isMainThread) {
  parentPort.on("message", async (job) => parentPort.postMessage(await runOne(job)));
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const results = new Array(jobs.length);
  for (let at = 0; at < jobs.length; ) at = await runInWorker(jobs, at, results);
  process.stdout.write(JSON.stringify(results) + "\n");
}
