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

/**
 * An error's text as compared between builds: class and message, with what differs between builds of one
 * program masked (stage numbers, partitions and the RDD being computed, with its id and call site: the
 * plugin inserts RDDs and moves positions in the emitted JavaScript).
 */
export function normaliseError(text) {
  return String(text)
    .replace(/ in stage -?\d+, partition -?\d+ \(computing .*?\): /g, ": ")
    .replace(/\bstage -?\d+\b/g, "stage #")
    .replace(/\bpartition -?\d+\b/g, "partition #")
    .replace(/(file:\/\/)?\/[^\s:)]+\.m?js:\d+:\d+/g, "<file>");
}

/** A result row that is a failed result (the program's attempt() caught an error computing it). */
function errorRow(v) {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === "!error" && typeof v["!error"] === "string" ? v["!error"] : undefined;
}

/**
 * A stable serialisation that keeps -0, NaN, undefined, holes, extra array properties, absent vs
 * undefined properties, key order and prototypes (plain, null, a class) apart.
 */
export function serialise(v) {
  const failed = errorRow(v);
  if (failed !== undefined) return `<error ${normaliseError(failed)}>`;
  return canonical(v);
}

function canonical(v) {
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
        for (let i = 0; i < v.length; i++) parts.push(i in v ? canonical(v[i]) : "<hole>");
        const extra = Object.keys(v).filter((k) => !/^(0|[1-9]\d*)$/.test(k));
        const proto = Object.getPrototypeOf(v) === Array.prototype ? "" : "<not Array.prototype>";
        return `${proto}[${parts.join(",")}${extra.length ? `;${extra.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}` : ""}]`;
      }
      const proto = Object.getPrototypeOf(v);
      const cls = proto === Object.prototype ? "" : proto === null ? "null-proto" : (proto?.constructor?.name ?? "?");
      if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${canonical(k)}=>${canonical(x)}`).sort().join(",")}}`;
      if (v instanceof Set) return `Set{${[...v].map((x) => canonical(x)).sort().join(",")}}`;
      return `${cls}{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
    }
    case "function":
      return `<function ${v.name}>`;
    default:
      return `<${typeof v}>`;
  }
}

async function runOne({ file, seed }) {
  try {
    // Modules of a program with several read their data seed at load time (prelude.ts).
    globalThis.fuzzSeed = seed;
    const mod = await import(pathToFileURL(file).href);
    const outputs = await mod.main(seed);
    return { ok: true, outputs: outputs.map((rows) => rows.map(serialise).sort()) };
  } catch (e) {
    const name = e?.name ?? typeof e;
    const cause = e?.cause ? ` (cause: ${e.cause?.name ?? ""}: ${String(e.cause?.message ?? e.cause).slice(0, 200)})` : "";
    // Masked before it is shortened: the masked parts differ in length between builds.
    return { ok: false, error: `${name}: ${normaliseError(String(e?.message ?? e)).slice(0, 400)}${cause}` };
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
