import { test } from "vitest";
import { analyzeFile } from "./harness.js";
test.skipIf(!process.env.SCRATCH_FILE)("scratch (set SCRATCH_FILE to print one file's analysis)", () => {
  const file = process.env.SCRATCH_FILE!;
  const r = analyzeFile(file, process.env.SCRATCH_OPTS ? JSON.parse(process.env.SCRATCH_OPTS) : {});
  console.log(r.after);
  console.log(JSON.stringify(r.optimizations, null, 1));
  console.log(JSON.stringify(r.warnings));
});
