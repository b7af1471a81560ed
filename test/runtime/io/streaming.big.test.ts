/**
 * Opt-in (RDDOPT_BIG_IO=1, about 20 s): a ~200 MB text file read by textFile and readJsonLines in a child
 * process whose heap limit (48 MB) is far below the file size, so it only passes if readers stream split by
 * split and chunk by chunk. `npm run bench:files` runs the same check.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scratch } from "./helpers.js";

describe.skipIf(!process.env.RDDOPT_BIG_IO)("streaming (opt-in)", () => {
  it("counts a file four times larger than the heap", () => {
    const file = path.join(scratch(), "big.jsonl");
    const fd = fs.openSync(file, "w");
    let rows = 0;
    while (fs.fstatSync(fd).size < 200 * 2 ** 20) {
      fs.writeSync(fd, Array.from({ length: 20_000 }, (_, k) => JSON.stringify({ id: rows + k, pad: "p".repeat(80) })).join("\n") + "\n");
      rows += 20_000;
    }
    fs.closeSync(fd);
    const runtime = path.resolve(import.meta.dirname, "../../../dist/runtime/index.js"); // built by npm test / npm run build
    const script = `const { Context } = await import(${JSON.stringify(runtime)});
      const ctx = new Context({ progress: false });
      const lines = await ctx.textFile(${JSON.stringify(file)}).count();
      const objects = await ctx.readJsonLines(${JSON.stringify(file)}, { columns: ["id"] }).filter((r) => r.id % 2 === 0).count();
      console.log(JSON.stringify({ lines, objects }));
      await ctx.stop();`;
    const out = execFileSync(process.execPath, ["--max-old-space-size=48", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ lines: rows, objects: rows / 2 });
  }, 120_000);
});
