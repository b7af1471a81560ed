// No rddopt here: `rddopt rewrite` copies this file byte for byte.
export function digest(rows: readonly unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).sort().join("|");
}
