/**
 * What every sample shares: seeded data, and a result summary in a form the demo can compare
 * (a digest of the rows as a multiset, and the context's metrics on marked lines).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import type { Context } from "rddopt";

/** mulberry32: a small seeded PRNG, so both builds of a sample see the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: () => number, below: number): number {
  return Math.floor(random() * below);
}

export function randomWord(random: () => number, length: number): string {
  let word = "";
  for (let i = 0; i < length; i++) word += String.fromCharCode(97 + randomInt(random, 26));
  return word;
}

/** JSON with object keys sorted, so equal values print equally whatever order their keys were built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Rows as sorted canonical JSON lines: two results are equal as multisets exactly when these are equal. */
export function multisetLines(rows: readonly unknown[]): string[] {
  return rows.map(canonicalJson).sort();
}

/**
 * Prints the sample's summary, then `RDDOPT_RESULT` and `RDDOPT_METRICS` lines for the demo, writes
 * the rows to $RDDOPT_RESULT_FILE when set, and stops the context.
 */
export async function finish(name: string, ctx: Context, rows: readonly unknown[], summary: readonly string[]): Promise<void> {
  const lines = multisetLines(rows);
  const digest = createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16);
  console.log(`${name}`);
  for (const line of summary) console.log(`  ${line}`);
  console.log(`RDDOPT_RESULT ${JSON.stringify({ rows: rows.length, digest })}`);
  console.log(`RDDOPT_METRICS ${JSON.stringify(ctx.totals)}`);
  const out = process.env.RDDOPT_RESULT_FILE;
  if (out) fs.writeFileSync(out, lines.join("\n") + "\n");
  await ctx.stop();
}
