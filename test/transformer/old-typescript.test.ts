/** An old compiler: the transformer changes nothing and says why, once. */
import ts from "typescript";
import { describe, expect, it, vi } from "vitest";
import rddoptTransformer from "../../transformer/index.js";

describe("TypeScript older than 5.9", () => {
  it("returns an identity transformer and prints one warning", () => {
    const source = `import { Context } from "rddopt";\nconst ctx = new Context();\nexport const out = ctx.parallelize([[1, [1, 2]]]).join(ctx.parallelize([[1, [3, 4]]]));\n`;
    const sourceFile = ts.createSourceFile("main.ts", source, ts.ScriptTarget.ES2022, true);
    const program = ts.createProgram({ rootNames: [], options: {} });
    const old = { ...ts, version: "5.0.4", versionMajorMinor: "5.0" } as typeof ts;
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const factory = rddoptTransformer(program, {}, { ts: old });
      const result = ts.transform(sourceFile, [factory]);
      expect(result.transformed[0]).toBe(sourceFile);
      rddoptTransformer(program, {}, { ts: old });
      const warnings = write.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("90004"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/TypeScript 5\.0\.4 is older than 5\.9/);
    } finally {
      write.mockRestore();
    }
  });
});
