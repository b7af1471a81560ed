/** Contexts for tests: quiet, small, each with its own local directory, all stopped after each test. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Context, type ContextOptions } from "../../runtime/index.js";

const open: Context[] = [];
const ownDirs = new Set<string>();

/** A Context with no progress bar, 4 partitions by default and a fresh localDir; stop it with {@link stopContexts}. */
export function testContext(options: ContextOptions = {}): Context {
  const localDir = options.localDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-test-"));
  if (!options.localDir) ownDirs.add(localDir);
  let ctx: Context;
  try {
    ctx = new Context({ progress: false, defaultParallelism: 4, ...options, localDir });
  } catch (e) {
    if (ownDirs.delete(localDir)) fs.rmSync(localDir, { recursive: true, force: true }); // a rejected option must not leak the directory
    throw e;
  }
  open.push(ctx);
  return ctx;
}

/** Stops every Context made by {@link testContext}; use as `afterEach(stopContexts)`. */
export async function stopContexts(): Promise<void> {
  while (open.length > 0) {
    const ctx = open.pop()!;
    await ctx.stop();
    if (ownDirs.delete(ctx.localDir)) fs.rmSync(ctx.localDir, { recursive: true, force: true });
  }
}

/** A fresh empty temp directory, removed by the caller. */
export function tempDir(prefix = "rddopt-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
