/** Scratch directories for the I/O tests, removed after each test. */
import fs from "node:fs";
import path from "node:path";
import { afterEach } from "vitest";
import { stopContexts, tempDir } from "../../helpers/context.js";

const dirs: string[] = [];

/** A fresh directory removed after the test (contexts are stopped too). */
export function scratch(): string {
  const d = tempDir("rddopt-io-");
  dirs.push(d);
  return d;
}

afterEach(async () => {
  await stopContexts();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function write(file: string, content: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** Rows sorted by their JSON, for comparing multisets of rows. */
export function sorted<T>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}
