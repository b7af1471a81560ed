/**
 * The live view in headless Chromium: a finished job's stages, its join decision
 * (strategy, reason, site) and the stage DAG are on the page, the page updates
 * while a new job runs, and nothing is fetched from elsewhere; then
 * `rddopt ui run.json` (the built bin) serves a saved run, with usage errors exiting 2.
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium } from "playwright-core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { stopContexts, testContext } from "../helpers/context.js";
import { waitForBuild } from "../helpers/pack.js";
import { countPixels, decodePng } from "./png.js";

const CHROMIUM = "/usr/bin/chromium";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "dist", "cli", "index.js");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-ui-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
afterEach(stopContexts);

const left: [number, number][] = Array.from({ length: 200 }, (_, i) => [i % 31, i]);
const right: [number, string][] = Array.from({ length: 50 }, (_, i) => [i % 40, `r${i}`]);

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a busy task: tasks are synchronous
  }
}

describe("the live view in a browser", () => {
  it.skipIf(!fs.existsSync(CHROMIUM))(`shows a finished job's stages, its join decision and the DAG, and updates live (needs ${CHROMIUM}: apt-get install -y chromium)`, async () => {
    const ctx = testContext();
    const sums = ctx.parallelize(left, 3).reduceByKey((a, b) => a + b);
    await sums.join(ctx.parallelize(right, 2), { strategy: "auto", site: "pipeline.ts:7:3" }).count();
    const ui = await ctx.ui({ port: 0 });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      const elsewhere: string[] = [];
      tab.on("request", (r) => {
        if (!r.url().startsWith(ui.url)) elsewhere.push(r.url());
      });
      await tab.goto(ui.url);
      await tab.locator("#stages tr.stage").first().waitFor();
      const stages = ctx.lastJob!.stages; // two map stages, the result stage, and the stage "auto" measured a side with
      expect(stages).toBeGreaterThanOrEqual(3);
      expect(await tab.locator("#stages tr.stage").count()).toBe(stages);
      expect(await tab.locator("#job-title").innerText()).toMatch(/Job \d+: count succeeded/);
      const joinRow = await tab.locator("#joins tr.join").innerText();
      expect(joinRow).toContain("pipeline.ts:7:3");
      expect(joinRow).toMatch(/broadcast-right|broadcast-left|shuffle/);
      const decision = ctx.lastJob!.joins[0]!;
      expect(joinRow).toContain(decision.reason);
      expect(await tab.locator("#dag g.node").count()).toBe(stages);
      expect(await tab.locator("#dag path").count()).toBeGreaterThanOrEqual(2); // the arrow marker and at least the edge from the map stage to the result stage
      const stagesText = await tab.locator("#stages").innerText();
      expect(stagesText).toMatch(/shuffle \d+ \(hashpartitioning\(\d+\)\)/);
      expect(stagesText).toContain("succeeded");

      const png = await tab.screenshot({ fullPage: true });
      if (process.env.RDDOPT_UI_SCREENSHOT) fs.writeFileSync(process.env.RDDOPT_UI_SCREENSHOT, png);
      const image = decodePng(png);
      const ink = countPixels(image, (r, g, b) => r + g + b < 600); // text, borders, the header
      const doneNodes = countPixels(image, (r, g, b) => Math.abs(r - 0xd4) < 6 && Math.abs(g - 0xed) < 6 && Math.abs(b - 0xda) < 6); // succeeded stages' fill
      expect(ink).toBeGreaterThan(5000);
      expect(doneNodes).toBeGreaterThan(3 * 3000);

      // a job started now appears without reloading the page
      const running = ctx.parallelize(left, 6).map((x) => (spin(3), x)).count();
      await expect.poll(() => tab.locator("#jobs tr.job").count(), { timeout: 10_000 }).toBe(2);
      await running;
      await expect.poll(() => tab.locator("#job-title").innerText(), { timeout: 10_000 }).toMatch(/succeeded/);
      // clicking the first job's row shows it again, with its join decision
      const firstJob = await tab.locator("#jobs tr.job").last().getAttribute("data-job");
      await tab.locator("#jobs tr.job").last().click();
      await expect.poll(() => tab.locator("#job-title").innerText(), { timeout: 10_000 }).toContain(`Job ${firstJob}: count`);
      expect(await tab.locator("#joins tr.join").innerText()).toContain("pipeline.ts:7:3");
      expect(elsewhere).toEqual([]);
    } finally {
      await browser.close();
      await ui.close();
    }
  });
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function rddopt(args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: scratch, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("rddopt ui run.json", () => {
  it("serves a saved run until interrupted", async () => {
    await waitForBuild();
    const ctx = testContext();
    await ctx.parallelize(left, 3).reduceByKey((a, b) => a + b).join(ctx.parallelize(right, 2), { site: "saved.ts:1:1" }).count();
    const file = path.join(scratch, "run.json");
    ctx.saveRun(file);
    const child = spawn(process.execPath, [bin, "ui", file, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once("exit", (code) => reject(new Error(`rddopt ui exited ${code}: ${out}`)));
      });
      const { view } = (await (await fetch(`${url}api/view`)).json()) as { view: { live: boolean; jobs: { joins: { site?: string }[]; stages: unknown[] }[] } };
      expect(view.live).toBe(false);
      expect(view.jobs).toHaveLength(1);
      expect(view.jobs[0]!.stages).toHaveLength(3);
      expect(view.jobs[0]!.joins[0]!.site).toBe("saved.ts:1:1");
      expect(await (await fetch(url)).text()).toContain(`rddopt run ${file}`);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });

  it("usage errors exit 2 with a message", async () => {
    await waitForBuild();
    const missingArg = await rddopt(["ui"]);
    expect(missingArg.code).toBe(2);
    expect(missingArg.stderr).toContain("missing required argument");
    const missing = await rddopt(["ui", "nope.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Cannot read the run file nope.json");
    fs.writeFileSync(path.join(scratch, "not-a-run.json"), "[]");
    const wrong = await rddopt(["ui", "not-a-run.json"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("is not an rddopt run");
    const port = await rddopt(["ui", "not-a-run.json", "--port", "http"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("--port needs a port number");
    const help = await rddopt(["ui", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--port");
  });
});
