// Runs compiled fuzz programs in one Node process and prints their results,
// canonicalised, as one JSON line: [{ ok, outputs | error }] in input order.
// Usage: node child.mjs <jobs.json>   where jobs.json = [{ file, seed }]
import fs from "node:fs";
import { pathToFileURL } from "node:url";

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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const results = [];
  for (const job of jobs) results.push(await runOne(job));
  process.stdout.write(JSON.stringify(results) + "\n");
}
