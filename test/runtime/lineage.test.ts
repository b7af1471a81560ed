/**
 * Run-time OpenLineage events against a local receiver on 127.0.0.1: START + COMPLETE with the files a job
 * reads and writes, FAIL for a failing job, the OPENLINEAGE_* environment route, the file sink, static
 * column lineage riding on the output, and delivery that never fails or holds up a job.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AddressInfo } from "node:net";
import { InvalidArgumentError, type OpenLineageDataset, type RunEvent } from "../../runtime/index.js";
import { stopContexts, testContext } from "../helpers/context.js";

interface Received {
  url: string;
  authorization?: string;
  event: RunEvent;
}

const received: Received[] = [];
let delayMs = 0;
let status = 200;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ url: req.url ?? "", authorization: req.headers.authorization, event: JSON.parse(Buffer.concat(chunks).toString("utf8")) as RunEvent });
    setTimeout(() => res.writeHead(status).end(), delayMs);
  });
});
let base = "";
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-lineage-"));

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  await stopContexts();
  received.length = 0;
  delayMs = 0;
  status = 200;
  vi.unstubAllEnvs();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const input = path.join(scratch, "events.txt");
fs.writeFileSync(input, "ada,3\nlin,4\nada,5\n");

function expectSpecFields(event: RunEvent): void {
  expect(event.producer).toMatch(/^https:\/\//);
  expect(event.schemaURL).toMatch(/OpenLineage\.json#\/\$defs\/RunEvent$/);
  expect(new Date(event.eventTime).toISOString()).toBe(event.eventTime);
  expect(event.run.runId).toMatch(UUID);
  expect(event.job.namespace).toBe("rddopt");
}

describe("lineage events over HTTP", () => {
  it("START and COMPLETE for a job, naming the file it reads and the directory it writes", async () => {
    const ctx = testContext({ lineage: { url: base, apiKey: "k3y" } });
    const out = path.join(scratch, "totals");
    await ctx
      .textFile(input)
      .map((line): [string, number] => [line.split(",")[0]!, Number(line.split(",")[1])])
      .reduceByKey((a, b) => a + b)
      .saveAsTextFile(out);
    await ctx.stop();
    expect(received.map((r) => r.event.eventType)).toEqual(["START", "COMPLETE"]);
    const [start, complete] = received.map((r) => r.event);
    for (const r of received) {
      expect(r.url).toBe("/api/v1/lineage");
      expect(r.authorization).toBe("Bearer k3y");
      expectSpecFields(r.event);
    }
    expect(complete!.run.runId).toBe(start!.run.runId);
    expect(start!.job.name).toMatch(/^saveAsTextFile@test\/runtime\/lineage\.test\.ts:\d+$/);
    expect(start!.inputs).toEqual([{ namespace: "file", name: input }]);
    expect(start!.outputs).toEqual([{ namespace: "file", name: out }]);
    expect(complete!.outputs).toEqual(start!.outputs);
  });

  it("FAIL (with the error) for a failing job, and a new run id per job", async () => {
    const ctx = testContext({ lineage: { url: base } });
    const lines = ctx.textFile(input);
    await expect(lines.map((l) => { if (l.startsWith("lin")) throw new Error("bad row"); return l; }).collect()).rejects.toThrow("bad row");
    expect(await lines.count()).toBe(3);
    await ctx.stop();
    expect(received.map((r) => r.event.eventType)).toEqual(["START", "FAIL", "START", "COMPLETE"]);
    const fail = received[1]!.event;
    expect(fail.run.runId).toBe(received[0]!.event.run.runId);
    expect(received[2]!.event.run.runId).not.toBe(fail.run.runId);
    expect(JSON.stringify(fail.run.facets)).toContain("bad row");
    expect(fail.inputs).toEqual([{ namespace: "file", name: input }]);
    expect(received[2]!.event.job.name).toMatch(/^count@/);
  });

  it("reads OPENLINEAGE_URL, OPENLINEAGE_ENDPOINT and OPENLINEAGE_API_KEY when no option is given; lineage: false and OPENLINEAGE_DISABLED win", async () => {
    vi.stubEnv("OPENLINEAGE_URL", `${base}/`);
    vi.stubEnv("OPENLINEAGE_ENDPOINT", "custom/lineage");
    vi.stubEnv("OPENLINEAGE_API_KEY", "env-key");
    const ctx = testContext();
    expect(await ctx.parallelize([1, 2, 3]).count()).toBe(3);
    const off = testContext({ lineage: false });
    expect(await off.parallelize([1]).count()).toBe(1);
    vi.stubEnv("OPENLINEAGE_DISABLED", "true");
    const disabled = testContext();
    expect(await disabled.parallelize([1]).count()).toBe(1);
    await stopContexts();
    expect(received.map((r) => [r.url, r.authorization, r.event.eventType])).toEqual([
      ["/custom/lineage", "Bearer env-key", "START"],
      ["/custom/lineage", "Bearer env-key", "COMPLETE"],
    ]);
    expect(received[0]!.event.inputs).toEqual([]);
  });

  it("never fails or holds up a job: a slow receiver is waited for by stop(), a broken one warns once", async () => {
    delayMs = 300;
    const slow = testContext({ lineage: { url: base } });
    const started = performance.now();
    expect(await slow.parallelize([1, 2]).count()).toBe(2);
    expect(performance.now() - started).toBeLessThan(delayMs);
    await slow.stop();
    expect(received.map((r) => r.event.eventType)).toEqual(["START", "COMPLETE"]);

    delayMs = 0;
    status = 500;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const broken = testContext({ lineage: { url: base } });
      expect(await broken.parallelize([1]).count()).toBe(1);
      expect(await broken.parallelize([2]).count()).toBe(1);
      await broken.stop();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.includes("rddopt lineage"))).toHaveLength(1);
    expect(warnings[0]).toContain("answered 500");
  });
});

describe("bounded delivery", () => {
  it("drops events past maxPending (with one warning) instead of holding them", async () => {
    delayMs = 300;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const ctx = testContext({ lineage: { url: base, maxPending: 1 } });
      expect(await ctx.parallelize([1, 2]).count()).toBe(2);
      await ctx.stop();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    // START was on its way when COMPLETE came: COMPLETE is dropped
    expect(received.map((r) => r.event.eventType)).toEqual(["START"]);
    expect(warnings.filter((w) => w.includes("more than 1 events waiting"))).toHaveLength(1);
  });
});

describe("lineage options", () => {
  it("appends JSON lines to a file", async () => {
    const file = path.join(scratch, "events.jsonl");
    const ctx = testContext({ lineage: { file, namespace: "team", jobName: ({ action }) => `nightly.${action}` } });
    await ctx.textFile(input).collect();
    await ctx.stop();
    const events = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as RunEvent);
    expect(events.map((e) => [e.eventType, e.job.namespace, e.job.name])).toEqual([
      ["START", "team", "nightly.collect"],
      ["COMPLETE", "team", "nightly.collect"],
    ]);
    expect(events[0]!.inputs).toEqual([{ namespace: "file", name: input }]);
  });

  it("sends events for actions, not for the jobs the engine runs to prepare one (a sort's sample, a join side's size)", async () => {
    const file = path.join(scratch, "prepared.jsonl");
    const ctx = testContext({ lineage: { file } });
    const pairs = ctx.parallelize(Array.from({ length: 60 }, (_, i): [number, number] => [i % 7, i]), 4);
    expect(await pairs.sortByKey().take(2)).toEqual([[0, 0], [0, 7]]);
    expect(await pairs.join(ctx.parallelize([[3, "x"]] as [number, string][]), { strategy: "auto" }).lookup(3)).toHaveLength(9);
    await ctx.stop();
    const events = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as RunEvent);
    expect(events.map((e) => `${e.eventType} ${e.job.name.split("@")[0]}`)).toEqual(["START take", "COMPLETE take", "START lookup", "COMPLETE lookup"]);
  });

  it("attaches the static column lineage (rddopt lineage --json) to the output it names", async () => {
    const file = path.join(scratch, "with-facet.jsonl");
    const out = path.join(scratch, "upper");
    // as rddopt lineage names files: as written, relative to where it ran
    const facetOf = (name: string) => ({ _producer: "https://example.test", _schemaURL: "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json", fields: { value: { inputFields: [{ namespace: "file", name, field: "value" }] } } });
    const facet = facetOf(path.relative(process.cwd(), input));
    // the static lineage as `rddopt lineage --json > lineage.json` writes it, passed by path
    const staticFile = path.join(scratch, "lineage.json");
    fs.writeFileSync(staticFile, JSON.stringify({ outputs: [{ namespace: "file", name: path.relative(process.cwd(), out), facets: { columnLineage: facet } }] }));
    const ctx = testContext({ lineage: { file, columnLineage: staticFile } });
    await ctx.textFile(input).map((l) => l.toUpperCase()).saveAsTextFile(out);
    await ctx.stop();
    const complete = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as RunEvent)[1]!;
    // events name files by absolute path, in the facet too, so it agrees with the inputs
    expect(complete.outputs).toEqual([{ namespace: "file", name: out, facets: { columnLineage: facetOf(input) } }]);
    expect(complete.inputs).toEqual([{ namespace: "file", name: input }]);
  });

  it("rejects a URL that is not http(s) and static lineage that is not rddopt lineage's JSON, naming the option", () => {
    expect(() => testContext({ lineage: { file: "x.jsonl", columnLineage: path.join(scratch, "missing.json") } })).toThrow(/lineage\.columnLineage: cannot read .*missing\.json/);
    expect(() => testContext({ lineage: { file: "x.jsonl", columnLineage: JSON.parse('{ "outputs": "no" }') as OpenLineageDataset[] } })).toThrow(/rddopt lineage --json/);
    expect(() => testContext({ lineage: { url: "ftp://host" } })).toThrow(InvalidArgumentError);
    expect(() => testContext({ lineage: { url: "nope" } })).toThrow(/lineage\.url must be an http\(s\) URL/);
    vi.stubEnv("OPENLINEAGE_URL", "::bad");
    expect(() => testContext()).toThrow(/OPENLINEAGE_URL must be an http\(s\) URL/);
  });
});
