/**
 * The --html page: self-contained (no network), and when Chromium renders it the side-by-side
 * diff is visible, checked on a screenshot (insertion green and deletion red pixels).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../../cli/render-html.js";
import { fileReport, summarize, type Report } from "../../cli/report.js";
import { countPixels, decodePng } from "./png.js";

const CHROMIUM = "/usr/bin/chromium";

const before = `const joined = rdd1.join(rdd2).mapValues(([l, r]) => l[0] + r[1]);\n`;
const after = `const joined = rdd1.mapValues((v) => [v[0]]).join(rdd2.mapValues((v) => [v[1]]), { strategy: "auto", site: "a.ts:1:16" }).mapValues(([l, r]) => l[0] + r[0]);\n`;

function sampleReport(): Report {
  const file = fileReport({
    fileName: path.join(process.cwd(), "src", "a.ts"),
    before,
    after,
    changed: true,
    optimizations: [
      { site: "a.ts:1:16", file: "a.ts", line: 1, column: 16, kind: "prune", operation: "join", status: "applied", reason: "left keeps [0] of 5, right keeps [1] of 5" },
      { site: "a.ts:3:1", file: "a.ts", line: 3, column: 1, kind: "broadcast", operation: "fullOuterJoin", status: "skipped", reason: "<full outer> joins cannot broadcast" },
    ],
  });
  return { project: "tsconfig.json", typescript: "6.0.3", options: { prune: true, broadcast: true }, summary: summarize([file]), files: [file] };
}

describe("rddopt report --html page", () => {
  const html = renderHtml(sampleReport());

  it("is self-contained: CSS inlined, nothing fetched from the network", () => {
    expect(html).toContain(".d2h-file-side-diff");
    expect(html).not.toMatch(/<link\b|<script\b[^>]*\bsrc=|https?:\/\//i);
  });

  it("lists optimizations with their site and escapes the reason", () => {
    expect(html).toContain("a.ts:1:16");
    expect(html).toContain("&#60;full outer&#62; joins cannot broadcast");
    expect(html).not.toContain("<full outer>");
  });

  it.skipIf(!fs.existsSync(CHROMIUM))(`renders the side-by-side diff in headless Chromium (needs ${CHROMIUM}: apt-get install -y chromium)`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-html-"));
    const page = path.join(dir, "report.html");
    fs.writeFileSync(page, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const requests: string[] = [];
      tab.on("request", (r) => { if (!r.url().startsWith("file:")) requests.push(r.url()); });
      await tab.goto(`file://${page}`);
      expect(await tab.locator(".d2h-file-side-diff").count()).toBe(2);
      await expect.poll(() => tab.locator("td.d2h-ins").first().isVisible()).toBe(true);
      const image = decodePng(await tab.screenshot({ fullPage: true }));
      const green = countPixels(image, (r, g, b) => g >= 245 && r >= 190 && r <= 235 && b >= 190 && b <= 235);
      const red = countPixels(image, (r, g, b) => r >= 245 && g >= 200 && g <= 240 && b >= 200 && b <= 240);
      expect(green).toBeGreaterThan(2000);
      expect(red).toBeGreaterThan(2000);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
