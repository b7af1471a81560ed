/** Rewritten code keeps source positions: the emitted source map sends inserted projections to the user's line. */
import { expect, test } from "vitest";
import path from "node:path";
import ts from "typescript";
import rddoptTransformer from "../../transformer/index.js";
import { COMPILER_OPTIONS, ROOT } from "./harness.js";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes a source map's mappings into, per generated line, the original line of each segment. */
function originalLines(mappings: string): number[][] {
  let sourceLine = 0;
  return mappings.split(";").map((line) =>
    line
      .split(",")
      .filter(Boolean)
      .map((segment) => {
        const values: number[] = [];
        let value = 0;
        let shift = 0;
        for (const char of segment) {
          const digit = BASE64.indexOf(char);
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            values.push(value & 1 ? -(value >> 1) : value >> 1);
            value = 0;
            shift = 0;
          }
        }
        if (values.length >= 3) sourceLine += values[2];
        return sourceLine;
      }),
  );
}

test("inserted projections and renumbered indices map back to the pipeline's line", () => {
  const file = path.join(ROOT, "test", "golden", "seed-join", "input.ts");
  const program = ts.createProgram([file], { ...COMPILER_OPTIONS, noEmit: false, sourceMap: true, outDir: "/virtual-out" });
  const written = new Map<string, string>();
  const result = program.emit(undefined, (name, text) => written.set(path.basename(name), text), undefined, false, {
    before: [rddoptTransformer(program, { broadcast: false }, { ts })],
  });
  expect(result.emitSkipped).toBe(false);
  const js = written.get("input.js")!;
  const map = JSON.parse(written.get("input.js.map")!) as { mappings: string };
  const generatedLine = js.split("\n").findIndex((l) => l.includes("projectValues([0])"));
  expect(generatedLine).toBeGreaterThanOrEqual(0);
  const sourceLine = ts.createSourceFile(file, ts.sys.readFile(file)!, ts.ScriptTarget.ES2022).text.split("\n").findIndex((l) => l.includes("rdd1.join(rdd2)"));
  const lines = originalLines(map.mappings)[generatedLine];
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((l) => l === sourceLine)).toBe(true);
});
