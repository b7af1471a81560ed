import os from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, "test/corpus/.cache/**", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    setupFiles: ["test/helpers/fast-check-seed.ts"],
    // Vitest's default (cores - 1) runs one file at a time on 2 cores, but the heavy files mostly wait on the
    // compilers and programs they spawn: two at a time takes the suite from ~5.2 to ~3.9 minutes there.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
  },
});
